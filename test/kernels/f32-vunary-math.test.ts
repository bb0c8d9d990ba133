/**
 * The f32-vunary math and activation kernels (sqrt exp log neg abs reciprocal floor ceil round
 * sign erf sin cos clamp hardswish hardsigmoid mish elu softplus softsign threshold shrink)
 * against float64 references: the size taxonomy with NaN inputs, guarded outputs and junk after
 * inputs, in place; each kernel's documented bound on a dense grid; and the values at 0, -0,
 * +-Inf, NaN and large magnitudes (PyTorch's). Relaxed FMA twins are held to the same bounds.
 */
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../dist/src/entries/node.js';
import { engineFor, runnableBuilds } from '../helpers/engines.js';
import { input, output, sizeTaxonomy } from '../helpers/guarded.js';
import { Rng } from '../helpers/rng.js';
import { erf64 } from '../reference/eltwise.js';

const SEED = 20261204;
const f = Math.fround;

interface Case {
  name: string;
  params?: number[];
  ref: (x: number) => number;
  /** Max |y - ref| / (1 + |ref|) (or relative when `relative`) on the grid; 0: exact to the f32-rounded reference. */
  bound: number;
  relative?: boolean;
  grids: [number, number][];
  /** Relaxed build has an FMA twin. */
  twin?: boolean;
  special: [number, number][];
}

