/**
 * F.scaledDotProductAttention(query, key, value, { attnMask, isCausal, scale }) with the
 * semantics of torch.nn.functional.scaled_dot_product_attention (torch >= 2.1), eval only:
 *   query [..., L, E], key [..., S, E], value [..., S, Ev] -> [..., L, Ev]
 *   leading dims broadcast (as matmul); attnMask broadcastable to [..., L, S]:
 *   bool True = attend (False -> -inf), float added to the scores; isCausal keeps j <= i aligned
 *   top-left (tril of L x S); scale defaults to 1/sqrt(E).
 * One kernel call over every batch and head, the L x S scores never held. A query row whose keys
 * are all masked returns zeros (PyTorch returns NaN there).
 */
import { Tensor } from '../tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../runtime/errors.js';
import { expectTensor, sameEngine } from './check.js';
import { attention, MaskKind, type AttnMaskView, type AttnView } from './attention.js';

export interface SdpaOptions {
  /** bool (True = attend) or float32 additive mask, broadcastable to [..., L, S]. */
  attnMask?: Tensor | null;
  /** Causal mask aligned top-left (key j <= query i). Not combinable with attnMask. */
  isCausal?: boolean;
  /** Score scale; null/undefined = 1/sqrt(E). */
  scale?: number | null;
  /** Must be 0 (inference only). */
  dropoutP?: number;
}

const OP = 'scaledDotProductAttention';

/** Broadcast of leading shapes (numpy rules); throws a ShapeError naming the operands. */
export function broadcastShapes(shapes: readonly (readonly number[])[], names: string[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    let n = 1;
    shapes.forEach((s, t) => {
      const d = s[s.length - rank + i] ?? 1;
      if (d !== 1) {
        if (n !== 1 && n !== d) {
          throw new ShapeError(`${OP}: leading dims do not broadcast: ${shapes.map((x, u) => `${names[u]} ${fmtShape(x)}`).join(', ')} (at ${names[t]})`);
        }
        n = d;
      }
    });
    out.push(n);
  }
  return out;
}

/**
 * Element strides of a row-major tensor of `shape` viewed as `target` (right-aligned; broadcast
 * dims get stride 0).
 */
export function broadcastStrides(shape: readonly number[], target: readonly number[]): number[] {
  const st = new Array<number>(target.length).fill(0);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const ti = target.length - shape.length + i;
    if (ti >= 0 && shape[i] !== 1) st[ti] = acc;
    acc *= shape[i];
  }
  return st;
}

/**
 * Collapses leading dims `lead` with element strides `st` to (batch, head) strides, or null when
 * the dims before the last cannot merge into one stride.
 */
export function collapseLead(lead: readonly number[], st: readonly number[]): { B: number; H: number; sb: number; sh: number } | null {
  if (lead.length === 0) return { B: 1, H: 1, sb: 0, sh: 0 };
  const H = lead[lead.length - 1];
  const sh = st[st.length - 1];
  let B = 1;
  let sb = 0;
  let inner = -1; // stride the next outer dim must have, -1 = none fixed yet
  for (let i = lead.length - 2; i >= 0; i--) {
    if (lead[i] === 1) continue;
    if (inner === -1) {
      sb = st[i];
    } else if (st[i] !== inner) return null;
    inner = st[i] * lead[i];
    B *= lead[i];
  }
  return { B, H, sb, sh };
}

