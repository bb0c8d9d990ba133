/**
 * Reductions over any set of dims (negative dims count from the end, keepdim keeps them as size
 * 1): sum, mean, amax, amin, prod, L1 / L2 norm, sum of squares, log-sum, logsumexp; max/min with
 * indices, argmax/argmin, cumsum, topk, hardmax.
 *
 * float32 runs on the f32-reduce kernels, whose core is one (outer, r, inner) reduction over a
 * dense tensor: the reduced dims are grouped into runs of adjacent dims, and each run is one
 * kernel call (last run first), each pass reducing the previous pass's output (sum of squares and
 * L1 apply their element op in the first pass only, a mean scales in the last). Integer and bool
 * tensors (sum, prod, amax, amin) and the index-producing ops run on typed arrays.
 * NaN propagates as in torch: sum/mean/max/min/prod of a slice holding a NaN are NaN, argmax and
 * argmin pick the first NaN. An empty reduced slice gives the identity (sum 0, prod 1, amax -inf,
 * amin +inf, mean NaN), as the ONNX reference does.
 */
import { Tensor, numelOf, type DType } from '../tensor.js';
import { ArgumentError, DTypeError, ShapeError, fmtShape } from '../runtime/errors.js';
import type { Engine } from '../runtime/engine.js';
import { expectInt, expectTensor } from './check.js';
import { broadcastDims, elementViews, forEachIndex, type Scalar } from './broadcast.js';
import { exp, log, sqrt } from './unary.js';
import { add, sub } from './binary.js';

export type ReduceOp = 'sum' | 'mean' | 'amax' | 'amin' | 'prod' | 'l1' | 'l2' | 'sumsquare' | 'logsum' | 'logsumexp';

const ANY: DType[] = ['float32', 'int32', 'int64', 'uint8', 'bool'];

/** Normalizes `dim` (a dim, a list, or null/undefined = all dims) to sorted unique dims in [0, ndim). */
export function normalizeDims(op: string, x: Tensor, dim: number | readonly number[] | null | undefined): number[] {
  const list = typeof dim === 'number' ? [dim] : Array.from(dim ?? []);
  if (list.length === 0) return x.shape.map((_, i) => i); // none given or []: all dims, as torch.sum(x, dim=[])
  const nd = Math.max(x.ndim, 1); // a 0-d tensor accepts dim 0 / -1, as torch
  const out = new Set<number>();
  for (const d of list) {
    if (!Number.isInteger(d) || d < -nd || d >= nd) {
      throw new ArgumentError(`${op}: dim ${String(d)} is out of range for a tensor of shape ${fmtShape(x.shape)} (expected an integer in [${-nd}, ${nd - 1}])`);
    }
    if (x.ndim > 0) out.add(d < 0 ? d + nd : d);
  }
  if (out.size !== list.length && x.ndim > 0) throw new ArgumentError(`${op}: dim ${JSON.stringify(list)} names a dim twice`);
  return [...out].sort((a, b) => a - b);
}

function outShape(shape: readonly number[], dims: number[], keepdim: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!dims.includes(i)) out.push(d);
    else if (keepdim) out.push(1);
  });
  return out;
}

type KernelOp = 'sum' | 'sumsq' | 'asum' | 'prod' | 'max' | 'min';

function kernelPass(e: Engine, op: KernelOp, outer: number, r: number, inner: number, x: number, y: number, scale: number): void {
  const k = e.k;
  switch (op) {
    case 'sum':
      return k.f32_rsum_u4__wasmsimd(outer, r, inner, x, y, scale);
    case 'sumsq':
      return k.f32_rsumsq_u4__wasmsimd(outer, r, inner, x, y, scale);
    case 'asum':
      return k.f32_rasum_u4__wasmsimd(outer, r, inner, x, y, scale);
    case 'prod':
      return k.f32_rprod_u4__wasmsimd(outer, r, inner, x, y);
    case 'max':
      return k.f32_rmax_u4__wasmsimd(outer, r, inner, x, y);
    case 'min':
      return k.f32_rmin_u4__wasmsimd(outer, r, inner, x, y);
  }
}

const IDENTITY: Record<KernelOp, number> = { sum: 0, sumsq: 0, asum: 0, prod: 1, max: -Infinity, min: Infinity };

