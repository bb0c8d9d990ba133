/**
 * Attention operator: softmax(scale · Q K^T + mask) V by the streaming-softmax kernel
 * (assembly/f32-attn/), one JS->wasm call over every batch and head. The L x S score matrix is
 * never allocated: the workspace is O((S + dv) · d). Attention weights, when asked for, come from
 * a second exact kernel (attentionProbs) that writes them straight into the caller's buffer.
 *
 * Operands are strided views in elements (see AttnView), so q, k and v can be read straight out
 * of a packed [B, L, 3E] projection, and heads out of [B, L, E] without any transpose.
 *
 * A query row whose keys are all masked outputs zeros (PyTorch's math gives NaN there).
 * The relaxed build uses the FMA twin of the kernel (f32_attn_q4k32__wasmrelaxedsimd_fma).
 */
import type { Engine } from '../runtime/engine.js';
import { ArgumentError } from '../runtime/errors.js';
import { SPLIT, splitRange, threadsFor } from '../threads/split.js';

/** A [batch, head, row, col] view: element (b, h, i, c) at ptr + 4·(b·sb + h·sh + i·sl + c). */
export interface AttnView {
  ptr: number;
  sb: number;
  sh: number;
  sl: number;
}

/** Attention mask polarity/type, as the kernels number them. */
export const MaskKind = { boolAttend: 1, boolBlock: 2, float: 3 } as const;
export type MaskKindCode = (typeof MaskKind)[keyof typeof MaskKind];

export interface AttnMaskView extends AttnView {
  /** 1: u8 nonzero = attend (sdpa); 2: u8 nonzero = masked (MHA); 3: f32 added to scores. */
  kind: MaskKindCode;
}

export interface AttnProblem {
  batch: number;
  heads: number;
  /** Query rows. */
  L: number;
  /** Keys. */
  S: number;
  /** Query/key head dim. */
  d: number;
  /** Value head dim. */
  dv: number;
  q: AttnView;
  /**
   * Keys as rows [.., S, d] (`transposed` false), or already packed as K^T blocks (true, as the
   * KV cache keeps them: key j, feature p at ptr + 4·(b·sb + h·sh + floor(j/32)·32d + 32p + j%32);
   * sl unused). See packKTBlocked().
   */
  k: AttnView & { transposed?: boolean };
  v: AttnView;
  mask?: AttnMaskView | null;
  /** Key padding mask, u8 [batch, S] with row stride sb; nonzero = ignore the key. */
  keyPadding?: { ptr: number; sb: number } | null;
  causal?: boolean;
  /** With causal: key j is masked for query i when j > i + causalOffset (default 0, top-left). */
  causalOffset?: number;
  /** Default 1/sqrt(d). */
  scale?: number;
}

const MR = 4;
const NB = 32;
/** Query tiles per q-block (QT in assembly/f32-attn/attn-common.ts). */
const QT = 8;
const roundUp = (n: number, m: number): number => Math.ceil(n / m) * m;

/** Index (in floats) of key j, feature p inside one (batch, head) K^T-block buffer. */
export function ktBlockedIndex(j: number, p: number, d: number): number {
  return (Math.floor(j / NB) * d + p) * NB + (j % NB);
}

/** Floats of one (batch, head) K^T-block buffer holding `capacity` keys. */
export function ktBlockedFloats(capacity: number, d: number): number {
  return roundUp(Math.max(capacity, 1), NB) * d;
}

/** Workspace bytes of the attention kernels (no L x S term). */
export function attnWorkBytes(p: Pick<AttnProblem, 'S' | 'd' | 'dv'> & { kTransposed?: boolean; vStrided?: boolean }): number {
  const kt = p.kTransposed ? 0 : p.d * roundUp(Math.max(p.S, 1), NB);
  const vw = p.vStrided ? p.S * roundUp(p.dv, 4) : 0;
  return 4 * (MR * NB + QT * (MR * p.d + MR * roundUp(p.dv, 4) + 8) + kt + vw) + 16;
}

function checkProblem(p: AttnProblem): void {
  for (const key of ['batch', 'heads', 'L', 'S', 'd', 'dv'] as const) {
    const v = p[key];
    if (!Number.isInteger(v) || v < (key === 'd' || key === 'dv' ? 1 : 0)) {
      throw new ArgumentError(`attention: ${key} must be an integer >= ${key === 'd' || key === 'dv' ? 1 : 0}, got ${v}`);
    }
  }
  if (p.scale !== undefined && !Number.isFinite(p.scale)) throw new ArgumentError(`attention: scale must be a finite number, got ${p.scale}`);
}

