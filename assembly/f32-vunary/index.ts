export { f32_vrelu_u8__wasmsimd } from './f32-vrelu-u8-wasmsimd';
export { f32_vlrelu_u8__wasmsimd } from './f32-vlrelu-u8-wasmsimd';
export { f32_vgelu_u8__wasmsimd } from './f32-vgelu-u8-wasmsimd';
export { f32_vgelutanh_u8__wasmsimd } from './f32-vgelutanh-u8-wasmsimd';
export { f32_vsilu_u8__wasmsimd } from './f32-vsilu-u8-wasmsimd';
export { f32_vsigmoid_u8__wasmsimd } from './f32-vsigmoid-u8-wasmsimd';
export { f32_vtanh_u8__wasmsimd } from './f32-vtanh-u8-wasmsimd';
