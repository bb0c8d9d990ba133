// The `__wasmrelaxedsimd` kernels, one line per family. Only the relaxed build includes this file.
export const RELAXED_BUILD: i32 = 1;
export { f32_attn_q4k32__wasmrelaxedsimd_fma } from './f32-attn/f32-attn-q4k32-wasmrelaxedsimd-fma';
export * from './f32-dwconv/index.relaxed';
export * from './f32-vunary/index.relaxed';
export * from './f32-softmax/index.relaxed';
export * from './f32-gemm/index.relaxed.gen';
export * from './f32-conv2d/index.relaxed';
export * from './qd8-f32-qc8w-gemm/index.relaxed';
