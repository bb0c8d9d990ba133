export { f32_conv2d_4x8__wasmrelaxedsimd_fma } from './f32-conv2d-4x8-wasmrelaxedsimd-fma';
