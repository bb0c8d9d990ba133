/**
 * f32_attn_q4k32__wasmsimd and f32_attn_probs_q4k32__wasmsimd (through src/ops/attention.ts)
 * against the float64 reference, on every build: odd L, S, d, dv; no mask, causal, bool masks of
 * both polarities, float masks with -inf, key padding, strided (packed-projection) layouts, K
 * transposed, logits near 1e4, fully masked rows (zeros), NaN guards around outputs.
 */
import { describe, expect, it } from 'vitest';
import { attention, attentionProbs, ktBlockedFloats, ktBlockedIndex, MaskKind, type AttnProblem } from '../../dist/src/ops/attention.js';
import type { Engine } from '../../dist/src/entries/node.js';
import { runnableBuilds, useBuild } from '../helpers/engines.js';
import { input, output } from '../helpers/guarded.js';
import { Rng } from '../helpers/rng.js';
import { attentionRef } from '../reference/attention.js';

type MaskMode = 'none' | 'causal' | 'boolAttend' | 'boolBlock' | 'float' | 'kpm' | 'kpmFloat';

interface Case {
  B: number; H: number; L: number; S: number; d: number; dv: number;
  mode: MaskMode; seed: number; layout?: 'packed' | 'kT'; big?: boolean; allMasked?: boolean; coff?: number;
}

function u8buf(e: Engine, bytes: Uint8Array): number {
  const p = e.arena.alloc(bytes.length + 16);
  e.arena.u8(p, bytes.length + 16).fill(0xaa);
  e.arena.u8(p, bytes.length).set(bytes);
  return p;
}

