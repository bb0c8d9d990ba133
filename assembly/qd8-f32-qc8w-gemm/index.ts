export { qd8_f32_qc8w_gemm_1x1__scalar, qd8_f32_qc8w_conv_1x1__scalar } from './qd8-f32-qc8w-gemm-1x1-scalar';
export { qd8_f32_qc8w_gemm_2x8__wasmsimd_dot16x2, qd8_f32_qc8w_conv_2x8__wasmsimd_dot16x2 } from './qd8-f32-qc8w-gemm-2x8-wasmsimd-dot16x2';
