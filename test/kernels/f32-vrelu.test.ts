import { describe, expect, it } from 'vitest';
import { engineFor, runnableBuilds } from '../helpers/engines.js';
import { input, output, sizeTaxonomy } from '../helpers/guarded.js';
import { Rng } from '../helpers/rng.js';

const SEED = 1234;

describe.each(runnableBuilds())('f32_vrelu_u8__wasmsimd [%s build]', (build) => {
  it('matches max(x, 0) over the size taxonomy, NaN propagates, guards intact', async () => {
    const e = await engineFor(build);
    const rng = new Rng(SEED);
    for (const n of sizeTaxonomy(8)) {
      const xs = rng.f32(n, -2, 2);
      if (n > 3) xs[n >> 1] = NaN;
      const x = input(e, xs);
      const y = output(e, n);
      e.k.f32_vrelu_u8__wasmsimd(n, x.ptr, y.ptr);
      y.checkGuards(`seed=${SEED} n=${n}`);
      const got = y.read();
      for (let i = 0; i < n; i++) {
        const ref = Number.isNaN(xs[i]) ? NaN : Math.max(xs[i], 0);
        if (!Object.is(got[i], ref) && !(ref === 0 && got[i] === 0)) {
          expect.fail(`seed=${SEED} n=${n} index=${i}: x=${xs[i]} got ${got[i]}, expected ${ref}`);
        }
      }
      x.free();
      y.free();
    }
  });
});
