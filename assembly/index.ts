// Export list of the baseline build (SIMD128 + scalar kernels). No logic lives here.
// Every export name means the same instructions in every build that carries it.
export { heap_base, abi_version } from './common/abi';
export * from './f32-vunary/index';
export * from './f32-gemm/index';
export * from './f32-attn/index';
export * from './x32-embedding/index';
export * from './x32-packw/index';
export * from './f32-rnn/index';
export * from './f16-f32-vcvt/index';
export * from './f32-im2col/index';
export * from './f32-dwconv/index';
export * from './f32-pool/index';
export * from './f32-vmulcaddc/index';
export * from './f32-vbinary/index';
export * from './f32-softmax/index';
export * from './f32-norm/index';
export * from './f32-conv2d/index';
export * from './qd8-f32-qc8w-gemm/index';
export * from './f32-qd8-convert/index';
export * from './qd8-f32-qc8w-rnn/index';
export * from './xn-copy/index';
export * from './f32-col2im/index';
export * from './f32-reduce/index';
export * from './f32-resize/index';
export * from './f32-f16w-gemm/index';
// int8 convolution (issue 15, int8-speed): NHWC quantize + byte im2col; the conv GEMM forms live in qd8-f32-qc8w-gemm
export * from './x8-im2col/index';
