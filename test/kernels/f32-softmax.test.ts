/**
 * f32_softmax_u16__wasmsimd and f32_logsoftmax_u16__wasmsimd against the f64 reference over odd
 * row lengths and row counts, guarded outputs, junk after inputs, in place; -inf entries, rows of
 * all -inf (NaN, as PyTorch), rows scaled by 1e4 and offset by +-1e4.
 */
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../dist/src/entries/node.js';
import { engineFor, runnableBuilds } from '../helpers/engines.js';
import { input, output, sizeTaxonomy } from '../helpers/guarded.js';
import { Rng } from '../helpers/rng.js';
import { softmaxRow } from '../reference/eltwise.js';

const SEED = 777;
const TOL = 1e-6; // |y - ref| <= TOL * (1 + |ref|); exact where ref is 0 / -inf / NaN
const LENGTHS = [...new Set([...sizeTaxonomy(16), 2048 + 13])];
const ROWS = [1, 2, 3, 5];

const KERNELS = [
  { name: 'f32_softmax_u16__wasmsimd', log: false, call: (e: Engine, r: number, n: number, x: number, y: number) => e.k.f32_softmax_u16__wasmsimd(r, n, x, y) },
  { name: 'f32_logsoftmax_u16__wasmsimd', log: true, call: (e: Engine, r: number, n: number, x: number, y: number) => e.k.f32_logsoftmax_u16__wasmsimd(r, n, x, y) },
];

type K = (typeof KERNELS)[number];

/** The relaxed build adds __wasmrelaxedsimd_fma twins, held to the same tolerance. */
function kernelsFor(build: string): K[] {
  if (build !== 'relaxed') return KERNELS;
  return [
    ...KERNELS,
    ...KERNELS.map((k) => {
      const name = k.name.replace('__wasmsimd', '__wasmrelaxedsimd_fma');
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      return { ...k, name, call: (e: Engine, r: number, n: number, x: number, y: number) => (e.k as any)[name](r, n, x, y) };
    }),
  ];
}

function check(e: Engine, k: K, rows: number, n: number, xs: Float32Array, label: string): void {
  const x = input(e, xs);
  const y = output(e, rows * n);
  k.call(e, rows, n, x.ptr, y.ptr);
  y.checkGuards(label);
  const got = y.read();
  x.free();
  y.free();
  for (let r = 0; r < rows; r++) {
    const ref = softmaxRow(xs.subarray(r * n, (r + 1) * n), k.log);
    for (let i = 0; i < n; i++) {
      const g = got[r * n + i];
      const want = ref[i];
      const ok = Number.isNaN(want)
        ? Number.isNaN(g)
        : !Number.isFinite(want) || want === 0
          ? g === want
          : Math.abs(g - want) <= TOL * (1 + Math.abs(want));
      if (!ok) expect.fail(`${label} row=${r} index=${i}: x=${xs[r * n + i]} got ${g}, expected ${want}`);
    }
  }
}