/** float32 reduction of `dims` by kernel passes; y has the reduced shape (keepdim applied by the caller's reshape). */
function reduceF32(x: Tensor, dims: number[], first: KernelOp, scale: number): Tensor {
  const e = x.engine;
  const shape = outShape(x.shape, dims, false);
  const y = Tensor.empty(shape, 'float32', e);
  if (y.numel === 0) return y;
  const r = dims.reduce((p, d) => p * x.shape[d], 1);
  if (r === 0 || x.numel === 0) {
    y.data<'float32'>().fill(first === 'sum' && scale !== 1 ? NaN : IDENTITY[first]);
    return y;
  }
  // Runs of adjacent reduced dims, innermost first; size-1 dims need no pass.
  const runs: [number, number][] = [];
  for (const d of dims) {
    if (x.shape[d] === 1) continue;
    const last = runs[runs.length - 1];
    if (last && last[1] === d) last[1] = d + 1;
    else runs.push([d, d + 1]);
  }
  if (runs.length === 0) {
    // Every reduced dim has size 1: one pass with r = 1 applies the element op (x^2, |x|).
    kernelPass(e, first, y.numel, 1, 1, x.ptr, y.ptr, scale);
    return y;
  }
  runs.reverse();
  let cur = x.shape.slice();
  let src = x.ptr;
  const temps: number[] = [];
  try {
    runs.forEach(([lo, hi], i) => {
      const last = i === runs.length - 1;
      const outer = numelOf(cur.slice(0, lo));
      const rr = numelOf(cur.slice(lo, hi));
      const inner = numelOf(cur.slice(hi));
      const dst = last ? y.ptr : e.arena.alloc(4 * outer * inner);
      if (!last) temps.push(dst);
      const op: KernelOp = i === 0 ? first : first === 'sumsq' || first === 'asum' ? 'sum' : first;
      kernelPass(e, op, outer, rr, inner, src, dst, last ? scale : 1);
      cur = [...cur.slice(0, lo), ...cur.slice(hi)];
      src = dst;
    });
  } catch (err) {
    y.dispose();
    throw err;
  } finally {
    for (const t of temps) e.arena.free(t);
  }
  return y;
}

/** Integer/bool reduction on typed arrays (sum/prod -> int64 as torch, amax/amin keep the dtype). */
function reduceInt(op: string, x: Tensor, dims: number[], kop: KernelOp): Tensor {
  if (kop !== 'sum' && kop !== 'prod' && kop !== 'max' && kop !== 'min') {
    throw new DTypeError(`${op}: input must be float32 for this reduction, got ${x.dtype} (shape ${fmtShape(x.shape)})`);
  }
  const dtype: DType = kop === 'sum' || kop === 'prod' ? 'int64' : x.dtype;
  const shape = outShape(x.shape, dims, false);
  const y = Tensor.empty(shape, dtype, x.engine);
  if (y.numel === 0) return y;
  const big = dtype === 'int64';
  const acc: Scalar[] = new Array(y.numel).fill(big ? (kop === 'prod' ? 1n : 0n) : 0);
  const seen = new Uint8Array(y.numel);
  const [xs] = elementViews(x);
  // Output strides: 0 along reduced dims.
  const keep = outShape(x.shape, dims, true);
  const dimsMerged = broadcastDims(x.shape, [x.shape, keep]);
  forEachIndex(dimsMerged, 2, (off) => {
    const v = xs[off[0]];
    const j = off[1];
    const bv: Scalar = big && typeof v !== 'bigint' ? BigInt(v) : v;
    if (kop === 'sum') acc[j] = BigInt.asIntN(64, (acc[j] as bigint) + (bv as bigint));
    else if (kop === 'prod') acc[j] = BigInt.asIntN(64, (acc[j] as bigint) * (bv as bigint));
    else if (!seen[j] || (kop === 'max' ? v > acc[j] : v < acc[j])) acc[j] = v;
    seen[j] = 1;
  });
  if ((kop === 'max' || kop === 'min') && seen.includes(0)) {
    y.dispose();
    throw new ShapeError(`${op}: a reduced slice of ${fmtShape(x.shape)} over dims ${JSON.stringify(dims)} is empty and ${x.dtype} has no identity for ${kop}`);
  }
  (y.data() as unknown as Scalar[]).forEach((_, i, arr) => (arr[i] = acc[i]));
  return y;
}

const KERNEL_OF: Record<Exclude<ReduceOp, 'logsumexp'>, KernelOp> = {
  sum: 'sum', mean: 'sum', amax: 'max', amin: 'min', prod: 'prod', l1: 'asum', l2: 'sumsq', sumsquare: 'sumsq', logsum: 'sum',
};

