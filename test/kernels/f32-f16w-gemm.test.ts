/**
 * f32_f16w_gemm_4x8__wasmsimd (fp16-stored weights widened inside the GEMM) against the float64
 * reference of test/reference/gemm.ts on the exactly widened weights (test/reference/half.ts), on
 * every build: M 1..MR+1 and beyond, N 1..NR, NR+1.. and multiples, K 1..>KC, prime lda/ldc, every
 * epilogue, subnormal and extreme finite halves. Packing by src/ops/hgemm.ts; it refuses Inf/NaN.
 */
import { describe, expect, it } from 'vitest';
import { HPackedWeights, hgemm } from '../../dist/src/ops/hgemm.js';
import { engineFor, runnableBuilds } from '../helpers/engines.js';
import { input, output } from '../helpers/guarded.js';
import { Rng } from '../helpers/rng.js';
import { gemmRef, type RefAct } from '../reference/gemm.js';
import { f16Value } from '../reference/half.js';

const SEED = 20261205;

describe.each(runnableBuilds())('f32_f16w_gemm_4x8__wasmsimd [%s build]', (build) => {
  it('size taxonomy, strides, epilogues, subnormal halves', async () => {
    const e = await engineFor(build);
    const rng = new Rng(SEED);
    let t = 0;
    for (const m of [1, 2, 3, 4, 5, 9]) {
      for (const n of [1, 3, 7, 8, 9, 16, 17, 33]) {
        for (const k of [1, 2, 5, 16, 33, 130]) {
          t++;
          const act: RefAct = (['none', 'relu', { clamp: [-0.3, 0.4] }, 'gelu', 'gelu_tanh'] as RefAct[])[t % 5];
          const lda = t % 2 ? k : k + 5;
          const ldc = t % 3 ? n : n + 3;
          const bits = Uint16Array.from({ length: n * k }, () => (rng.int(0, 1) << 15) | (t % 7 === 0 && rng.next() < 0.3 ? rng.int(1, 0x3ff) : rng.int(0x2000, 0x3c00)));
          const wv = Float32Array.from(bits, f16Value);
          const av = new Float32Array((m - 1) * lda + k).fill(1e30);
          for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) av[i * lda + p] = rng.uniform(-1, 1);
          const bias = t % 4 ? rng.f32(n) : null;
          const w = HPackedWeights.fromHalf(e, n, k, bits, bias)!;
          const A = input(e, av);
          const C = output(e, (m - 1) * ldc + n);
          hgemm(e, { m, a: A.ptr, lda, c: C.ptr, ldc, act }, w);
          const label = `seed=${SEED} m=${m} n=${n} k=${k} lda=${lda} ldc=${ldc} act=${JSON.stringify(act)}`;
          C.checkGuards(label);
          const got = C.read();
          const ref = gemmRef(m, n, k, av, lda, wv, bias, null, act);
          for (let i = 0; i < m; i++) {
            for (let j = 0; j < ldc && i * ldc + j < got.length; j++) {
              const g = got[i * ldc + j];
              if (j >= n) {
                if (!Number.isNaN(g)) expect.fail(`${label}: wrote the gap of row ${i} col ${j}`);
                continue;
              }
              if (!(Math.abs(g - ref.out[i * n + j]) <= ref.tol[i * n + j])) expect.fail(`${label} at [${i}, ${j}]: got ${g}, expected ${ref.out[i * n + j]}`);
            }
          }
          A.free();
          C.free();
          w.dispose();
        }
      }
    }
  });

  it('extreme finite halves (65504, smallest subnormal, -0) widen exactly; Inf/NaN weights are refused by the packer', async () => {
    const e = await engineFor(build);
    const bits = new Uint16Array([0x7bff, 0xfbff, 0x0001, 0x8001, 0x8000, 0x3c00, 0x0400, 0x03ff]);
    const w = HPackedWeights.fromHalf(e, 8, 1, bits, null)!;
    const A = input(e, new Float32Array([1]));
    const C = output(e, 8);
    hgemm(e, { m: 1, a: A.ptr, c: C.ptr }, w);
    expect(Array.from(C.read(), (v) => v + 0)).toEqual(Array.from(bits, (b) => f16Value(b) + 0)); // (bias 0 + -0 = +0)
    expect(HPackedWeights.fromHalf(e, 1, 2, new Uint16Array([0x3c00, 0x7c00]), null)).toBeNull();
    expect(HPackedWeights.fromHalf(e, 1, 2, new Uint16Array([0x7e00, 0x3c00]), null)).toBeNull();
    A.free();
    C.free();
    w.dispose();
  });
});
