/**
 * How operators split one call over the pool. Every split cuts the *outputs* into disjoint
 * ranges and never the reduction, so each output element is computed by the same instructions
 * in the same order as on one thread: N threads give the bits of 1.
 *
 * Thresholds: below them the dispatch (waking the workers, ~1 us when they spin, tens of us from
 * Atomics.wait) costs more than it saves, so the work stays on the calling thread. They are set
 * from that wake-up cost against single-thread throughput (~15 GFLOP/s GEMM, ~2 GB/s streaming
 * ops); `npm run bench -- --threads 1,2` shows where the split starts to pay, and they are to be
 * re-measured on a quiet machine.
 */
import type { Engine } from '../runtime/engine.js';

/**
 * The least work per thread for a split: floating-point operations for GEMM-like ops, elements
 * for streaming (row-wise, elementwise) ops. Tests set them to 1 to split every size.
 */
export const SPLIT = { flopsPerThread: 1 << 19, elementsPerThread: 1 << 15 };

/** Threads to use for `work` units when each thread should get at least `minPerThread`. */
export function threadsFor(engine: Engine, work: number, minPerThread: number): number {
  const pool = engine.pool;
  if (!pool) return 1;
  return Math.max(1, Math.min(pool.size, Math.floor(work / minPerThread)));
}

/**
 * Cuts [0, total) into at most `parts` contiguous ranges whose inner boundaries are multiples of
 * `align`; returns the boundaries [0, b1, ..., total]. Ranges are as even as the alignment allows.
 */
export function splitRange(total: number, parts: number, align = 1): number[] {
  const units = Math.ceil(total / align);
  const p = Math.max(1, Math.min(parts, units));
  const out = [0];
  for (let i = 1; i < p; i++) out.push(Math.min(total, Math.round((units * i) / p) * align));
  out.push(total);
  return out.filter((b, i) => i === 0 || b > out[i - 1]);
}

/**
 * Runs kernel `fn` (an export of the engine's instance) once per range of [0, total) when the
 * pool is worth it: ranges aligned to `align` units, at least `minPerThread` of `work` each;
 * argsFor(start, end, task) gives each task's arguments. Returns false (nothing ran) when the
 * work stays on the calling thread: the caller then makes its usual single call.
 */
export function runSplit(
  engine: Engine, fn: unknown, total: number, align: number, work: number, minPerThread: number,
  argsFor: (start: number, end: number, task: number) => number[],
): boolean {
  const nt = threadsFor(engine, work, minPerThread);
  if (nt < 2) return false;
  const name = engine.pool!.nameOf(fn);
  if (!name) return false;
  const cuts = splitRange(total, nt, align);
  if (cuts.length < 3) return false;
  const tasks: number[][] = [];
  for (let t = 0; t + 1 < cuts.length; t++) tasks.push(argsFor(cuts[t], cuts[t + 1], t));
  engine.pool!.run(name, tasks);
  return true;
}

/** Threads (ranges) runSplit would use for this work: to size per-task workspaces first. */
export function splitParts(engine: Engine, total: number, align: number, work: number, minPerThread: number): number {
  const nt = threadsFor(engine, work, minPerThread);
  return nt < 2 ? 1 : splitRange(total, nt, align).length - 1;
}