/** The shared reduction: `op` over `dim` (null/undefined: all dims), keepdim as torch. */
export function reduce(op: ReduceOp, x: Tensor, dim?: number | readonly number[] | null, keepdim = false): Tensor {
  expectTensor(op, 'input', x, ANY);
  const dims = normalizeDims(op, x, dim);
  const kshape = outShape(x.shape, dims, keepdim);
  if (op === 'logsumexp') return logsumexpDims(x, dims, keepdim);
  const kop = KERNEL_OF[op];
  let y: Tensor;
  if (x.dtype !== 'float32') {
    if (op !== 'sum' && op !== 'prod' && op !== 'amax' && op !== 'amin') {
      throw new DTypeError(`${op}: input must be float32, got ${x.dtype} (shape ${fmtShape(x.shape)})`);
    }
    y = reduceInt(op, x, dims, kop);
  } else {
    const r = dims.reduce((p, d) => p * x.shape[d], 1);
    y = reduceF32(x, dims, kop, op === 'mean' ? 1 / r : 1);
    if (op === 'l2' || op === 'logsum') {
      const f = op === 'l2' ? sqrt : log;
      if (y.numel > 0) f(y, y);
    }
  }
  if (kshape.length === y.ndim) return y;
  const v = y.reshape(kshape);
  y.dispose();
  return v;
}

/** torch.logsumexp(input, dim, keepdim): m + log(sum(e^(x - m))), m the max with +-inf replaced by 0 (as torch). */
function logsumexpDims(x: Tensor, dims: number[], keepdim: boolean): Tensor {
  const m = reduce('amax', x, dims, true);
  const owned: Tensor[] = [m];
  try {
    const mv = m.data<'float32'>();
    for (let i = 0; i < mv.length; i++) if (!Number.isFinite(mv[i]) && !Number.isNaN(mv[i])) mv[i] = 0;
    const d = sub(x, m);
    owned.push(d);
    exp(d, d);
    const s = reduce('sum', d, dims, true);
    owned.push(s);
    log(s, s);
    const y = add(s, m);
    if (keepdim) return y;
    const v = y.reshape(outShape(x.shape, dims, false));
    y.dispose();
    return v;
  } finally {
    for (const t of owned) t.dispose();
  }
}

/** torch.sum(input, dim=None, keepdim=False); integer and bool inputs sum to int64. */
export function sum(x: Tensor, dim?: number | readonly number[] | null, keepdim = false): Tensor {
  return reduce('sum', x, dim, keepdim);
}
/** torch.mean(input, dim=None, keepdim=False) (float32). */
export function mean(x: Tensor, dim?: number | readonly number[] | null, keepdim = false): Tensor {
  return reduce('mean', x, dim, keepdim);
}
/** torch.amax(input, dim=(), keepdim=False): max over dims (all when none given); NaN propagates. */
export function amax(x: Tensor, dim?: number | readonly number[] | null, keepdim = false): Tensor {
  return reduce('amax', x, dim, keepdim);
}
/** torch.amin(input, dim=(), keepdim=False). */
export function amin(x: Tensor, dim?: number | readonly number[] | null, keepdim = false): Tensor {
  return reduce('amin', x, dim, keepdim);
}
/** torch.prod(input, dim=None, keepdim=False) (a list of dims is accepted too). */
export function prod(x: Tensor, dim?: number | readonly number[] | null, keepdim = false): Tensor {
  return reduce('prod', x, dim, keepdim);
}
/** torch.logsumexp(input, dim, keepdim=False). */
export function logsumexp(x: Tensor, dim: number | readonly number[], keepdim = false): Tensor {
  return reduce('logsumexp', x, dim, keepdim);
}

/** torch.norm(input, p=2, dim=None, keepdim=False) for p = 1, 2 ('fro') and Infinity. */
export function norm(x: Tensor, p: number | 'fro' = 2, dim?: number | readonly number[] | null, keepdim = false): Tensor {
  if (p === 'fro' || p === 2) return reduce('l2', x, dim, keepdim);
  if (p === 1) return reduce('l1', x, dim, keepdim);
  if (p === Infinity) {
    const a = x.dtype === 'float32' ? Tensor.empty(x.shape, 'float32', x.engine) : null;
    if (!a) throw new DTypeError(`norm: input must be float32, got ${x.dtype}`);
    try {
      x.engine.k.f32_vabs_u8__wasmsimd(x.numel, x.ptr, a.ptr);
      return reduce('amax', a, dim, keepdim);
    } finally {
      a.dispose();
    }
  }
  throw new ArgumentError(`norm: p must be 1, 2, 'fro' or Infinity, got ${String(p)}`);
}

