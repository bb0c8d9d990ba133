// Export list of the relaxed build: everything of the baseline build plus the
// `__wasmrelaxedsimd` kernels. Relaxed opcodes appear only in kernels so named.
export * from './index';
export * from './index.relaxed-only';
