/**
 * f32-reduce kernels (rsum, rsumsq, rasum, rprod, rmax, rmin) over [outer, r, inner] geometries
 * around their tiles (inner == 1 rows of 1..2*8+ elements; inner 2..9 columns with 1..3 tail
 * lanes), NaN propagation, guarded outputs, junk after inputs, against float64 references.
 */
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../dist/src/entries/node.js';
import { engineFor, runnableBuilds } from '../helpers/engines.js';
import { input, output, sizeTaxonomy } from '../helpers/guarded.js';
import { Rng } from '../helpers/rng.js';

const SEED = 4242;
type Name = 'rsum' | 'rsumsq' | 'rasum' | 'rprod' | 'rmax' | 'rmin';
const OPS: { name: Name; scaled: boolean; init: number; comb: (acc: number, v: number) => number; exact: boolean }[] = [
  { name: 'rsum', scaled: true, init: 0, comb: (a, v) => a + v, exact: false },
  { name: 'rsumsq', scaled: true, init: 0, comb: (a, v) => a + v * v, exact: false },
  { name: 'rasum', scaled: true, init: 0, comb: (a, v) => a + Math.abs(v), exact: false },
  { name: 'rprod', scaled: false, init: 1, comb: (a, v) => a * v, exact: false },
  { name: 'rmax', scaled: false, init: -Infinity, comb: (a, v) => (Number.isNaN(a) || Number.isNaN(v) ? NaN : Math.max(a, v)), exact: true },
  { name: 'rmin', scaled: false, init: Infinity, comb: (a, v) => (Number.isNaN(a) || Number.isNaN(v) ? NaN : Math.min(a, v)), exact: true },
];

function call(e: Engine, name: Name, outer: number, r: number, inner: number, x: number, y: number, scale: number): void {
  const k = e.k;
  if (name === 'rsum') k.f32_rsum_u4__wasmsimd(outer, r, inner, x, y, scale);
  else if (name === 'rsumsq') k.f32_rsumsq_u4__wasmsimd(outer, r, inner, x, y, scale);
  else if (name === 'rasum') k.f32_rasum_u4__wasmsimd(outer, r, inner, x, y, scale);
  else if (name === 'rprod') k.f32_rprod_u4__wasmsimd(outer, r, inner, x, y);
  else if (name === 'rmax') k.f32_rmax_u4__wasmsimd(outer, r, inner, x, y);
  else k.f32_rmin_u4__wasmsimd(outer, r, inner, x, y);
}

describe.each(runnableBuilds())('f32-reduce kernels [%s build]', (build) => {
  for (const op of OPS) {
    it(`f32_${op.name}_u4__wasmsimd: [outer, r, inner] around the tiles, NaN propagates, guards intact`, async () => {
      const e = await engineFor(build);
      const rng = new Rng(SEED);
      const geoms: [number, number, number][] = [];
      for (const r of sizeTaxonomy(8).filter((n) => n < 200)) geoms.push([1, r, 1], [3, r, 1]);
      for (const inner of [2, 3, 4, 5, 7, 8, 9, 13]) for (const r of [1, 2, 5, 17]) geoms.push([2, r, inner]);
      for (const [outer, r, inner] of geoms) {
        const n = outer * r * inner;
        const lo = op.name === 'rprod' ? 0.5 : -3;
        const hi = op.name === 'rprod' ? 1.5 : 3;
        const xs = rng.f32(n, lo, hi);
        const withNaN = n > 5 && (outer * inner) % 2 === 1;
        if (withNaN) xs[(n * 7) >> 3] = NaN;
        const scale = op.scaled ? 1 / r : 1;
        const x = input(e, xs);
        const y = output(e, outer * inner);
        call(e, op.name, outer, r, inner, x.ptr, y.ptr, scale);
        const label = `f32_${op.name}_u4__wasmsimd seed=${SEED} outer=${outer} r=${r} inner=${inner}`;
        y.checkGuards(label);
        const got = y.read();
        for (let o = 0; o < outer; o++) {
          for (let i = 0; i < inner; i++) {
            let acc = op.init;
            let mag = 0;
            for (let k = 0; k < r; k++) {
              const v = xs[(o * r + k) * inner + i];
              acc = op.comb(acc, v);
              mag = op.name === 'rprod' ? Math.abs(acc) : mag + Math.abs(op.comb(0, v));
            }
            const want = acc * scale;
            const g = got[o * inner + i];
            const ok = Number.isNaN(want) ? Number.isNaN(g) : op.exact ? g === Math.fround(want) : Math.abs(g - want) <= 4e-7 * r * mag * scale + 1e-30;
            if (!ok) expect.fail(`${label} output=[${o}, ${i}]: got ${g}, expected ${want}`);
          }
        }
        x.free();
        y.free();
      }
    });
  }
});
