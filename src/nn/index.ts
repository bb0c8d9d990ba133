/** torch.nn-shaped modules. */
export { Module, type StateDict, type StateValue, type LoadOptions } from './module.js';
export { ReLU } from './activation.js';
export { Linear, type LinearOptions } from './linear.js';
export { RNN, GRU, LSTM, RNNBase, RNNState, type RNNOptions, type RNNBaseOptions, type LSTMOptions } from './rnn.js';
export { RNNCell, GRUCell, LSTMCell, RNNCellBase, type RNNCellOptions } from './rnn-cell.js';
export { loadSafetensors, saveSafetensors } from '../io/safetensors.js';
export { Sequential, ModuleList, type ForwardModule } from './container.js';
export { type StateDictReport } from './module.js';
export { Conv2d, Conv1d, type ConvOptions } from './conv.js';
export { MaxPool2d, AvgPool2d, AdaptiveAvgPool2d, type MaxPool2dOptions, type AvgPool2dOptions } from './pooling.js';
export { BatchNorm2d, type BatchNormOptions } from './batchnorm.js';
export { Flatten } from './flatten.js';
export { fuseConvBnEval, planFoldedForward, disposeFoldedPlan, type FoldOptions, type FoldedPlan } from './fusion.js';
export { LeakyReLU, GELU, SiLU, Sigmoid, Tanh, Softmax, LogSoftmax } from './activation.js';
export { LayerNorm, type LayerNormOptions } from './normalization.js';
