export { f32_vadd_u8__wasmsimd } from './f32-vadd-u8-wasmsimd';
export { f32_vaddc_u8__wasmsimd } from './f32-vaddc-u8-wasmsimd';
export { f32_vmul_u8__wasmsimd } from './f32-vmul-u8-wasmsimd';
export { f32_vmulc_u8__wasmsimd } from './f32-vmulc-u8-wasmsimd';
