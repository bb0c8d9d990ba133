export { f32_col2im__wasmsimd } from './f32-col2im-wasmsimd';