describe.each(runnableBuilds())('softmax kernels [%s build]', (build) => {
  for (const k of kernelsFor(build)) {
    describe(k.name, () => {
      it('matches the f64 reference over row lengths x row counts (guards intact)', async () => {
        const e = await engineFor(build);
        const rng = new Rng(SEED);
        for (const n of LENGTHS) {
          for (const rows of ROWS) {
            check(e, k, rows, n, rng.f32(rows * n, -4, 4), `${k.name} seed=${SEED} rows=${rows} n=${n}`);
          }
        }
      });

      it('-inf entries give exactly 0 / -inf, all -inf rows give NaN, 1e4 scales and offsets stay right', async () => {
        const e = await engineFor(build);
        const rng = new Rng(SEED + 1);
        for (const n of [1, 3, 7, 17, 33, 127, 1031]) {
          const rows = 7;
          const xs = rng.f32(rows * n, -3, 3);
          for (let i = 0; i < n; i++) {
            if (rng.next() < 0.3) xs[i] = -Infinity; // row 0: some masked
            xs[n + i] = -Infinity; // row 1: fully masked -> NaN
            xs[2 * n + i] *= 1e4; // row 2: scaled
            xs[3 * n + i] += 1e4; // row 3: offset +1e4
            xs[4 * n + i] -= 1e4; // row 4: offset -1e4
            if (i !== n >> 1) xs[5 * n + i] = -Infinity; // row 5: single unmasked
          }
          if (n > 1) xs[6 * n + 1] = NaN; // row 6: NaN poisons the row, as torch
          check(e, k, rows, n, xs, `${k.name} seed=${SEED + 1} special rows n=${n}`);
        }
      });

      it('small probabilities keep relative accuracy down to e^-87.33, and flush to 0 below', async () => {
        if (k.log) return; // log_softmax uses e^x only inside the sum
        const e = await engineFor(build);
        const rows = 4096;
        const xs = new Float32Array(rows * 2);
        for (let r = 0; r < rows; r++) xs[2 * r + 1] = Math.fround(-100 * (r + 0.5) / rows); // row [0, t]
        const x = input(e, xs);
        const y = output(e, rows * 2);
        k.call(e, rows, 2, x.ptr, y.ptr);
        y.checkGuards(`${k.name} rows [0, t]`);
        const got = y.read();
        x.free();
        y.free();
        for (let r = 0; r < rows; r++) {
          const t = xs[2 * r + 1];
          const want = Math.exp(t) / (1 + Math.exp(t));
          const g = got[2 * r + 1];
          // exp 1.8e-7 + the sum, 1/sum and product roundings; below the cutoff the term is denormal.
          const ok = t >= -87.33 ? Math.abs(g - want) <= 5e-7 * want : g >= 0 && g <= 1.2e-38;
          if (!ok) expect.fail(`${k.name} row [0, ${t}]: got ${g}, expected ${want} (rel ${Math.abs(g - want) / want})`);
        }
      });

      it('works in place (y == x)', async () => {
        const e = await engineFor(build);
        const rng = new Rng(SEED + 2);
        const rows = 3;
        const n = 37;
        const xs = rng.f32(rows * n, -5, 5);
        const x = input(e, xs);
        const y = output(e, rows * n);
        k.call(e, rows, n, x.ptr, y.ptr);
        k.call(e, rows, n, x.ptr, x.ptr);
        expect(Array.from(x.read())).toEqual(Array.from(y.read()));
        x.free();
        y.free();
      });
    });
  }
});

const STRIDED = [
  { name: 'f32_softmax_strided_u4__wasmsimd', log: false },
  { name: 'f32_logsoftmax_strided_u4__wasmsimd', log: true },
] as const;

describe.each(runnableBuilds())('strided softmax kernels (dim not last) [%s build]', (build) => {
  for (const k of STRIDED) {
    it(`${k.name}: [outer, n, inner] over odd sizes with special columns, guards intact, in place`, async () => {
      const e = await engineFor(build);
      const rng = new Rng(SEED + 3);
      for (const outer of [1, 2, 3]) {
        for (const n of [1, 2, 3, 7, 17, 33]) {
          for (const inner of [1, 2, 3, 4, 5, 7, 8, 9, 13, 33]) {
            const total = outer * n * inner;
            const xs = rng.f32(total, -4, 4);
            for (let j = 0; j < n; j++) {
              if (inner > 1) xs[j * inner + 1] = -Infinity; // column 1 of block 0: fully masked -> NaN
              if (inner > 2 && rng.next() < 0.3) xs[j * inner + 2] = -Infinity; // column 2: some masked
              if (inner > 3) xs[j * inner + 3] *= 1e4; // column 3: scaled
            }
            const label = `${k.name} seed=${SEED + 3} outer=${outer} n=${n} inner=${inner}`;
            const x = input(e, xs);
            const y = output(e, total);
            // eslint-disable-next-line @typescript-eslint/no-explicit-any
            const call = (px: number, py: number) => (e.k as any)[k.name](outer, n, inner, px, py);
            call(x.ptr, y.ptr);
            y.checkGuards(label);
            const got = y.read();
            for (let o = 0; o < outer; o++) {
              for (let i = 0; i < inner; i++) {
                const col = Array.from({ length: n }, (_, j) => xs[(o * n + j) * inner + i]);
                const ref = softmaxRow(col, k.log);
                for (let j = 0; j < n; j++) {
                  const g = got[(o * n + j) * inner + i];
                  const want = ref[j];
                  const ok = Number.isNaN(want) ? Number.isNaN(g) : !Number.isFinite(want) || want === 0 ? g === want : Math.abs(g - want) <= TOL * (1 + Math.abs(want));
                  if (!ok) expect.fail(`${label} o=${o} j=${j} i=${i}: x=${col[j]} got ${g}, expected ${want}`);
                }
              }
            }
            call(x.ptr, x.ptr);
            const inPlace = x.read();
            for (let t = 0; t < total; t++) {
              if (!Object.is(inPlace[t], got[t])) expect.fail(`${label} in place differs at ${t}: ${inPlace[t]} vs ${got[t]}`);
            }
            x.free();
            y.free();
          }
        }
      }
    });
  }
});
