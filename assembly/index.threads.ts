// Export list of the simd threads build: the baseline build over an imported *shared* memory
// (asconfig target simd-threads: --enable threads --sharedMemory). Same kernels, same code; the
// marker tells the loader this module needs a shared WebAssembly.Memory.
export * from './index';
export const THREADS_BUILD: i32 = 1;
