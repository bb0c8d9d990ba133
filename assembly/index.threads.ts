// Export list of the simd threads build: the baseline build over an imported *shared* memory
// (asconfig target simd-threads: --enable threads --sharedMemory --maximumMemory 65536). Same
// kernels, same code; the marker tells the loader this module needs a shared WebAssembly.Memory.
//
// N instances on one memory (the pool: one per worker, same compiled module), as checked in the
// .wat of this build: there is no linear-memory stack (--runtime stub and no managed objects:
// no __stack_pointer, every local is a wasm local on the executing thread's own native stack),
// no mutable global and no start function. AssemblyScript 0.28 keeps the two data segments (the
// std Math tables at 1024..~5100, below __heap_base) *active* even with --sharedMemory: it emits
// no passive segment + memory.init guard, so every instantiation rewrites them. That is harmless
// here: they are read-only constants, rewritten with identical bytes, and the arena never
// allocates below heap_base(). Scratch memory per thread comes from the caller (a workspace
// slice per task), never from an AS-side allocator.
export * from './index';
export const THREADS_BUILD: i32 = 1;
