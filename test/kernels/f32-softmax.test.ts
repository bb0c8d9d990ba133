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
