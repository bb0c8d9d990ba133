export { f32_f16w_gemm_4x8__wasmsimd } from './f32-f16w-gemm-4x8-wasmsimd';