function runCase(e: Engine, c: Case): void {
  const { B, H, L, S, d, dv } = c;
  const rng = new Rng(c.seed);
  const q = rng.randn(B * H * L * d);
  const k = rng.randn(B * H * S * d);
  const v = rng.randn(B * H * S * dv);
  let scale = 1 / Math.sqrt(d);
  if (c.big) {
    // Logits near 1e4 with O(1) differences: no overflow, no NaN, still the right softmax.
    scale = 1;
    for (let i = 0; i < q.length; i += d) q[i] = 100;
    for (let j = 0; j < k.length; j += d) k[j] = 100;
  }
  const free: (() => void)[] = [];
  // Masks: bool [L, S] broadcast over batch and heads; float [B, 1, L, S] with some -inf.
  const boolM = new Uint8Array(L * S);
  for (let i = 0; i < boolM.length; i++) boolM[i] = rng.next() < 0.6 ? 1 : 0;
  const floatM = new Float32Array(B * L * S);
  for (let i = 0; i < floatM.length; i++) floatM[i] = rng.next() < 0.2 ? -Infinity : rng.uniform(-2, 2);
  const kpm = new Uint8Array(B * S);
  for (let b = 0; b < B; b++) for (let j = 0; j < S; j++) kpm[b * S + j] = j >= S - ((b * 3) % (S + 1)) ? 1 : 0;
  if (c.allMasked) kpm.fill(1, 0, S); // batch 0: every key padded
  if (c.allMasked && L > 1) boolM.fill(c.mode === 'boolAttend' ? 0 : 1, 0, S); // row 0 masked
  let bias: ((b: number, h: number, i: number, j: number) => number) | undefined;
  const prob: AttnProblem = {
    batch: B, heads: H, L, S, d, dv,
    q: { ptr: 0, sb: 0, sh: 0, sl: 0 }, k: { ptr: 0, sb: 0, sh: 0, sl: 0 }, v: { ptr: 0, sb: 0, sh: 0, sl: 0 },
    causal: c.mode === 'causal', causalOffset: c.coff, scale: c.big ? 1 : undefined,
  };
  if (c.mode === 'boolAttend' || c.mode === 'boolBlock') {
    const attend = c.mode === 'boolAttend';
    prob.mask = { ptr: u8buf(e, boolM), kind: attend ? MaskKind.boolAttend : MaskKind.boolBlock, sb: 0, sh: 0, sl: S };
    bias = (_b, _h, i, j) => ((boolM[i * S + j] !== 0) === attend ? 0 : -Infinity);
  } else if (c.mode === 'float' || c.mode === 'kpmFloat') {
    const fb = input(e, floatM);
    free.push(fb.free);
    prob.mask = { ptr: fb.ptr, kind: MaskKind.float, sb: L * S, sh: 0, sl: S };
    bias = (b, _h, i, j) => floatM[(b * L + i) * S + j];
  }
  if (c.mode === 'kpm' || c.mode === 'kpmFloat' || c.allMasked) {
    prob.keyPadding = { ptr: u8buf(e, kpm), sb: S };
    const inner = bias;
    bias = (b, h, i, j) => (kpm[b * S + j] ? -Infinity : 0) + (inner ? inner(b, h, i, j) : 0);
  }
  // Place q, k, v.
  if (c.layout === 'packed') {
    // [B, L, 3, H, d]: q, k, v interleaved as a packed in-projection output (needs L == S, d == dv).
    const E = H * d;
    const buf = new Float32Array(B * L * 3 * E);
    for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) for (let i = 0; i < L; i++) for (let t = 0; t < d; t++) {
      const src = ((b * H + h) * L + i) * d + t;
      const dst = (b * L + i) * 3 * E + h * d + t;
      buf[dst] = q[src];
      buf[dst + E] = k[src];
      buf[dst + 2 * E] = v[src];
    }
    const pb = input(e, buf);
    free.push(pb.free);
    prob.q = { ptr: pb.ptr, sb: L * 3 * E, sh: d, sl: 3 * E };
    prob.k = { ptr: pb.ptr + 4 * E, sb: L * 3 * E, sh: d, sl: 3 * E };
    prob.v = { ptr: pb.ptr + 8 * E, sb: L * 3 * E, sh: d, sl: 3 * E };
  } else {
    const qb = input(e, q);
    const vb = input(e, v);
    free.push(qb.free, vb.free);
    prob.q = { ptr: qb.ptr, sb: H * L * d, sh: L * d, sl: d };
    prob.v = { ptr: vb.ptr, sb: H * S * dv, sh: S * dv, sl: dv };
    if (c.layout === 'kT') {
      // K^T blocks with junk in the unused columns; heads 7 blocks of d·32 floats apart.
      const per = ktBlockedFloats(S, d) + 7 * 32 * d;
      const kt = new Float32Array(B * H * per).fill(1e30);
      for (let bh = 0; bh < B * H; bh++) for (let j = 0; j < S; j++) for (let t = 0; t < d; t++) kt[bh * per + ktBlockedIndex(j, t, d)] = k[(bh * S + j) * d + t];
      const kb = input(e, kt);
      free.push(kb.free);
      prob.k = { ptr: kb.ptr, sb: H * per, sh: per, sl: 0, transposed: true };
    } else {
      const kb = input(e, k);
      free.push(kb.free);
      prob.k = { ptr: kb.ptr, sb: H * S * d, sh: S * d, sl: d };
    }
  }
  const ref = attentionRef({ B, H, L, S, d, dv, q, k, v, scale, causal: c.mode === 'causal', causalOffset: c.coff, bias });
  const label = `seed=${c.seed} B=${B} H=${H} L=${L} S=${S} d=${d} dv=${dv} mode=${c.mode} layout=${c.layout ?? 'plain'}${c.big ? ' big' : ''}${c.allMasked ? ' allMasked' : ''}${c.coff ? ` coff=${c.coff}` : ''}`;
  const atol = c.big ? 5e-3 : 2e-5;
  const rtol = c.big ? 5e-3 : 2e-4;
  const check = (got: Float32Array, want: Float64Array, what: string): void => {
    for (let i = 0; i < want.length; i++) {
      const err = Math.abs(got[i] - want[i]);
      if (!(err <= atol + rtol * Math.abs(want[i]))) {
        expect.fail(`${label} ${what}[${i}]: got ${got[i]}, expected ${want[i]} (err ${err})`);
      }
    }
  };
  const ob = output(e, B * H * L * dv);
  attention(e, prob, { ptr: ob.ptr, sb: H * L * dv, sh: L * dv, sl: dv });
  ob.checkGuards(label);
  check(ob.read(), ref.out, 'out');
  ob.free();
  if (S > 0) {
    const pb = output(e, B * H * L * S);
    attentionProbs(e, prob, { ptr: pb.ptr, sb: H * L * S, sh: L * S, sl: S });
    pb.checkGuards(label);
    check(pb.read(), ref.probs, 'probs');
    pb.free();
    // Head average by accumulation into [B, L, S].
    const ab = output(e, B * L * S, 0);
    attentionProbs(e, prob, { ptr: ab.ptr, sb: L * S, sh: 0, sl: S }, { accumulate: true, pscale: 1 / H });
    ab.checkGuards(label);
    const avg = new Float64Array(B * L * S);
    for (let b = 0; b < B; b++) for (let h = 0; h < H; h++) for (let i = 0; i < L * S; i++) avg[b * L * S + i] += ref.probs[(b * H + h) * L * S + i] / H;
    check(ab.read(), avg, 'avgProbs');
    ab.free();
  }
  for (const f of free) f();
  if (prob.mask && prob.mask.kind !== MaskKind.float) e.arena.free(prob.mask.ptr);
  if (prob.keyPadding) e.arena.free(prob.keyPadding.ptr);
}

