export {
  qd8_f32_qc8w_gemm_4x8__wasmrelaxedsimd,
  qd8_f32_qc8w_gemm_4x8__wasmrelaxedsimd_dot2,
  qd8_f32_qc8w_conv_4x8__wasmrelaxedsimd,
  qd8_f32_qc8w_conv_4x8__wasmrelaxedsimd_dot2,
  qd8_relaxed_dot_probe__wasmrelaxedsimd,
} from './qd8-f32-qc8w-gemm-4x8-wasmrelaxedsimd';