const softplus = (x: number, b: number, t: number) => (b * x > t ? x : Math.log1p(Math.exp(b * x)) / b);
const INF = Infinity;
const CASES: Case[] = [
  { name: 'vsqrt', ref: Math.sqrt, bound: 0, grids: [[0, 1e6]], special: [[0, 0], [-0, -0], [-1, NaN], [INF, INF], [NaN, NaN]] },
  { name: 'vexp', ref: Math.exp, bound: 3e-7, relative: true, grids: [[-87, 88]], twin: true, special: [[0, 1], [NaN, NaN], [INF, INF], [-INF, 0], [89, INF], [-104, 0]] },
  { name: 'vlog', ref: Math.log, bound: 1.5e-7, relative: true, grids: [[1e-3, 20], [1e-38, 1e-30], [1e30, 3e38]], twin: true, special: [[1, 0], [0, -INF], [-0, -INF], [-1, NaN], [INF, INF], [-INF, NaN], [NaN, NaN], [2 ** -149, f(Math.log(2 ** -149))]] },
  { name: 'vneg', ref: (x) => -x, bound: 0, grids: [[-20, 20]], special: [[0, -0], [INF, -INF], [NaN, NaN]] },
  { name: 'vabs', ref: Math.abs, bound: 0, grids: [[-20, 20]], special: [[-0, 0], [-INF, INF], [NaN, NaN]] },
  { name: 'vreciprocal', ref: (x) => 1 / x, bound: 0, grids: [[-20, 20]], special: [[0, INF], [-0, -INF], [INF, 0], [NaN, NaN]] },
  { name: 'vfloor', ref: Math.floor, bound: 0, grids: [[-20, 20]], special: [[-0.5, -1], [2.5, 2], [INF, INF], [NaN, NaN], [-0, -0]] },
  { name: 'vceil', ref: Math.ceil, bound: 0, grids: [[-20, 20]], special: [[-0.5, -0], [2.5, 3], [-INF, -INF], [NaN, NaN]] },
  { name: 'vround', ref: (x) => { const r = Math.round(x); return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r; }, bound: 0, grids: [[-20, 20]], special: [[0.5, 0], [1.5, 2], [2.5, 2], [-0.5, -0], [-1.5, -2], [INF, INF], [NaN, NaN], [8388609, 8388609]] },
  { name: 'vsign', ref: (x) => (x > 0 ? 1 : x < 0 ? -1 : 0), bound: 0, grids: [[-20, 20]], special: [[0, 0], [-0, 0], [-3, -1], [INF, 1], [-INF, -1], [NaN, 0]] },
  { name: 'verf', ref: erf64, bound: 3e-7, grids: [[-20, 20]], twin: true, special: [[0, 0], [-0, -0], [INF, 1], [-INF, -1], [NaN, NaN], [10, 1]] },
  { name: 'vsin', ref: Math.sin, bound: 1e-7, grids: [[-20, 20], [-1e4, 1e4]], twin: true, special: [[0, 0], [-0, -0], [INF, NaN], [-INF, NaN], [NaN, NaN]] },
  { name: 'vcos', ref: Math.cos, bound: 1e-7, grids: [[-20, 20], [-1e4, 1e4]], twin: true, special: [[0, 1], [INF, NaN], [NaN, NaN]] },
  { name: 'vclamp', params: [-0.5, 2], ref: (x) => Math.min(Math.max(x, -0.5), 2), bound: 0, grids: [[-20, 20]], special: [[NaN, NaN], [INF, 2], [-INF, -0.5], [1, 1]] },
  { name: 'vhardswish', ref: (x) => f(f(x * Math.min(Math.max(f(x + 3), 0), 6)) / 6), bound: 0, grids: [[-20, 20]], special: [[0, 0], [NaN, NaN], [INF, INF], [-INF, NaN], [-3, -0], [3, 3]] },
  { name: 'vhardsigmoid', params: [0.2, 0.5], ref: (x) => Math.max(0, Math.min(1, 0.2 * x + 0.5)), bound: 1.2e-7, grids: [[-20, 20]], special: [[0, 0.5], [NaN, NaN], [INF, 1], [-INF, 0]] },
  { name: 'vmish', ref: (x) => x * Math.tanh(softplus(x, 1, 20)), bound: 2.5e-7, grids: [[-20, 20]], twin: true, special: [[0, 0], [NaN, NaN], [INF, INF], [-INF, NaN], [100, 100], [-200, -0]] },
  { name: 'velu', params: [1.5, 1, 1], ref: (x) => (x > 0 ? x : 1.5 * Math.expm1(x)), bound: 2.5e-7, grids: [[-20, 20]], twin: true, special: [[0, 0], [NaN, NaN], [INF, INF], [-INF, -1.5], [3, 3]] },
  { name: 'velu', params: [2, 1, 0.5], ref: (x) => (x > 0 ? x : 2 * Math.expm1(x / 2)), bound: 2.5e-7, grids: [[-20, 20]], twin: true, special: [[-INF, -2], [NaN, NaN]] },
  { name: 'vsoftplus', params: [1, 20], ref: (x) => softplus(x, 1, 20), bound: 2e-7, grids: [[-20, 20]], twin: true, special: [[NaN, NaN], [INF, INF], [-INF, 0], [30, 30], [-200, 0]] },
  { name: 'vsoftplus', params: [2, 5], ref: (x) => softplus(x, 2, 5), bound: 2e-7, grids: [[-20, 20]], twin: true, special: [[3, 3], [NaN, NaN]] },
  { name: 'vsoftsign', ref: (x) => x / (1 + Math.abs(x)), bound: 1.2e-7, grids: [[-20, 20]], special: [[0, 0], [NaN, NaN], [INF, NaN]] },
  { name: 'vthreshold', params: [0.5, -2], ref: (x) => (x <= 0.5 ? -2 : x), bound: 0, grids: [[-20, 20]], special: [[NaN, NaN], [0.5, -2], [INF, INF], [-INF, -2]] },
  { name: 'vshrink', params: [0.5, 0.5, 1], ref: (x) => (x > 0.5 ? x - 0.5 : x < -0.5 ? x + 0.5 : 0), bound: 0, grids: [[-20, 20]], special: [[NaN, 0], [0.5, 0], [-0.7, f(f(-0.7) + 0.5)], [INF, INF], [-INF, -INF]] },
  { name: 'vshrink', params: [1, 0, 0], ref: (x) => (Math.abs(x) <= 1 ? 0 : x), bound: 0, grids: [[-20, 20]], special: [[NaN, NaN], [1, 0], [-1.5, -1.5]] },
];

type K = (n: number, x: number, y: number, ...p: number[]) => void;
function kernelOf(e: Engine, c: Case, fma: boolean): K {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const k = (e.k as any)[`f32_${c.name}_u8__${fma ? 'wasmrelaxedsimd_fma' : 'wasmsimd'}`] as K;
  return (n, x, y) => k(n, x, y, ...(c.params ?? []));
}

