/** torch.nn-shaped modules. */
export { Module, type StateDict, type StateValue, type LoadOptions } from './module.js';
export { ReLU } from './activation.js';
export { MultiheadAttention, type MultiheadAttentionOptions, type MultiheadAttentionForwardOptions } from './multihead-attention.js';
export { NonDynamicallyQuantizableLinear } from './out-projection.js';
export { KVCache, type KVCacheOptions } from './kv-cache.js';
export { Embedding, type EmbeddingOptions } from './embedding.js';
export { RNN, GRU, LSTM, RNNBase, RNNState, type RNNOptions, type RNNBaseOptions, type LSTMOptions } from './rnn.js';
export { RNNCell, GRUCell, LSTMCell, RNNCellBase, type RNNCellOptions } from './rnn-cell.js';
export { loadSafetensors, saveSafetensors } from '../io/safetensors.js';
export { Sequential, ModuleList, type ForwardModule } from './container.js';
export { type StateDictReport } from './module.js';
