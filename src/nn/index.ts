/** torch.nn-shaped modules. */
export { Module, type StateDict, type StateValue, type LoadOptions } from './module.js';
export { ReLU } from './activation.js';
export { MultiheadAttention, type MultiheadAttentionOptions, type MultiheadAttentionForwardOptions } from './multihead-attention.js';
export { NonDynamicallyQuantizableLinear } from './out-projection.js';
export { KVCache, type KVCacheOptions } from './kv-cache.js';
export { Embedding, type EmbeddingOptions } from './embedding.js';