/** One dim as torch takes it (negative counts from the end); the reduction geometry (outer, r, inner). */
function splitAt(op: string, x: Tensor, dim: number): { d: number; outer: number; r: number; inner: number } {
  const [d] = normalizeDims(op, x, dim);
  const r = x.ndim === 0 ? 1 : x.shape[d];
  return { d, outer: numelOf(x.shape.slice(0, d)), r, inner: numelOf(x.shape.slice(d + 1)) };
}

export interface ArgOptions {
  /** ONNX ArgMax/ArgMin select_last_index: the last of equal extremes (default the first, as torch). */
  selectLastIndex?: boolean;
}

/** Index of the max (or min) along one dim into an int64 tensor; NaN counts as the extreme (first NaN). */
function argReduce(op: string, x: Tensor, dim: number | null | undefined, keepdim: boolean, largest: boolean, options: ArgOptions): Tensor {
  expectTensor(op, 'input', x, ANY);
  if (dim === null || dim === undefined) {
    const flat = x.reshape([x.numel]);
    try {
      const y = argReduce(op, flat, 0, false, largest, options);
      if (!keepdim) return y;
      const v = y.reshape(x.shape.map(() => 1));
      y.dispose();
      return v;
    } finally {
      flat.dispose();
    }
  }
  const { d, outer, r, inner } = splitAt(op, x, dim);
  if (r === 0) throw new ShapeError(`${op}: dim ${dim} of input ${fmtShape(x.shape)} is empty (no index to return)`);
  const shape = x.ndim === 0 ? [] : outShape(x.shape, [d], keepdim);
  const y = Tensor.empty(shape, 'int64', x.engine);
  const [xs] = elementViews(x);
  const ys = y.data<'int64'>();
  const last = options.selectLastIndex ?? false;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * r * inner + i;
      let best = xs[base];
      let at = 0;
      for (let k = 1; k < r; k++) {
        const v = xs[base + k * inner];
        const bNaN = typeof best === 'number' && Number.isNaN(best);
        const vNaN = typeof v === 'number' && Number.isNaN(v);
        const better = bNaN ? last && vNaN : vNaN || (largest ? v > best : v < best) || (last && v === best);
        if (better) {
          best = v;
          at = k;
        }
      }
      ys[o * inner + i] = BigInt(at);
    }
  }
  return y;
}

/** torch.argmax(input, dim=None, keepdim=False) -> int64 (first index of the max; NaN is the max). */
export function argmax(x: Tensor, dim?: number | null, keepdim = false, options: ArgOptions = {}): Tensor {
  return argReduce('argmax', x, dim, keepdim, true, options);
}
/** torch.argmin(input, dim=None, keepdim=False) -> int64. */
export function argmin(x: Tensor, dim?: number | null, keepdim = false, options: ArgOptions = {}): Tensor {
  return argReduce('argmin', x, dim, keepdim, false, options);
}

export interface ValuesIndices {
  values: Tensor;
  indices: Tensor;
}

/** values[o, i] = x[o, idx[o, i], i] along dim d (the gather of max/min/topk). */
function gatherAlong(x: Tensor, idx: Tensor, outer: number, r: number, inner: number, k: number): Tensor {
  const y = Tensor.empty(idx.shape, x.dtype, x.engine);
  const [xs] = elementViews(x);
  const is = idx.data<'int64'>();
  const ys = y.data() as unknown as Scalar[];
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < k; j++) {
      for (let i = 0; i < inner; i++) ys[(o * k + j) * inner + i] = xs[(o * r + Number(is[(o * k + j) * inner + i])) * inner + i];
    }
  }
  return y;
}

function maxMin(op: string, x: Tensor, dim: number | undefined, keepdim: boolean, largest: boolean): Tensor | ValuesIndices {
  if (dim === undefined) return reduce(largest ? 'amax' : 'amin', x, null, false);
  const indices = argReduce(op, x, dim, true, largest, {});
  try {
    const { outer, r, inner } = splitAt(op, x, dim);
    const values = gatherAlong(x, indices, outer, r, inner, 1);
    if (keepdim) return { values, indices };
    const shape = x.ndim === 0 ? [] : outShape(x.shape, normalizeDims(op, x, dim), false);
    const v = values.reshape(shape);
    const i = indices.reshape(shape);
    values.dispose();
    indices.dispose();
    return { values: v, indices: i };
  } catch (err) {
    indices.dispose();
    throw err;
  }
}

