/**
 * f32-gemm drivers (assembly/f32-gemm/gen) with both packers (assembly/x32-packw), against the
 * float64 reference of test/reference/gemm.ts, on every build; the relaxed-FMA variant on the
 * relaxed build. Sizes: M = 1..MR+1 and beyond, N = 1..NR, NR+1..2NR-1 and multiples, K below,
 * at and above the K block (kcBlock 16 is forced in part of the cases; 0 = whole K), prime
 * lda/ldc. A's row gaps and the 16 B after A hold junk (1e30) the kernel must not use; C sits
 * between NaN guards and its row gaps must stay NaN.
 * Tolerance per element: gemmRef's (k+2)*2^-24*sum|a w| + 1e-6 (+ the gelu approximation term).
 */
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../dist/src/entries/node.js';
import { engineFor, runnableBuilds } from '../helpers/engines.js';
import { input, output } from '../helpers/guarded.js';
import { Rng } from '../helpers/rng.js';
import { gemmRef, type RefAct } from '../reference/gemm.js';

const SEED = 20261128;
const MR = 4;
const NR = 8;
type Driver = (...args: number[]) => void;

const ACT_CODE = (act: RefAct): [number, number, number] =>
  act === 'none' ? [0, 0, 0] : act === 'relu' ? [1, 0, 0] : act === 'gelu' ? [3, 0, 0] : act === 'gelu_tanh' ? [4, 0, 0] : [2, act.clamp[0], act.clamp[1]];

interface Case {
  m: number;
  n: number;
  k: number;
  lda: number;
  ldc: number;
  kc: number;
  mc: number;
  act: RefAct;
  bias: boolean;
  rowBias: boolean;
  packer: 'goi' | 'gio';
  nanAt?: [number, number];
}

function runCase(e: Engine, kernel: string, rng: Rng, cs: Case): void {
  const { m, n, k, lda, ldc, kc, mc, act } = cs;
  const label = `${kernel} seed=${SEED} m=${m} n=${n} k=${k} lda=${lda} ldc=${ldc} kc=${kc} mc=${mc} act=${JSON.stringify(act)} bias=${cs.bias} rowBias=${cs.rowBias} packer=${cs.packer}`;
  const av = new Float32Array((m - 1) * lda + k).fill(1e30);
  for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) av[i * lda + p] = rng.uniform(-1, 1);
  if (cs.nanAt) av[cs.nanAt[0] * lda + cs.nanAt[1]] = NaN;
  const wv = rng.f32(n * k, -1, 1); // [n, k]
  const bv = cs.bias ? rng.f32(n, -1, 1) : null;
  const rbv = cs.rowBias ? rng.f32(m, -1, 1) : null;
  const A = input(e, av);
  // goi packs from [n, k]; gio from the transpose [k, n] (with row stride n + 3).
  let W;
  const ldb = n + 3;
  if (cs.packer === 'goi') W = input(e, wv);
  else {
    const t = new Float32Array((k - 1) * ldb + n).fill(1e30);
    for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) t[p * ldb + j] = wv[j * k + p];
    W = input(e, t);
  }
  const B = bv ? input(e, bv) : null;
  const RB = rbv ? input(e, rbv) : null;
  const packed = e.arena.alloc(Math.ceil(n / NR) * NR * (k + 1) * 4);
  if (cs.packer === 'goi') e.k.x32_packw_gemm_goi__scalar(NR, n, k, W.ptr, k, B ? B.ptr : 0, packed);
  else e.k.x32_packw_gemm_gio__wasmsimd(NR, n, k, W.ptr, ldb, B ? B.ptr : 0, packed);
  const C = output(e, (m - 1) * ldc + n);
  const ws = e.arena.alloc(Math.ceil(Math.min(m, mc || m) / MR) * MR * Math.min(k, kc || k) * 4);
  const [code, lo, hi] = ACT_CODE(act);
  (e.k as unknown as Record<string, Driver>)[kernel](m, n, k, A.ptr, lda, packed, C.ptr, ldc, RB ? RB.ptr : 0, code, lo, hi, kc, mc, ws);
  C.checkGuards(label);
  const got = C.read();
  const ref = gemmRef(m, n, k, av, lda, wv, bv, rbv, act);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < ldc && i * ldc + j < got.length; j++) {
      const g = got[i * ldc + j];
      if (j >= n) {
        if (!Number.isNaN(g)) expect.fail(`${label}: wrote the gap of row ${i} at column ${j} (${g})`);
        continue;
      }
      const r = ref.out[i * n + j];
      const ok = Number.isNaN(r) ? Number.isNaN(g) : Math.abs(g - r) <= ref.tol[i * n + j];
      if (!ok) expect.fail(`${label} at [${i}, ${j}]: got ${g}, expected ${r} (tol ${ref.tol[i * n + j].toExponential(2)})`);
    }
  }
  for (const b of [A, W, B, RB, C]) b?.free();
  e.arena.free(packed);
  e.arena.free(ws);
}