function withWork<T>(engine: Engine, bytes: number, fn: (work: number) => T): T {
  const work = engine.arena.alloc(bytes);
  try {
    return fn(work);
  } finally {
    engine.arena.free(work);
  }
}

/** O = softmax(scale · Q K^T + masks) V into the view `o` ([.., L, dv]). One wasm call. */
export function attention(engine: Engine, p: AttnProblem, o: AttnView): void {
  checkProblem(p);
  if (p.batch === 0 || p.heads === 0 || p.L === 0) return;
  const { q, k, v } = p;
  const m = p.mask;
  const kp = p.keyPadding;
  const scale = p.scale ?? 1 / Math.sqrt(p.d);
  const kernel = engine.k.f32_attn_q4k32__wasmrelaxedsimd_fma ?? engine.k.f32_attn_q4k32__wasmsimd;
  const workBytes = attnWorkBytes({ ...p, kTransposed: k.transposed, vStrided: v.sl !== p.dv });
  const flops = 2 * p.batch * p.heads * p.L * p.S * (p.d + p.dv) * (p.causal ? 0.5 : 1);
  const name = engine.k.f32_attn_q4k32__wasmrelaxedsimd_fma ? 'f32_attn_q4k32__wasmrelaxedsimd_fma' : 'f32_attn_q4k32__wasmsimd';
  const split = splitAttention(engine, p, flops, workBytes, true, name, (r, work) => [
    r.B, r.H, r.L, p.S, p.d, p.dv,
    r.q, q.sb, q.sh, q.sl,
    r.k, k.sb, k.sh, k.sl, k.transposed ? 1 : 0,
    v.ptr + r.kvOff(v), v.sb, v.sh, v.sl,
    r.out(o), o.sb, o.sh, o.sl,
    r.mask, m ? m.kind : 0, m ? m.sb : 0, m ? m.sh : 0, m ? m.sl : 0,
    r.kpm, kp ? kp.sb : 0,
    p.causal ? 1 : 0, r.coff, scale, work,
  ]);
  if (split) return;
  withWork(engine, workBytes, (work) =>
    kernel(
      p.batch, p.heads, p.L, p.S, p.d, p.dv,
      q.ptr, q.sb, q.sh, q.sl,
      k.ptr, k.sb, k.sh, k.sl, k.transposed ? 1 : 0,
      v.ptr, v.sb, v.sh, v.sl,
      o.ptr, o.sb, o.sh, o.sl,
      m ? m.ptr : 0, m ? m.kind : 0, m ? m.sb : 0, m ? m.sh : 0, m ? m.sl : 0,
      kp ? kp.ptr : 0, kp ? kp.sb : 0,
      p.causal ? 1 : 0, p.causalOffset ?? 0, scale, work,
    ),
  );
}

/**
 * The attention weights softmax(scale · Q K^T + masks) · pscale into the view `out` ([.., L, S]),
 * exactly (two passes over K, no extra L x S buffer). With `accumulate`, adds into `out`
 * (out.sh = 0 and pscale = 1/heads average the heads; `out` must start at zero).
 */
export function attentionProbs(
  engine: Engine,
  p: Omit<AttnProblem, 'v' | 'dv'>,
  out: AttnView,
  opts: { accumulate?: boolean; pscale?: number } = {},
): void {
  const full = { ...p, dv: 1, v: { ptr: 0, sb: 0, sh: 0, sl: 0 } };
  checkProblem(full);
  if (p.batch === 0 || p.heads === 0 || p.L === 0 || p.S === 0) return;
  const { q, k } = p;
  const m = p.mask;
  const kp = p.keyPadding;
  const scale = p.scale ?? 1 / Math.sqrt(p.d);
  const workBytes = attnWorkBytes({ S: p.S, d: p.d, dv: 0, kTransposed: k.transposed });
  const flops = 4 * p.batch * p.heads * p.L * p.S * p.d * (p.causal ? 0.5 : 1);
  // Accumulating over heads (out.sh = 0) keeps every head of a row in one task (same order).
  const split = splitAttention(engine, p, flops, workBytes, !opts.accumulate, 'f32_attn_probs_q4k32__wasmsimd', (r, work) => [
    r.B, r.H, r.L, p.S, p.d,
    r.q, q.sb, q.sh, q.sl,
    r.k, k.sb, k.sh, k.sl, k.transposed ? 1 : 0,
    r.out(out), out.sb, out.sh, out.sl, opts.accumulate ? 1 : 0, opts.pscale ?? 1,
    r.mask, m ? m.kind : 0, m ? m.sb : 0, m ? m.sh : 0, m ? m.sl : 0,
    r.kpm, kp ? kp.sb : 0,
    p.causal ? 1 : 0, r.coff, scale, work,
  ]);
  if (split) return;
  withWork(engine, workBytes, (work) =>
    engine.k.f32_attn_probs_q4k32__wasmsimd(
      p.batch, p.heads, p.L, p.S, p.d,
      q.ptr, q.sb, q.sh, q.sl,
      k.ptr, k.sb, k.sh, k.sl, k.transposed ? 1 : 0,
      out.ptr, out.sb, out.sh, out.sl, opts.accumulate ? 1 : 0, opts.pscale ?? 1,
      m ? m.ptr : 0, m ? m.kind : 0, m ? m.sb : 0, m ? m.sh : 0, m ? m.sl : 0,
      kp ? kp.ptr : 0, kp ? kp.sb : 0,
      p.causal ? 1 : 0, p.causalOffset ?? 0, scale, work,
    ),
  );
}

