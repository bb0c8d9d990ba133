/**
 * f32-vbinary kernels (vadd, vaddc, vmul, vmulc) over rows x n with prime and zero (broadcast) row
 * strides, guarded outputs, junk after inputs; then F.add / F.mul broadcasting patterns through
 * the public API against the f64 broadcasting reference.
 */
import { describe, expect, it } from 'vitest';
import { F, Tensor, ShapeError, type Engine } from '../../dist/src/entries/node.js';
import { engineFor, runnableBuilds, useBuild } from '../helpers/engines.js';
import { input, output, sizeTaxonomy } from '../helpers/guarded.js';
import { Rng } from '../helpers/rng.js';
import { broadcastRef } from '../reference/eltwise.js';

const SEED = 99;
type Kern = 'f32_vadd_u8__wasmsimd' | 'f32_vaddc_u8__wasmsimd' | 'f32_vmul_u8__wasmsimd' | 'f32_vmulc_u8__wasmsimd';
const KERNELS: { name: Kern; scalar: boolean; op: (p: number, q: number) => number }[] = [
  { name: 'f32_vadd_u8__wasmsimd', scalar: false, op: (p, q) => p + q },
  { name: 'f32_vaddc_u8__wasmsimd', scalar: true, op: (p, q) => p + q },
  { name: 'f32_vmul_u8__wasmsimd', scalar: false, op: (p, q) => p * q },
  { name: 'f32_vmulc_u8__wasmsimd', scalar: true, op: (p, q) => p * q },
];

describe.each(runnableBuilds())('f32-vbinary kernels [%s build]', (build) => {
  for (const k of KERNELS) {
    it(`${k.name}: rows x n with row strides (dense, prime, 0), guards intact`, async () => {
      const e: Engine = await engineFor(build);
      const rng = new Rng(SEED);
      for (const n of sizeTaxonomy(8)) {
        for (const rows of [1, 3]) {
          const b0 = k.scalar ? 1 : n;
          for (const [sa, sb] of [[n, k.scalar ? 1 : n], [n + 3, 0], [n + 7, b0 + 2]]) {
            const as = rng.f32((rows - 1) * sa + n, -3, 3);
            const bs = rng.f32(Math.max(1, (rows - 1) * sb + b0), -3, 3);
            const a = input(e, as);
            const b = input(e, bs);
            const y = output(e, rows * n);
            e.k[k.name](rows, n, a.ptr, sa, b.ptr, sb, y.ptr);
            const label = `${k.name} seed=${SEED} rows=${rows} n=${n} sa=${sa} sb=${sb}`;
            y.checkGuards(label);
            const got = y.read();
            for (let r = 0; r < rows; r++) {
              for (let i = 0; i < n; i++) {
                const want = Math.fround(k.op(as[r * sa + i], bs[r * sb + (k.scalar ? 0 : i)]));
                if (got[r * n + i] !== want) expect.fail(`${label} row=${r} index=${i}: got ${got[r * n + i]}, expected ${want}`);
              }
            }
            [a, b, y].forEach((t) => t.free());
          }
        }
      }
    });
  }
});

describe.each(runnableBuilds())('F.add / F.mul broadcasting [%s build]', (build) => {
  const PATTERNS: [number[], number[]][] = [
    [[7], [7]],
    [[3, 17], [17]], // bias
    [[2, 5, 33], [33]],
    [[2, 5, 33], [5, 1]], // per-row scalar
    [[2, 3, 4, 5], [3, 1, 1]], // per-channel NCHW
    [[3, 1], [1, 4]], // outer product
    [[4, 1, 3], [2, 1]],
    [[2, 3, 1], [2, 3, 1]],
    [[1, 6, 1], [5, 1, 1]], // both broadcast along the last dim
    [[127], []],
    [[], []],
    [[2, 0, 3], [3]],
  ];
  for (const [op, fn, ref] of [
    ['add', F.add, (p: number, q: number) => p + q],
    ['mul', F.mul, (p: number, q: number) => p * q],
  ] as const) {
    it(`${op} matches numpy broadcasting over ${PATTERNS.length} shape pairs, both orders`, async () => {
      await useBuild(build);
      const rng = new Rng(SEED + 1);
      for (const [sa, sb] of PATTERNS) {
        for (const [s1, s2] of [[sa, sb], [sb, sa]]) {
          const av = rng.f32(s1.reduce((p, d) => p * d, 1), -2, 2);
          const bv = rng.f32(s2.reduce((p, d) => p * d, 1), -2, 2);
          const a = Tensor.from(av, s1);
          const b = Tensor.from(bv, s2);
          const y = fn(a, b);
          const want = broadcastRef(av, s1, bv, s2, ref);
          expect(y.shape, `${op} ${JSON.stringify(s1)} ${JSON.stringify(s2)}`).toEqual(want.shape);
          const got = y.toFloat32Array();
          for (let i = 0; i < got.length; i++) {
            if (got[i] !== Math.fround(want.y[i])) expect.fail(`${op} ${JSON.stringify(s1)} op ${JSON.stringify(s2)} index=${i}: got ${got[i]}, expected ${want.y[i]}`);
          }
          [a, b, y].forEach((t) => t.dispose());
        }
      }
      const x = Tensor.from(rng.f32(6), [2, 3]);
      const s = fn(x, 2.5);
      const xv = x.toFloat32Array();
      expect(Array.from(s.toFloat32Array())).toEqual(Array.from(xv, (v) => Math.fround(ref(v, 2.5))));
      expect(() => fn(x, Tensor.zeros([4]))).toThrow(ShapeError);
      expect(() => fn(x, Tensor.zeros([4]))).toThrow(/\[2, 3\] and \[4\]/);
    });
  }
});
