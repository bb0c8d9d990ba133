export { f32_vgelu_u8__wasmrelaxedsimd_fma } from './f32-vgelu-u8-wasmrelaxedsimd-fma';
export { f32_vgelutanh_u8__wasmrelaxedsimd_fma } from './f32-vgelutanh-u8-wasmrelaxedsimd-fma';
export { f32_vsigmoid_u8__wasmrelaxedsimd_fma } from './f32-vsigmoid-u8-wasmrelaxedsimd-fma';
export { f32_vsilu_u8__wasmrelaxedsimd_fma } from './f32-vsilu-u8-wasmrelaxedsimd-fma';
export { f32_vtanh_u8__wasmrelaxedsimd_fma } from './f32-vtanh-u8-wasmrelaxedsimd-fma';
