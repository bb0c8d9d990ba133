export { f32_im2col__wasmsimd } from './f32-im2col-wasmsimd';