/** torch.max(input) -> 0-d tensor; torch.max(input, dim, keepdim=False) -> { values, indices }. */
export function max(x: Tensor): Tensor;
export function max(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function max(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  expectTensor('max', 'input', x, ANY);
  return maxMin('max', x, dim, keepdim, true);
}

/** torch.min(input) -> 0-d tensor; torch.min(input, dim, keepdim=False) -> { values, indices }. */
export function min(x: Tensor): Tensor;
export function min(x: Tensor, dim: number, keepdim?: boolean): ValuesIndices;
export function min(x: Tensor, dim?: number, keepdim = false): Tensor | ValuesIndices {
  expectTensor('min', 'input', x, ANY);
  return maxMin('min', x, dim, keepdim, false);
}

export interface CumsumOptions {
  /** ONNX CumSum exclusive: y[j] sums x[< j] (default inclusive). */
  exclusive?: boolean;
  /** ONNX CumSum reverse: sums from the end. */
  reverse?: boolean;
}

/** torch.cumsum(input, dim) (float32 accumulates in float64 then rounds; integers exactly). */
export function cumsum(x: Tensor, dim: number, options: CumsumOptions = {}): Tensor {
  expectTensor('cumsum', 'input', x, ['float32', 'int32', 'int64']);
  const { outer, r, inner } = splitAt('cumsum', x, dim);
  const y = Tensor.empty(x.shape, x.dtype, x.engine);
  const [xs] = elementViews(x);
  const ys = y.data() as unknown as Scalar[];
  const big = x.dtype === 'int64';
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      let acc: Scalar = big ? 0n : 0;
      for (let t = 0; t < r; t++) {
        const k = options.reverse ? r - 1 - t : t;
        const at = (o * r + k) * inner + i;
        const v = xs[at];
        if (options.exclusive) ys[at] = acc;
        acc = big ? BigInt.asIntN(64, (acc as bigint) + (v as bigint)) : (acc as number) + (v as number);
        if (!options.exclusive) ys[at] = acc;
      }
    }
  }
  return y;
}

export interface TopkOptions {
  /** dim to select along (default -1). */
  dim?: number;
  /** true (default): the k largest; false: the k smallest. */
  largest?: boolean;
  /** Results in sorted order (always true here; accepted for torch's signature). */
  sorted?: boolean;
}

/** torch.topk(input, k, dim=-1, largest=True, sorted=True) -> { values, indices }: ties keep the lower index first; NaN is the largest. */
export function topk(x: Tensor, k: number, options: TopkOptions = {}): ValuesIndices {
  expectTensor('topk', 'input', x, ['float32', 'int32', 'int64']);
  const { d, outer, r, inner } = splitAt('topk', x, options.dim ?? -1);
  expectInt('topk', 'k', k, 0);
  if (k > r) throw new ArgumentError(`topk: k = ${k} is larger than dim ${options.dim ?? -1} of input ${fmtShape(x.shape)} (size ${r})`);
  const largest = options.largest ?? true;
  const shape = x.ndim === 0 ? [] : x.shape.slice();
  if (x.ndim > 0) shape[d] = k;
  const indices = Tensor.empty(shape, 'int64', x.engine);
  try {
    const [xs] = elementViews(x);
    const is = indices.data<'int64'>();
    const order = new Array<number>(r);
    const isNaNv = (v: Scalar): boolean => typeof v === 'number' && Number.isNaN(v);
    // Ascending value order with NaN above everything (torch); equal values keep index order.
    const cmp = (vp: Scalar, vq: Scalar): number => {
      const np = isNaNv(vp);
      const nq = isNaNv(vq);
      if (np || nq) return np === nq ? 0 : np ? 1 : -1;
      return vp < vq ? -1 : vp > vq ? 1 : 0;
    };
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const at = (j: number) => xs[(o * r + j) * inner + i];
        for (let j = 0; j < r; j++) order[j] = j;
        order.sort((p, q) => {
          const c = cmp(at(p), at(q));
          return c !== 0 ? (largest ? -c : c) : p - q;
        });
        for (let j = 0; j < k; j++) is[(o * k + j) * inner + i] = BigInt(order[j]);
      }
    }
    const values = gatherAlong(x, indices, outer, r, inner, k);
    return { values, indices };
  } catch (err) {
    indices.dispose();
    throw err;
  }
}

/** ONNX Hardmax(axis): 1 at the first max of each slice along dim, 0 elsewhere (float32). */
export function hardmax(x: Tensor, dim = -1): Tensor {
  expectTensor('hardmax', 'input', x);
  const { outer, r, inner } = splitAt('hardmax', x, dim);
  const idx = argReduce('hardmax', x, dim, true, true, {});
  try {
    const y = Tensor.zeros(x.shape, 'float32', x.engine);
    const ys = y.data<'float32'>();
    const is = idx.data<'int64'>();
    for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) ys[(o * r + Number(is[o * inner + i])) * inner + i] = 1;
    return y;
  } finally {
    idx.dispose();
  }
}
