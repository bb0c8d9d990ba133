export { f32_dwconv_3x3s1__wasmrelaxedsimd_fma } from './f32-dwconv-3x3s1-wasmrelaxedsimd-fma';
export { f32_dwconv_3x3s2__wasmrelaxedsimd_fma } from './f32-dwconv-3x3s2-wasmrelaxedsimd-fma';
export { f32_dwconv_5x5s1__wasmrelaxedsimd_fma } from './f32-dwconv-5x5s1-wasmrelaxedsimd-fma';
export { f32_dwconv_5x5s2__wasmrelaxedsimd_fma } from './f32-dwconv-5x5s2-wasmrelaxedsimd-fma';
export { f32_dwconv_generic__wasmrelaxedsimd_fma } from './f32-dwconv-generic-wasmrelaxedsimd-fma';
