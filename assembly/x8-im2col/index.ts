export { x8_im2col_nhwc__wasmsimd } from './x8-im2col-nhwc-wasmsimd';
