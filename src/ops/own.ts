/**
 * No leak on error: `owning(fn)` hands fn an `own` function that registers what the call
 * allocates for its result (output tensors, state objects, or any `{ dispose() }`, e.g. an arena
 * block). If fn throws (an OutOfMemoryError for the workspace after the output was allocated, a
 * kernel assert, a bad argument found late), everything registered so far is disposed, newest
 * first, and the error is rethrown. Once fn returns, what it registered belongs to the caller.
 *
 *   return owning((own) => {
 *     const y = own(Tensor.empty(shape, 'float32', engine));
 *     runKernelNeedingWorkspace(y);      // may throw: y is freed
 *     return y;
 *   });
 */
export interface Owned {
  dispose(): void;
}

export function owning<T>(fn: (own: <D extends Owned>(d: D) => D) => T): T {
  const owned: Owned[] = [];
  try {
    return fn((d) => {
      owned.push(d);
      return d;
    });
  } catch (e) {
    for (let i = owned.length - 1; i >= 0; i--) owned[i].dispose();
    throw e;
  }
}
