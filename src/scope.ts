/** Free-function forms of the default engine's scope helpers. */
import { getEngine } from './runtime/engine.js';
import type { MemoryStats } from './runtime/memory.js';
import type { Tensor } from './tensor.js';

/** Runs fn and disposes every tensor made inside it except those it returns (or keep()s). */
export function scope<T>(fn: () => T): T {
  return getEngine().scope(fn);
}

/** Keeps a tensor alive past the enclosing scope(). */
export function keep(t: Tensor): Tensor {
  return getEngine().keep(t);
}

/** The default engine's memory statistics. */
export function memoryStats(): MemoryStats {
  return getEngine().memoryStats();
}