const MS = [1, 2, 3, 4, 5, 8, 13];
const NS = [1, 2, 3, 4, 5, 7, 8, 9, 12, 15, 16, 17, 24, 33, 49];
const KS = [1, 3, 7, 16, 17, 33, 127];

function kernelsOf(build: string): string[] {
  return build === 'relaxed' ? ['f32_gemm_4x8__wasmsimd', 'f32_gemm_4x8__wasmrelaxedsimd_fma'] : ['f32_gemm_4x8__wasmsimd'];
}

describe.each(runnableBuilds())('f32_gemm_4x8 [%s build]', (build) => {
  for (const kernel of kernelsOf(build)) {
    it(`${kernel}: size taxonomy, strides, K/M blocking, bias, both packers`, async () => {
      const e = await engineFor(build);
      const rng = new Rng(SEED);
      let t = 0;
      for (const m of MS) {
        for (const n of NS) {
          for (const k of KS) {
            t++;
            const blocked = t % 3 === 0;
            runCase(e, kernel, rng, {
              m, n, k,
              lda: t % 2 ? k : k + 7,
              ldc: t % 2 ? n : n + 5,
              kc: blocked ? 16 : 0,
              mc: blocked ? MR * (1 + (t % 2)) : 0,
              act: 'none',
              bias: t % 4 !== 1,
              rowBias: t % 5 === 0,
              packer: t % 7 === 0 ? 'gio' : 'goi',
            });
          }
        }
      }
    });

    it(`${kernel}: fused epilogues (relu, clamp, gelu, gelu_tanh) with rowBias and K blocks`, async () => {
      const e = await engineFor(build);
      const rng = new Rng(SEED + 1);
      const acts: RefAct[] = ['relu', { clamp: [-0.5, 0.75] }, 'gelu', 'gelu_tanh', 'none'];
      for (const act of acts) {
        for (const [m, n, k, kc] of [[1, 17, 33, 0], [1, 50, 33, 0], [5, 17, 33, 16], [4, 8, 7, 0], [9, 24, 40, 16], [3, 3, 1, 0]]) {
          runCase(e, kernel, rng, { m, n, k, lda: k + 2, ldc: n + 3, kc, mc: kc ? MR : 0, act, bias: true, rowBias: m > 1, packer: 'goi' });
        }
      }
    });

    it(`${kernel}: NaN in A propagates to its row (relu keeps NaN)`, async () => {
      const e = await engineFor(build);
      const rng = new Rng(SEED + 2);
      for (const act of ['none', 'relu'] as RefAct[]) {
        runCase(e, kernel, rng, { m: 6, n: 11, k: 9, lda: 11, ldc: 13, kc: 0, mc: 0, act, bias: true, rowBias: false, packer: 'goi', nanAt: [4, 3] });
        runCase(e, kernel, rng, { m: 1, n: 11, k: 9, lda: 9, ldc: 11, kc: 0, mc: 0, act, bias: true, rowBias: false, packer: 'goi', nanAt: [0, 8] });
        runCase(e, kernel, rng, { m: 1, n: 30, k: 9, lda: 9, ldc: 31, kc: 0, mc: 0, act, bias: true, rowBias: true, packer: 'goi', nanAt: [0, 8] });
      }
    });
  }
});
