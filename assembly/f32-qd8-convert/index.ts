export { f32_qd8_convert_u16__wasmsimd } from './f32-qd8-convert-u16-wasmsimd';
export { f32_qd8_convert_nhwc__wasmsimd } from './f32-qd8-convert-nhwc-wasmsimd';
