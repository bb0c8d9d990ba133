export { f16_f32_vcvt_u8__wasmsimd_int32 } from './f16-f32-vcvt-u8-wasmsimd-int32';
export { bf16_f32_vcvt_u8__wasmsimd } from './bf16-f32-vcvt-u8-wasmsimd';