function run(e: Engine, k: K, xs: Float32Array, label: string): Float32Array {
  const x = input(e, xs);
  const y = output(e, xs.length);
  k(xs.length, x.ptr, y.ptr);
  y.checkGuards(label);
  const got = y.read();
  x.free();
  y.free();
  return got;
}

function err(c: Case, got: number, ref: number): number {
  if (Number.isNaN(ref)) return Number.isNaN(got) ? 0 : Infinity;
  if (c.bound === 0) return got === f(ref) ? 0 : Infinity;
  if (!Number.isFinite(ref)) return got === ref ? 0 : Infinity;
  const d = Math.abs(got - ref);
  return c.relative ? (ref === 0 ? d : d / Math.abs(ref)) : d / (1 + Math.abs(ref));
}

describe.each(runnableBuilds())('f32-vunary math kernels [%s build]', (build) => {
  const variants = CASES.flatMap((c) => (build === 'relaxed' && c.twin ? [[c, false], [c, true]] : [[c, false]]) as [Case, boolean][]);
  for (const [c, fma] of variants) {
    const label = `f32_${c.name}_u8__${fma ? 'wasmrelaxedsimd_fma' : 'wasmsimd'}${c.params ? `(${c.params.join(', ')})` : ''}`;
    describe(label, () => {
      it('matches the f64 reference over the size taxonomy (NaN propagates, guards intact, in place)', async () => {
        const e = await engineFor(build);
        const k = kernelOf(e, c, fma);
        const rng = new Rng(SEED);
        const [lo, hi] = c.grids[0];
        for (const n of sizeTaxonomy(8)) {
          const xs = rng.f32(n, lo, hi);
          if (n > 3) xs[n >> 1] = NaN;
          const got = run(e, k, xs, `${label} seed=${SEED} n=${n}`);
          for (let i = 0; i < n; i++) {
            const r = c.ref(xs[i]);
            if (!(err(c, got[i], r) <= c.bound)) expect.fail(`${label} seed=${SEED} n=${n} index=${i}: x=${xs[i]} got ${got[i]}, expected ${r}`);
          }
        }
        const xs = rng.f32(37, lo, hi);
        const x = input(e, xs);
        k(37, x.ptr, x.ptr);
        const inPlace = x.read();
        x.free();
        expect(Array.from(inPlace)).toEqual(Array.from(run(e, k, xs, `${label} in-place reference`)));
      });

      for (const [lo, hi] of c.grids) {
        it(`stays within its documented bound ${c.bound} on a dense grid over [${lo}, ${hi}]`, async () => {
          const e = await engineFor(build);
          const k = kernelOf(e, c, fma);
          const N = 200_001;
          const xs = new Float32Array(N);
          const geometric = lo > 0 && hi / lo > 1e3;
          for (let i = 0; i < N; i++) xs[i] = geometric ? lo * (hi / lo) ** (i / (N - 1)) : lo + ((hi - lo) * i) / (N - 1);
          const got = run(e, k, xs, `${label} grid`);
          let worst = 0;
          let at = 0;
          for (let i = 0; i < N; i++) {
            const d = err(c, got[i], c.ref(xs[i]));
            if (d > worst) [worst, at] = [d, i];
          }
          if (worst > c.bound) expect.fail(`${label}: max error ${worst} at x=${xs[at]} (got ${got[at]}, ref ${c.ref(xs[at])}) > bound ${c.bound}`);
        });
      }

      it('gives PyTorch values at 0, -0, +-Inf, NaN and large magnitudes', async () => {
        const e = await engineFor(build);
        const xs = new Float32Array(c.special.map(([x]) => x));
        const got = run(e, kernelOf(e, c, fma), xs, `${label} special`);
        c.special.forEach(([x, want], i) => {
          // the sign of a zero result is checked on the baseline kernels (FMA may flip it)
          const ok = Number.isNaN(want) ? Number.isNaN(got[i]) : Object.is(got[i], f(want)) || (fma && want === 0 && got[i] === 0) || (want !== 0 && Math.abs(got[i] - want) <= 2e-7 * Math.abs(want));
          if (!ok) expect.fail(`${label}(${x}) = ${got[i]}, expected ${want}`);
        });
      });
    });
  }
});
