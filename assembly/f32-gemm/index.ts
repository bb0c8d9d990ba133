export { f32_gemm_1x1__scalar } from './f32-gemm-1x1-scalar';
export * from './index.gen';