/** One task's ranges, as the kernel arguments they shift. */
interface AttnRange {
  B: number;
  H: number;
  L: number;
  q: number;
  k: number;
  mask: number;
  kpm: number;
  coff: number;
  /** Byte offset of this range's (batch, head) in a K- or V-like view. */
  kvOff(v: AttnView): number;
  /** Address of this range's first row in an output view. */
  out(o: AttnView): number;
}

/**
 * Runs an attention kernel over the pool when the work is big enough: tasks from attnTasks, each
 * with its own scratch; argsFor builds a task's arguments from its ranges. False: not split.
 */
function splitAttention(
  engine: Engine, p: Omit<AttnProblem, 'v' | 'dv'>, flops: number, workBytes: number, splitHeads: boolean, name: string,
  argsFor: (r: AttnRange, work: number) => number[],
): boolean {
  const nt = threadsFor(engine, flops, SPLIT.flopsPerThread);
  if (nt < 2) return false;
  const H = p.heads;
  const tasks = attnTasks(p.batch, splitHeads ? H : 1, p.L, Math.min(64, 2 * nt)).map((t) => (splitHeads ? t : [t[0], t[1], 0, H, t[4], t[5]]));
  if (tasks.length < 2) return false;
  const { q, k } = p;
  const m = p.mask;
  const kp = p.keyPadding;
  const mb = m && m.kind === 3 ? 4 : 1;
  const stride = Math.ceil(workBytes / 16) * 16 + 16;
  withWork(engine, stride * tasks.length, (work) => {
    engine.pool!.run(name, tasks.map(([b0, b1, h0, h1, l0, l1], t) => {
      const kvOff = (v: AttnView) => 4 * (b0 * v.sb + h0 * v.sh);
      const r: AttnRange = {
        B: b1 - b0, H: h1 - h0, L: l1 - l0,
        q: q.ptr + 4 * (b0 * q.sb + h0 * q.sh + l0 * q.sl),
        k: k.ptr + kvOff(k),
        mask: m ? m.ptr + mb * (b0 * m.sb + h0 * m.sh + l0 * m.sl) : 0,
        kpm: kp ? kp.ptr + b0 * kp.sb : 0,
        coff: (p.causalOffset ?? 0) + l0,
        kvOff,
        out: (o) => o.ptr + 4 * (b0 * o.sb + h0 * o.sh + l0 * o.sl),
      };
      return argsFor(r, work + t * stride);
    }));
  });
  return true;
}

/**
 * The tasks of one attention call over the pool, about `want` of them: [b0, b1, h0, h1, l0, l1]
 * ranges of batches, heads and query rows. Batches first, then heads of each batch, then query
 * ranges of each (batch, head) in whole 32-row q-blocks (so every query keeps its 4-row tile and
 * its bits; the causal offset moves with the range).
 */
function attnTasks(B: number, H: number, L: number, want: number): number[][] {
  const out: number[][] = [];
  const cuts = (n: number, parts: number, align = 1) => {
    const c = splitRange(n, parts, align);
    return c.slice(1).map((e, i) => [c[i], e]);
  };
  if (B >= want) {
    for (const [b0, b1] of cuts(B, want)) out.push([b0, b1, 0, H, 0, L]);
  } else if (B * H >= want) {
    for (let b = 0; b < B; b++) for (const [h0, h1] of cuts(H, Math.ceil(want / B))) out.push([b, b + 1, h0, h1, 0, L]);
  } else {
    for (let b = 0; b < B; b++) {
      for (let h = 0; h < H; h++) for (const [l0, l1] of cuts(L, Math.ceil(want / (B * H)), 32)) out.push([b, b + 1, h, h + 1, l0, l1]);
    }
  }
  return out.slice(0, 64).length === out.length ? out : [[0, B, 0, H, 0, L]];
}
