export { f32_attn_q4k32__wasmsimd } from './f32-attn-q4k32-wasmsimd';
export { f32_attn_probs_q4k32__wasmsimd } from './f32-attn-probs-q4k32-wasmsimd';
export { f32_attn_kvappend__scalar } from './f32-attn-kvappend-scalar';
