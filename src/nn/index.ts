/** torch.nn-shaped modules. */
export { Module, type StateDict, type StateValue, type LoadOptions } from './module.js';
export { ReLU } from './activation.js';
export { loadSafetensors, saveSafetensors } from '../io/safetensors.js';
export { Sequential, ModuleList, type ForwardModule } from './container.js';
export { type StateDictReport } from './module.js';
export { LeakyReLU, GELU, SiLU, Sigmoid, Tanh, Softmax, LogSoftmax } from './activation.js';
export { LayerNorm, type LayerNormOptions } from './normalization.js';