/** A contiguous copy of `t` broadcast to `target` (rare fallback for unmergeable strides). */
export function materialize(t: Tensor, target: readonly number[]): Tensor {
  const st = broadcastStrides(t.shape, target);
  const out = Tensor.empty(target, t.dtype, t.engine);
  const src = t.toTypedArray() as unknown as ArrayLike<number> & { [i: number]: number }; // a copy: t may be a strided view
  const dst = out.data() as unknown as { [i: number]: number };
  const n = out.numel;
  const idx = new Array<number>(target.length).fill(0);
  for (let o = 0; o < n; o++) {
    let s = 0;
    for (let i = 0; i < target.length; i++) s += idx[i] * st[i];
    dst[o] = src[s];
    for (let i = target.length - 1; i >= 0; i--) {
      if (++idx[i] < target[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}

export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, options: SdpaOptions = {}): Tensor {
  expectTensor(OP, 'query', query);
  expectTensor(OP, 'key', key);
  expectTensor(OP, 'value', value);
  const engine = sameEngine(OP, query, key, value);
  for (const [n, t] of [['query', query], ['key', key], ['value', value]] as const) {
    if (t.ndim < 2) throw new ShapeError(`${OP}: ${n} must have at least 2 dims [..., len, features], got ${fmtShape(t.shape)}`);
  }
  const [L, E] = query.shape.slice(-2);
  const [S, Ek] = key.shape.slice(-2);
  const [Sv, Ev] = value.shape.slice(-2);
  if (Ek !== E) throw new ShapeError(`${OP}: key features ${Ek} != query features ${E} (query ${fmtShape(query.shape)}, key ${fmtShape(key.shape)})`);
  if (Sv !== S) throw new ShapeError(`${OP}: value length ${Sv} != key length ${S} (key ${fmtShape(key.shape)}, value ${fmtShape(value.shape)})`);
  if (E === 0 || Ev === 0) throw new ShapeError(`${OP}: feature dims must be >= 1, got E=${E} Ev=${Ev}`);
  if (options.dropoutP !== undefined && options.dropoutP !== 0) throw new ArgumentError(`${OP}: dropoutP must be 0 (inference only), got ${options.dropoutP}`);
  const mask = options.attnMask ?? null;
  const causal = options.isCausal ?? false;
  if (mask && causal) throw new ArgumentError(`${OP}: attnMask and isCausal cannot both be set (as in PyTorch)`);
  const scale = options.scale ?? 1 / Math.sqrt(E);
  if (typeof scale !== 'number' || !Number.isFinite(scale)) throw new ArgumentError(`${OP}: scale must be a finite number or null, got ${String(options.scale)}`);

  const lead = broadcastShapes([query.shape.slice(0, -2), key.shape.slice(0, -2), value.shape.slice(0, -2)], ['query', 'key', 'value']);
  const out = Tensor.empty([...lead, L, Ev], 'float32', engine);
  const temps: Tensor[] = [];
  try {
    // Each operand as a (batch, head, row) view; unmergeable broadcasts are copied once.
    const viewOf = (t: Tensor, rows: number, cols: number): { v: AttnView; B: number; H: number } => {
      let c = collapseLead(lead, broadcastStrides(t.shape.slice(0, -2), lead).map((s) => s * rows * cols));
      let src = t;
      if (!c) {
        src = materialize(t, [...lead, rows, cols]);
        temps.push(src);
        c = collapseLead(lead, broadcastStrides(src.shape.slice(0, -2), lead).map((s) => s * rows * cols))!;
      }
      return { v: { ptr: src.ptr, sb: c.sb, sh: c.sh, sl: cols }, B: c.B, H: c.H };
    };
    const qv = viewOf(query, L, E);
    const kv = viewOf(key, S, E);
    const vv = viewOf(value, S, Ev);
    const ov = viewOf(out, L, Ev);
    let mv: AttnMaskView | null = null;
    if (mask) {
      expectTensor(OP, 'attnMask', mask, ['bool', 'float32']);
      sameEngine(OP, query, mask);
      const full = [...lead, L, S];
      if (mask.ndim > full.length) throw new ShapeError(`${OP}: attnMask ${fmtShape(mask.shape)} does not broadcast to ${fmtShape(full)}`);
      if (broadcastShapes([mask.shape, full], ['attnMask', 'scores']).some((d, i) => d !== full[i])) {
        throw new ShapeError(`${OP}: attnMask ${fmtShape(mask.shape)} does not broadcast to ${fmtShape(full)}`);
      }
      let m = mask;
      if ((mask.shape[mask.ndim - 1] ?? 1) !== S && S !== 1) {
        m = materialize(mask, full);
        temps.push(m);
      }
      let st = broadcastStrides(m.shape, full);
      let c = collapseLead(lead, st.slice(0, -2));
      if (!c) {
        m = materialize(m, full);
        temps.push(m);
        st = broadcastStrides(m.shape, full);
        c = collapseLead(lead, st.slice(0, -2))!;
      }
      mv = { ptr: m.ptr, kind: m.dtype === 'bool' ? MaskKind.boolAttend : MaskKind.float, sb: c.sb, sh: c.sh, sl: st[st.length - 2] };
    }
    attention(engine, {
      batch: ov.B, heads: ov.H, L, S, d: E, dv: Ev,
      q: qv.v, k: kv.v, v: vv.v, mask: mv, causal, scale,
    }, ov.v);
  } catch (e) {
    out.dispose(); // a bad attnMask must not leak the output
    throw e;
  } finally {
    for (const t of temps) t.dispose();
  }
  return out;
}
