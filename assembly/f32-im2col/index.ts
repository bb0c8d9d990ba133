export { f32_im2col__wasmsimd } from './f32-im2col-wasmsimd';
export { f32_im2col_packw_x8__wasmsimd } from './f32-im2col-packw-x8-wasmsimd';
