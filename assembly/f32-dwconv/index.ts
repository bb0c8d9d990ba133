export { f32_dwconv_3x3s1__wasmsimd } from './f32-dwconv-3x3s1-wasmsimd';
export { f32_dwconv_3x3s2__wasmsimd } from './f32-dwconv-3x3s2-wasmsimd';
export { f32_dwconv_5x5s1__wasmsimd } from './f32-dwconv-5x5s1-wasmsimd';
export { f32_dwconv_5x5s2__wasmsimd } from './f32-dwconv-5x5s2-wasmsimd';
export { f32_dwconv_generic__wasmsimd } from './f32-dwconv-generic-wasmsimd';
