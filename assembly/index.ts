// Export list of the baseline build (SIMD128 + scalar kernels). No logic lives here.
// Every export name means the same instructions in every build that carries it.
export { heap_base, abi_version } from './common/abi';
export * from './f32-vunary/index';
export * from './f32-gemm/index';
export * from './f32-rnn/index';
export * from './f16-f32-vcvt/index';