function cases(): Case[] {
  const out: Case[] = [];
  const modes: MaskMode[] = ['none', 'causal', 'boolAttend', 'boolBlock', 'float', 'kpm', 'kpmFloat'];
  let seed = 1;
  let m = 0;
  for (const L of [1, 2, 17, 129]) {
    for (const S of [1, 2, 17, 129]) {
      for (const d of [8, 13, 64, 96]) {
        const dv = d === 13 ? 7 : d;
        out.push({ B: 2, H: 2, L, S, d, dv, mode: modes[m++ % modes.length], seed: seed++ });
      }
    }
  }
  // Layouts, big logits, fully masked rows, and the long sequence once.
  out.push({ B: 2, H: 3, L: 17, S: 17, d: 8, dv: 8, mode: 'causal', seed: 100, layout: 'packed' });
  out.push({ B: 1, H: 2, L: 33, S: 33, d: 16, dv: 16, mode: 'kpm', seed: 101, layout: 'packed' });
  out.push({ B: 2, H: 2, L: 5, S: 37, d: 13, dv: 9, mode: 'none', seed: 102, layout: 'kT' });
  out.push({ B: 1, H: 2, L: 1, S: 129, d: 64, dv: 64, mode: 'kpm', seed: 103, layout: 'kT' });
  out.push({ B: 1, H: 2, L: 17, S: 40, d: 64, dv: 64, mode: 'causal', seed: 104, layout: 'kT' });
  out.push({ B: 1, H: 2, L: 9, S: 70, d: 64, dv: 64, mode: 'none', seed: 105, big: true });
  out.push({ B: 1, H: 1, L: 9, S: 70, d: 32, dv: 32, mode: 'causal', seed: 106, big: true });
  out.push({ B: 2, H: 2, L: 6, S: 9, d: 8, dv: 8, mode: 'boolAttend', seed: 107, allMasked: true });
  out.push({ B: 2, H: 2, L: 6, S: 9, d: 8, dv: 8, mode: 'boolBlock', seed: 108, allMasked: true });
  out.push({ B: 1, H: 2, L: 3, S: 70, d: 16, dv: 16, mode: 'causal', seed: 113, layout: 'kT', coff: 67 });
  out.push({ B: 2, H: 2, L: 9, S: 45, d: 8, dv: 8, mode: 'causal', seed: 114, coff: 36 });
  out.push({ B: 1, H: 1, L: 6, S: 40, d: 8, dv: 8, mode: 'causal', seed: 115, coff: -2 });
  out.push({ B: 1, H: 2, L: 9, S: 40, d: 256, dv: 256, mode: 'float', seed: 116 });
  out.push({ B: 1, H: 1, L: 5, S: 33, d: 255, dv: 131, mode: 'kpm', seed: 117 });
  out.push({ B: 1, H: 1, L: 3, S: 0, d: 8, dv: 8, mode: 'none', seed: 109 });
  out.push({ B: 1, H: 1, L: 1000, S: 1000, d: 64, dv: 64, mode: 'causal', seed: 110 });
  // Several 32-row q-blocks, partial last tile, causal offsets that skip some tiles of a block.
  out.push({ B: 2, H: 2, L: 70, S: 100, d: 16, dv: 12, mode: 'causal', seed: 118, coff: 30 });
  out.push({ B: 1, H: 2, L: 99, S: 64, d: 12, dv: 20, mode: 'causal', seed: 119, coff: -40 });
  out.push({ B: 2, H: 1, L: 67, S: 67, d: 24, dv: 24, mode: 'boolBlock', seed: 120, layout: 'packed' });
  out.push({ B: 1, H: 1, L: 67, S: 45, d: 24, dv: 8, mode: 'boolAttend', seed: 122 });
  out.push({ B: 1, H: 2, L: 65, S: 33, d: 8, dv: 8, mode: 'kpmFloat', seed: 121, layout: 'kT' });
  out.push({ B: 1, H: 1, L: 129, S: 1000, d: 96, dv: 96, mode: 'float', seed: 111 });
  out.push({ B: 1, H: 1, L: 1000, S: 2, d: 13, dv: 13, mode: 'causal', seed: 112 });
  return out;
}

describe.each(runnableBuilds())('f32_attn_q4k32 [%s build]', (build) => {
  it('matches the float64 reference over sizes, masks and layouts', async () => {
    const e = await useBuild(build);
    for (const c of cases()) runCase(e, c);
  });

  it('propagates NaN: a NaN query feature gives a NaN output row, a NaN key every row', async () => {
    const e = await useBuild(build);
    const [L, S, d] = [40, 70, 8];
    for (const where of ['q', 'k'] as const) {
      const r = new Rng(130);
      const q = r.randn(L * d);
      const k = r.randn(S * d);
      const v = r.randn(S * d);
      if (where === 'q') q[13 * d + 3] = NaN;
      else k[37 * d + 5] = NaN;
      const [qb, kb, vb] = [input(e, q), input(e, k), input(e, v)];
      const ob = output(e, L * d, 0);
      const view = (ptr: number) => ({ ptr, sb: 0, sh: 0, sl: d });
      attention(e, { batch: 1, heads: 1, L, S, d, dv: d, q: view(qb.ptr), k: view(kb.ptr), v: view(vb.ptr) }, view(ob.ptr));
      const o = ob.read();
      ob.checkGuards(`NaN ${where}`);
      for (let i = 0; i < L; i++) {
        const nanRow = where === 'k' || i === 13;
        for (let c = 0; c < d; c++) {
          if (Number.isNaN(o[i * d + c]) !== nanRow) expect.fail(`NaN in ${where} (seed 130, L=${L} S=${S} d=${d}): out[${i}][${c}] = ${o[i * d + c]}`);
        }
      }
      for (const b of [qb, kb, vb, ob]) b.free();
    }
  });
});
