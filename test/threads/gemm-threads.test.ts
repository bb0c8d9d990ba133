/**
 * GEMM split over the pool: every size of the gemm taxonomy (m, n, k below/at/above the 4x8
 * tile, the GEMV unit of 24 columns and the K block), every activation, rowBias and strided
 * A and C, on 2 and 3 threads, must give bitwise the output of 1 thread, and never write outside
 * C's window (the gaps between strided rows stay NaN).
 */
import { describe, expect, it } from 'vitest';
import { PackedWeights, gemm, type Activation } from '../../dist/src/ops/gemm.js';
import type { Engine } from '../../dist/src/internal.js';
import { RELAXED_OK, RELAXED_SKIP_REASON } from '../helpers/engines.js';
import { Rng } from '../helpers/rng.js';
import { firstBitDiff, splitEverything, threadsEngine } from '../helpers/threads.js';

const SEED = 1313;
const MS = [1, 2, 3, 4, 5, 7, 8, 9, 13, 17, 33, 65, 130];
const NS = [1, 7, 8, 9, 23, 24, 25, 48, 49, 100];
const KS = [1, 3, 17, 64, 1025];
const ACTS: Activation[] = ['none', 'relu', 'gelu', { clamp: [-0.25, 0.5] }];

function run(e: Engine, m: number, n: number, k: number, act: Activation, rowBias: boolean, data: Float32Array[]): Float32Array {
  const [av, wv, bv, rbv] = data;
  const lda = k + 3, ldc = n + 2;
  const A = e.arena.alloc(m * lda * 4), W = e.arena.alloc(n * k * 4), B = e.arena.alloc(n * 4), RB = e.arena.alloc(m * 4);
  const C = e.arena.alloc(m * ldc * 4);
  e.arena.f32(A, m * lda).set(av);
  e.arena.f32(W, n * k).set(wv);
  e.arena.f32(B, n).set(bv);
  e.arena.f32(RB, m).set(rbv);
  e.arena.f32(C, m * ldc).fill(NaN);
  const pw = PackedWeights.fromOutIn(e, n, k, W, B);
  try {
    splitEverything(() => gemm(e, { m, a: A, lda, c: C, ldc, act, rowBias: rowBias ? RB : 0 }, pw));
    return e.arena.f32(C, m * ldc).slice();
  } finally {
    pw.dispose();
    for (const p of [A, W, B, RB, C]) e.arena.free(p);
  }
}

const builds = (['simd', 'relaxed'] as const).filter((b) => b === 'simd' || RELAXED_OK);
if (!RELAXED_OK) console.warn(`[skip] relaxed threads build: ${RELAXED_SKIP_REASON}`);

describe.each(builds)('gemm split over threads [%s build]', (build) => {
  it('is bitwise the 1-thread result over the taxonomy (2 and 3 threads)', async () => {
    const e1 = await threadsEngine(build, 1);
    const multi = [await threadsEngine(build, 2), await threadsEngine(build, 3)];
    for (const e of multi) expect(e.info().threads, e.info().threadsReason).toBeGreaterThan(1);
    const jobs = multi.map((e) => e.pool!.jobs);
    const rng = new Rng(SEED);
    let cases = 0;
    for (const m of MS) for (const n of NS) for (const k of KS) {
      const act = ACTS[cases % ACTS.length];
      const rowBias = cases % 3 === 0;
      const lda = k + 3, ldc = n + 2;
      const data = [rng.f32(m * lda), rng.f32(n * k), rng.f32(n), rng.f32(m)];
      const want = run(e1, m, n, k, act, rowBias, data);
      for (const e of multi) {
        const got = run(e, m, n, k, act, rowBias, data);
        const at = firstBitDiff(want, got);
        if (at >= 0) {
          expect.fail(`seed ${SEED} ${build} ${e.info().threads} threads m=${m} n=${n} k=${k} act=${JSON.stringify(act)} rowBias=${rowBias}: ` +
            `C[${Math.floor(at / ldc)}][${at % ldc}] = ${got[at]}, 1 thread gave ${want[at]}`);
        }
      }
      cases++;
    }
    expect(cases).toBe(MS.length * NS.length * KS.length);
    // Most sizes did go through the pool (the rest have a single range, e.g. n <= 24 for m = 1).
    multi.forEach((e, i) => expect(e.pool!.jobs - jobs[i]).toBeGreaterThan(cases / 2));
  });
});
