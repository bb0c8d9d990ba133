/**
 * Engines for the thread tests: one per (build, thread count), created once per test file, and
 * a switch that makes every operator split even the smallest sizes (so the taxonomies, which are
 * mostly below the real thresholds, go through the partitioned paths).
 */
import { afterAll } from 'vitest';
import { createEngine, type Engine } from '../../dist/src/internal.js';
import { SPLIT } from '../../dist/src/threads/split.js';

const cache = new Map<string, Promise<Engine>>();

export function threadsEngine(build: 'simd' | 'relaxed', threads: number): Promise<Engine> {
  const key = `${build}/${threads}`;
  let p = cache.get(key);
  if (!p) {
    p = createEngine({ simd: build, threads });
    cache.set(key, p);
  }
  return p;
}

/** Splits every size while fn runs. */
export function splitEverything<T>(fn: () => T): T {
  const saved = { ...SPLIT };
  SPLIT.flopsPerThread = 1;
  SPLIT.elementsPerThread = 1;
  try {
    return fn();
  } finally {
    Object.assign(SPLIT, saved);
  }
}

afterAll(async () => {
  for (const p of cache.values()) (await p).dispose();
  cache.clear();
});

/** Index of the first element whose bits differ, or -1. */
export function firstBitDiff(a: Float32Array, b: Float32Array): number {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  if (x.length !== y.length) return 0;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}
