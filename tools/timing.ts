/** Shared by the demo and the playground: median wall time of a model call. */
import type { Engine } from '../src/api.js';

/** Median wall time of fn over `runs` runs (after one warm-up), in ms; the tensors it makes are freed. */
export function medianMs(engine: Engine, fn: () => unknown, runs: number): number {
  const run = () => engine.scope(() => void fn()); // returns nothing, so the scope frees everything
  run();
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    run();
    t.push(performance.now() - t0);
  }
  return t.sort((a, b) => a - b)[runs >> 1];
}
