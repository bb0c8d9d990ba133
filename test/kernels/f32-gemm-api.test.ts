/**
 * The gemm() operator API of src/ops/gemm.ts (what every layer calls): PackedWeights.fromTensor /
 * fromOutIn / fromKN / fromPanels, activation mapping, rowBias, strided A and C, the K-blocked path (k > KC),
 * and the typed argument errors. Reference and tolerance: test/reference/gemm.ts.
 */
import { describe, expect, it } from 'vitest';
import { Tensor, ArgumentError } from '../../dist/src/entries/node.js';
import { PackedWeights, gemm, type Activation } from '../../dist/src/ops/gemm.js';
import { runnableBuilds, useBuild } from '../helpers/engines.js';
import { Rng } from '../helpers/rng.js';
import { gemmRef } from '../reference/gemm.js';

const SEED = 4242;

describe.each(runnableBuilds())('gemm() operator [%s build]', (build) => {
  it('packers, activations, rowBias, strides, K > KC', async () => {
    const e = await useBuild(build);
    const rng = new Rng(SEED);
    const acts: Activation[] = ['none', 'relu', 'gelu', 'gelu_tanh', { clamp: [-0.25, 0.5] }];
    for (const [m, n, k] of [[1, 9, 5], [6, 19, 33], [5, 8, 1100]]) {
      for (const act of acts) {
        for (const how of ['tensor', 'outIn', 'kn', 'panels'] as const) {
          const lda = k + 3, ldc = n + 2;
          const av = rng.f32(m * lda), wv = rng.f32(n * k), bv = rng.f32(n), rbv = rng.f32(m);
          const A = Tensor.from(av), W = Tensor.from(wv, [n, k]), B = Tensor.from(bv), RB = Tensor.from(rbv);
          const C = Tensor.full([m * ldc], NaN);
          let pw: PackedWeights;
          if (how === 'tensor') pw = PackedWeights.fromTensor(W, B);
          else if (how === 'outIn') pw = PackedWeights.fromOutIn(e, n, k, W.ptr, B.ptr);
          else if (how === 'panels') {
            // Caller-filled panels (NR = 8): per panel 8 bias floats, then k rows of 8; zero past n.
            const np = Math.ceil(n / 8);
            const t = new Float32Array(np * 8 * (k + 1));
            for (let j = 0; j < n; j++) {
              const q = Math.floor(j / 8), l = j % 8;
              t[q * 8 * (k + 1) + l] = bv[j];
              for (let p = 0; p < k; p++) t[q * 8 * (k + 1) + 8 + p * 8 + l] = wv[j * k + p];
            }
            const buf = Tensor.from(t);
            pw = PackedWeights.fromPanels(e, n, k, buf.ptr);
            gemm(e, { m, a: A.ptr, lda, c: C.ptr, ldc, rowBias: RB.ptr, act }, pw);
            pw.dispose();
            expect(e.arena.sizeOf(buf.ptr), 'fromPanels view must not free the caller buffer').toBeDefined();
            pw = PackedWeights.fromPanels(e, n, k, buf.ptr);
          } else {
            const t = new Float32Array(k * n);
            for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) t[p * n + j] = wv[j * k + p];
            pw = PackedWeights.fromKN(e, k, n, Tensor.from(t).ptr, n, B.ptr);
          }
          gemm(e, { m, a: A.ptr, lda, c: C.ptr, ldc, rowBias: RB.ptr, act }, pw);
          const ref = gemmRef(m, n, k, av, lda, wv, bv, rbv, act);
          const got = C.toFloat32Array();
          const label = `seed=${SEED} ${how} m=${m} n=${n} k=${k} act=${JSON.stringify(act)}`;
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < ldc; j++) {
              const g = got[i * ldc + j];
              if (j >= n) { if (!Number.isNaN(g)) expect.fail(`${label}: gap written at [${i}, ${j}]`); continue; }
              const r = ref.out[i * n + j];
              if (!(Math.abs(g - r) <= ref.tol[i * n + j])) expect.fail(`${label} at [${i}, ${j}]: got ${g}, expected ${r}`);
            }
          }
          pw.dispose();
        }
      }
    }
  });

  it('typed errors for bad arguments', async () => {
    const e = await useBuild(build);
    const pw = PackedWeights.fromTensor(Tensor.zeros([4, 3]));
    const A = Tensor.zeros([6]), C = Tensor.zeros([8]);
    expect(() => gemm(e, { m: 2, a: A.ptr, lda: 2, c: C.ptr }, pw)).toThrow(ArgumentError);
    expect(() => gemm(e, { m: 2, a: A.ptr, c: C.ptr, act: 'tanh' as Activation }, pw)).toThrow(/act must be/);
    expect(() => PackedWeights.fromOutIn(e, 0, 3, A.ptr)).toThrow(ArgumentError);
    pw.dispose();
    expect(() => gemm(e, { m: 2, a: A.ptr, c: C.ptr }, pw)).toThrow(/after dispose/);
  });
});
