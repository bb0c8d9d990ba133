// Export list of the relaxed threads build: the relaxed build over an imported *shared* memory
// (asconfig target relaxed-threads). See index.threads.ts.
export * from './index.relaxed';
export const THREADS_BUILD: i32 = 1;
