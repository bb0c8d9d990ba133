/**
 * f32-vunary kernels (leaky_relu, gelu erf/tanh, silu, sigmoid, tanh) against the f64 references
 * of test/reference/eltwise.ts: the size taxonomy with guarded outputs and junk after inputs, a
 * dense grid on [-20, 20] with the documented error bounds, and 0, -0, +-Inf, NaN, +-100, +-1e30.
 */
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../dist/src/entries/node.js';
import { engineFor, runnableBuilds } from '../helpers/engines.js';
import { input, output, sizeTaxonomy } from '../helpers/guarded.js';
import { Rng } from '../helpers/rng.js';
import { unaryRef } from '../reference/eltwise.js';

const SEED = 20261128;

interface Case {
  kernel: string;
  call: (e: Engine, n: number, x: number, y: number) => void;
  ref: (x: number) => number;
  /** Max |y - ref| / (1 + |ref|) on finite results (documented bound, see kernel headers). */
  bound: number;
  /** Expected outputs at the special inputs (PyTorch's values). */
  special: [number, number][];
}

const SLOPE = 0.2;
const COMMON: [number, number][] = [[0, 0], [NaN, NaN]];
const CASES: Case[] = [
  {
    kernel: 'f32_vlrelu_u8__wasmsimd', call: (e, n, x, y) => e.k.f32_vlrelu_u8__wasmsimd(n, x, y, SLOPE),
    ref: (x) => unaryRef.leaky_relu(x, SLOPE), bound: 0,
    special: [...COMMON, [Infinity, Infinity], [-Infinity, -Infinity], [-100, Math.fround(-100 * Math.fround(SLOPE))]],
  },
  {
    kernel: 'f32_vgelu_u8__wasmsimd', call: (e, n, x, y) => e.k.f32_vgelu_u8__wasmsimd(n, x, y),
    ref: unaryRef.gelu, bound: 4e-7,
    special: [...COMMON, [Infinity, Infinity], [-Infinity, NaN], [100, 100], [-100, -0], [1e30, 1e30]],
  },
  {
    kernel: 'f32_vgelutanh_u8__wasmsimd', call: (e, n, x, y) => e.k.f32_vgelutanh_u8__wasmsimd(n, x, y),
    ref: unaryRef.gelu_tanh, bound: 3e-7,
    special: [...COMMON, [Infinity, Infinity], [-Infinity, NaN], [100, 100], [-100, -0], [1e30, 1e30], [-1e30, -0]],
  },
  {
    kernel: 'f32_vsilu_u8__wasmsimd', call: (e, n, x, y) => e.k.f32_vsilu_u8__wasmsimd(n, x, y),
    ref: unaryRef.silu, bound: 2e-7,
    special: [...COMMON, [Infinity, Infinity], [-Infinity, NaN], [100, 100], [1e30, 1e30], [-1e30, -0]],
  },
  {
    kernel: 'f32_vsigmoid_u8__wasmsimd', call: (e, n, x, y) => e.k.f32_vsigmoid_u8__wasmsimd(n, x, y),
    ref: unaryRef.sigmoid, bound: 1e-7,
    special: [[0, 0.5], [NaN, NaN], [Infinity, 1], [-Infinity, 0], [100, 1], [-200, 0], [1e30, 1], [-1e30, 0]],
  },
  {
    kernel: 'f32_vtanh_u8__wasmsimd', call: (e, n, x, y) => e.k.f32_vtanh_u8__wasmsimd(n, x, y),
    ref: unaryRef.tanh, bound: 1.5e-7,
    special: [...COMMON, [-0, -0], [Infinity, 1], [-Infinity, -1], [100, 1], [-100, -1], [1e30, 1], [-1e30, -1]],
  },
];

/** The relaxed build adds __wasmrelaxedsimd_fma twins, held to the same bounds. */
function casesFor(build: string): Case[] {
  if (build !== 'relaxed') return CASES;
  const twins = CASES.filter((c) => c.kernel !== 'f32_vlrelu_u8__wasmsimd').map((c) => {
    const kernel = c.kernel.replace('__wasmsimd', '__wasmrelaxedsimd_fma');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const call = (e: Engine, n: number, x: number, y: number) => (e.k as any)[kernel](n, x, y);
    return { ...c, kernel, call };
  });
  return [...CASES, ...twins];
}

