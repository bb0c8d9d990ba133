export { x32_packw_gemm_goi__scalar } from './x32-packw-gemm-goi-scalar';
export { x32_packw_gemm_gio__wasmsimd } from './x32-packw-gemm-gio-wasmsimd';
