/** torch.nn-shaped modules. */
export { Module, type StateDict, type StateValue, type LoadOptions } from './module.js';
export { ReLU } from './activation.js';
export { RNN, GRU, LSTM, RNNBase, RNNState, type RNNOptions, type RNNBaseOptions, type LSTMOptions } from './rnn.js';
export { RNNCell, GRUCell, LSTMCell, RNNCellBase, type RNNCellOptions } from './rnn-cell.js';
export { loadSafetensors, saveSafetensors } from '../io/safetensors.js';
export { Sequential, ModuleList, type ForwardModule } from './container.js';
export { type StateDictReport } from './module.js';