function run(e: Engine, c: Case, xs: Float32Array, label: string): Float32Array {
  const x = input(e, xs);
  const y = output(e, xs.length);
  c.call(e, xs.length, x.ptr, y.ptr);
  y.checkGuards(label);
  const got = y.read();
  x.free();
  y.free();
  return got;
}

function err(got: number, ref: number): number {
  if (Number.isNaN(ref)) return Number.isNaN(got) ? 0 : Infinity;
  if (!Number.isFinite(ref)) return got === ref ? 0 : Infinity;
  return Math.abs(got - ref) / (1 + Math.abs(ref));
}

describe.each(runnableBuilds())('f32-vunary kernels [%s build]', (build) => {
  for (const c of casesFor(build)) {
    describe(c.kernel, () => {
      it('matches the f64 reference over the size taxonomy (NaN propagates, guards intact, in place)', async () => {
        const e = await engineFor(build);
        const rng = new Rng(SEED);
        for (const n of sizeTaxonomy(8)) {
          const xs = rng.f32(n, -8, 8);
          if (n > 3) xs[n >> 1] = NaN;
          const got = run(e, c, xs, `${c.kernel} seed=${SEED} n=${n}`);
          for (let i = 0; i < n; i++) {
            const r = c.ref(xs[i]);
            if (!(err(got[i], r) <= Math.max(c.bound, 0))) {
              expect.fail(`${c.kernel} seed=${SEED} n=${n} index=${i}: x=${xs[i]} got ${got[i]}, expected ${r}`);
            }
          }
        }
        // in place: y == x
        const xs = rng.f32(37, -8, 8);
        const x = input(e, xs);
        c.call(e, 37, x.ptr, x.ptr);
        const inPlace = x.read();
        x.free();
        const ref = run(e, c, xs, `${c.kernel} in-place reference`);
        expect(Array.from(inPlace)).toEqual(Array.from(ref));
      });

      it(`stays within its documented bound ${c.bound} on a dense grid over [-20, 20]`, async () => {
        const e = await engineFor(build);
        const N = 400_001;
        const xs = new Float32Array(N);
        for (let i = 0; i < N; i++) xs[i] = -20 + (40 * i) / (N - 1);
        const got = run(e, c, xs, `${c.kernel} grid`);
        let worst = 0;
        let at = 0;
        for (let i = 0; i < N; i++) {
          const d = err(got[i], c.ref(xs[i]));
          if (d > worst) [worst, at] = [d, i];
        }
        if (worst > c.bound) expect.fail(`${c.kernel}: max error ${worst} at x=${xs[at]} (got ${got[at]}, ref ${c.ref(xs[at])}) > bound ${c.bound}`);
      });

      if (c.kernel.startsWith('f32_vsigmoid')) {
        it('keeps its relative accuracy down to the denormal cutoff (x in [-104, -80])', async () => {
          const e = await engineFor(build);
          const N = 24_001;
          const xs = new Float32Array(N);
          for (let i = 0; i < N; i++) xs[i] = -104 + (24 * i) / (N - 1);
          const got = run(e, c, xs, `${c.kernel} denormal grid`);
          for (let i = 0; i < N; i++) {
            const want = Math.fround(c.ref(xs[i]));
            // normal results: 1e-6 relative; denormal results: within 2 units of 2^-149
            const ok = Math.abs(got[i] - want) <= Math.max(1e-6 * want, 2 * 2 ** -149);
            if (!ok) expect.fail(`${c.kernel}(${xs[i]}) = ${got[i]}, expected ${want}`);
          }
        });
      }

      it('gives PyTorch values at 0, -0, +-Inf, NaN and large magnitudes', async () => {
        const e = await engineFor(build);
        const xs = new Float32Array(c.special.map(([x]) => x));
        const got = run(e, c, xs, `${c.kernel} special`);
        c.special.forEach(([x, want], i) => {
          const ok = Number.isNaN(want) ? Number.isNaN(got[i]) : want === 0 ? Math.abs(got[i]) < 1e-30 : got[i] === Math.fround(want);
          if (!ok) expect.fail(`${c.kernel}(${x}) = ${got[i]}, expected ${want}`);
        });
      });
    });
  }
});
