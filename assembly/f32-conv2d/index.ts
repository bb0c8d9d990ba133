export { f32_conv2d_4x8__wasmsimd } from './f32-conv2d-4x8-wasmsimd';
export { f32_conv2d_4x8_ws_floats } from './conv2d-4x8-driver';
