// The `__wasmrelaxedsimd` kernels, one line per family. Only the relaxed build includes this file.
export const RELAXED_BUILD: i32 = 1;
export { f32_attn_q4k32__wasmrelaxedsimd_fma } from './f32-attn/f32-attn-q4k32-wasmrelaxedsimd-fma';
