// The `__wasmrelaxedsimd` kernels, one line per family. Only the relaxed build includes this file.
export const RELAXED_BUILD: i32 = 1;
export * from './f32-dwconv/index.relaxed';
export * from './f32-vunary/index.relaxed';
export * from './f32-softmax/index.relaxed';
export * from './f32-gemm/index.relaxed.gen';
