/**
 * Index-driven data movement, any dtype (raw element bits are moved; scatter reductions compute in
 * the dtype): torch.gather, torch.index_select (and `take` along a dim with an index tensor of
 * any shape: ONNX Gather), torch.scatter (with reductions: ONNX ScatterElements), ONNX GatherND
 * and ScatterND, torch.nonzero. Index tensors are int64 or int32; negative indices count from the
 * end (ONNX; torch raises for them) and out-of-range ones are ArgumentErrors naming the position.
 * Whole rows move with one copyWithin each; single elements move through word views.
 */
import { DTYPE_BYTES, Tensor, normDim } from '../tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../runtime/errors.js';
import { expectAny, expectSameDType, guard, indexValues, moveWord, wordsAt, wrapIndex } from './data-common.js';

const prod = (a: readonly number[]) => a.reduce((p, q) => p * q, 1);

/** Moves `count` rows of `rowBytes` from src byte offsets to dst byte offsets inside the engine's memory. */
function moveRows(t: Tensor, pairs: number[], rowBytes: number): void {
  const mem = new Uint8Array(t.engine.memory.buffer);
  for (let i = 0; i < pairs.length; i += 2) mem.copyWithin(pairs[i], pairs[i + 1], pairs[i + 1] + rowBytes);
}

/**
 * Elements of `input` at `index` along `dim`: out shape = input.shape[:dim] + index.shape +
 * input.shape[dim+1:] (numpy take / ONNX Gather). indexSelect is the 1-D-index case.
 */
export function take(input: Tensor, dim: number, index: Tensor, op = 'take'): Tensor {
  const x = expectAny(op, 'input', input);
  if (x.ndim === 0) throw new ShapeError(`${op}: input must have at least 1 dim, got a 0-d tensor`);
  const d = normDim(op, 'dim', dim, x.ndim);
  const n = x.shape[d];
  const idx = indexValues(op, 'index', index).map((v, i) => wrapIndex(op, 'index', v, n, i));
  const outer = prod(x.shape.slice(0, d));
  const E = DTYPE_BYTES[x.dtype];
  const rowBytes = prod(x.shape.slice(d + 1)) * E;
  const out = Tensor.empty([...x.shape.slice(0, d), ...index.shape, ...x.shape.slice(d + 1)], x.dtype, x.engine);
  return guard(out, () => {
    if (out.numel === 0) return out;
    const src = x.ptr;
    const dst = out.ptr;
    const pairs: number[] = [];
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < idx.length; j++) pairs.push(dst + (o * idx.length + j) * rowBytes, src + (o * n + idx[j]) * rowBytes);
    }
    moveRows(out, pairs, rowBytes);
    return out;
  });
}

/** torch.index_select(input, dim, index): index is 1-D. */
export function indexSelect(input: Tensor, dim: number, index: Tensor): Tensor {
  if (index instanceof Tensor && index.ndim !== 1) throw new ShapeError(`index_select: index must be 1-D, got shape ${fmtShape(index.shape)}`);
  return take(input, dim, index, 'index_select');
}

/** The flat input offset of each index element: input[i0, .., index[i], .., ik] (gather/scatter along dim). */
function elementOffsets(op: string, shape: readonly number[], dim: number, index: Tensor): number[] {
  const d = dim;
  const ish = index.shape;
  if (ish.length !== shape.length) throw new ShapeError(`${op}: index must have the ${shape.length} dims of input, got shape ${fmtShape(ish)}`);
  ish.forEach((m, k) => {
    if (k !== d && m > shape[k]) throw new ShapeError(`${op}: index shape ${fmtShape(ish)} exceeds input shape ${fmtShape(shape)} at dim ${k}`);
  });
  const idx = indexValues(op, 'index', index);
  const st = new Array<number>(shape.length);
  let acc = 1;
  for (let k = shape.length - 1; k >= 0; k--) {
    st[k] = acc;
    acc *= shape[k];
  }
  const offs = new Array<number>(idx.length);
  const pos = new Array<number>(ish.length).fill(0);
  for (let i = 0; i < idx.length; i++) {
    let o = 0;
    for (let k = 0; k < ish.length; k++) o += (k === d ? wrapIndex(op, 'index', idx[i], shape[d], i) : pos[k]) * st[k];
    offs[i] = o;
    for (let k = ish.length - 1; k >= 0; k--) {
      if (++pos[k] < ish[k]) break;
      pos[k] = 0;
    }
  }
  return offs;
}

/** torch.gather(input, dim, index): out[i] = input[i with dim replaced by index[i]]; out has index's shape. */
export function gather(input: Tensor, dim: number, index: Tensor): Tensor {
  const x = expectAny('gather', 'input', input);
  const d = normDim('gather', 'dim', dim, x.ndim);
  const offs = elementOffsets('gather', x.shape, d, index);
  const out = Tensor.empty(index.shape, x.dtype, x.engine);
  return guard(out, () => {
    if (out.numel === 0) return out;
    const src = wordsAt(x.engine, x.ptr, x.numel, x.dtype);
    const dst = wordsAt(x.engine, out.ptr, out.numel, x.dtype);
    for (let i = 0; i < offs.length; i++) moveWord(dst, i, src, offs[i]);
    return out;
  });
}

export type ScatterReduce = 'none' | 'add' | 'multiply' | 'max' | 'min';

export interface ScatterOptions {
  /** How a scattered value combines with the one there: 'none' (replace; default), 'add', 'multiply' (torch), 'max', 'min' (ONNX). */
  reduce?: ScatterReduce;
}

type Combine = (a: number, b: number) => number;
const COMBINE: Record<Exclude<ScatterReduce, 'none'>, Combine> = {
  add: (a, b) => a + b,
  multiply: (a, b) => a * b,
  max: (a, b) => (a >= b || Number.isNaN(a) ? a : b),
  min: (a, b) => (a <= b || Number.isNaN(a) ? a : b),
};

/** Writes src elements into a copy of `input` at flat offsets, combining with `reduce`. */
function scatterInto(op: string, input: Tensor, offs: number[], src: Tensor | number, srcIndex: (i: number) => number, reduce: ScatterReduce): Tensor {
  if (!['none', 'add', 'multiply', 'max', 'min'].includes(reduce)) throw new ArgumentError(`${op}: reduce must be 'none', 'add', 'multiply', 'max' or 'min', got ${JSON.stringify(reduce)}`);
  const out = input.clone();
  return guard(out, () => {
    if (offs.length === 0) return out;
    const dst = out.data();
    if (reduce === 'none' && typeof src !== 'number') {
      const s = wordsAt(out.engine, src.ptr, src.numel, out.dtype);
      const w = wordsAt(out.engine, out.ptr, out.numel, out.dtype);
      for (let i = 0; i < offs.length; i++) moveWord(w, offs[i], s, srcIndex(i));
      return out;
    }
    const sv = typeof src === 'number' ? null : src.toTypedArray();
    const f = reduce === 'none' ? (_a: number, b: number) => b : COMBINE[reduce];
    const big = dst instanceof BigInt64Array;
    const d = out.data();
    for (let i = 0; i < offs.length; i++) {
      const b = sv ? sv[srcIndex(i)] : (src as number);
      if (big) {
        const a = (d as BigInt64Array)[offs[i]];
        const bb = BigInt(b as number | bigint);
        (d as BigInt64Array)[offs[i]] = reduce === 'none' ? bb : reduce === 'add' ? a + bb : reduce === 'multiply' ? a * bb : reduce === 'max' ? (a >= bb ? a : bb) : a <= bb ? a : bb;
      } else {
        (d as Float32Array)[offs[i]] = f((d as Float32Array)[offs[i]], Number(b));
      }
    }
    return out;
  });
}

/**
 * torch.scatter(input, dim, index, src, reduce?): a copy of input with out[i with dim replaced by
 * index[i]] = src[i] (src a tensor at least index's size in every dim, or a number), combined per
 * options.reduce. Duplicate indices without a reduction keep the last write (ONNX: undefined).
 */
export function scatter(input: Tensor, dim: number, index: Tensor, src: Tensor | number, options: ScatterOptions = {}): Tensor {
  const x = expectAny('scatter', 'input', input);
  const d = normDim('scatter', 'dim', dim, x.ndim);
  const offs = elementOffsets('scatter', x.shape, d, index);
  let srcIndex = (i: number) => i;
  if (typeof src !== 'number') {
    expectAny('scatter', 'src', src);
    expectSameDType('scatter', [['input', x], ['src', src]]);
    if (src.ndim !== index.ndim || index.shape.some((m, k) => m > src.shape[k])) throw new ShapeError(`scatter: src shape ${fmtShape(src.shape)} must be at least the index shape ${fmtShape(index.shape)} in every dim`);
    if (src.shape.some((m, k) => m !== index.shape[k])) {
      const ish = index.shape;
      const sst = src.shape.map((_, k) => prod(src.shape.slice(k + 1)));
      srcIndex = (i) => {
        let f = i;
        let o = 0;
        for (let k = ish.length - 1; k >= 0; k--) {
          o += (f % ish[k]) * sst[k];
          f = Math.floor(f / ish[k]);
        }
        return o;
      };
    }
  }
  return scatterInto('scatter', x, offs, src, srcIndex, options.reduce ?? 'none');
}

/** The data offsets (in elements) that an ONNX GatherND/ScatterND index tuple array addresses, with the slice size. */
function ndOffsets(op: string, data: Tensor, indices: Tensor, batchDims: number): { offs: number[]; slice: number; lead: number[] } {
  const r = data.ndim;
  const q = indices.ndim;
  const b = batchDims;
  if (!Number.isInteger(b) || b < 0 || b >= Math.min(r, q)) throw new ArgumentError(`${op}: batchDims must be an integer in [0, ${Math.min(r, q) - 1}], got ${String(batchDims)}`);
  if (q < 1) throw new ShapeError(`${op}: indices must have at least 1 dim`);
  const k = indices.shape[q - 1];
  if (k < 1 || k > r - b) throw new ShapeError(`${op}: the last dim of indices (${k}) must be in [1, ${r - b}] for data of shape ${fmtShape(data.shape)} and batchDims ${b}`);
  for (let i = 0; i < b; i++) {
    if (data.shape[i] !== indices.shape[i]) throw new ShapeError(`${op}: batch dim ${i} differs: data ${fmtShape(data.shape)}, indices ${fmtShape(indices.shape)}`);
  }
  const idx = indexValues(op, 'indices', indices);
  const slice = prod(data.shape.slice(b + k));
  const batch = prod(data.shape.slice(0, b));
  const perBatch = prod(data.shape.slice(b));
  const tuples = idx.length / k;
  const tuplesPerBatch = batch === 0 ? 0 : tuples / batch;
  const offs: number[] = [];
  for (let t = 0; t < tuples; t++) {
    let o = Math.floor(t / Math.max(tuplesPerBatch, 1)) * perBatch;
    for (let j = 0; j < k; j++) {
      const n = data.shape[b + j];
      o += wrapIndex(op, 'indices', idx[t * k + j], n, t * k + j) * prod(data.shape.slice(b + j + 1));
    }
    offs.push(o);
  }
  return { offs, slice, lead: indices.shape.slice(0, q - 1) };
}

/** ONNX GatherND(data, indices, batch_dims): slices of data addressed by the index tuples in the last dim of indices. */
export function gatherNd(data: Tensor, indices: Tensor, batchDims = 0): Tensor {
  const x = expectAny('gather_nd', 'data', data);
  const { offs, slice, lead } = ndOffsets('gather_nd', x, indices, batchDims);
  const k = indices.shape[indices.ndim - 1];
  const out = Tensor.empty([...lead, ...x.shape.slice(batchDims + k)], x.dtype, x.engine);
  return guard(out, () => {
    if (out.numel === 0) return out;
    const E = DTYPE_BYTES[x.dtype];
    const src = x.ptr;
    const dst = out.ptr;
    const pairs: number[] = [];
    offs.forEach((o, t) => pairs.push(dst + t * slice * E, src + o * E));
    moveRows(out, pairs, slice * E);
    return out;
  });
}

/** ONNX ScatterND(data, indices, updates, reduction): a copy of data with the addressed slices replaced by (or combined with) updates. */
export function scatterNd(data: Tensor, indices: Tensor, updates: Tensor, options: ScatterOptions = {}): Tensor {
  const x = expectAny('scatter_nd', 'data', data);
  expectAny('scatter_nd', 'updates', updates);
  expectSameDType('scatter_nd', [['data', x], ['updates', updates]]);
  const { offs, slice, lead } = ndOffsets('scatter_nd', x, indices, 0);
  const k = indices.shape[indices.ndim - 1];
  const want = [...lead, ...x.shape.slice(k)];
  if (updates.ndim !== want.length || updates.shape.some((n, i) => n !== want[i])) throw new ShapeError(`scatter_nd: updates has shape ${fmtShape(updates.shape)}, expected ${fmtShape(want)}`);
  const flat: number[] = [];
  for (const o of offs) for (let j = 0; j < slice; j++) flat.push(o + j);
  return scatterInto('scatter_nd', x, flat, updates, (i) => i, options.reduce ?? 'none');
}

/** torch.nonzero(input): the int64 [count, ndim] indices of the non-zero elements, in row-major order. */
export function nonzero(input: Tensor): Tensor {
  const x = expectAny('nonzero', 'input', input);
  const v = x.toTypedArray() as ArrayLike<number | bigint>;
  const hits: number[] = [];
  for (let i = 0; i < v.length; i++) if (v[i] !== 0 && v[i] !== 0n) hits.push(i);
  const r = x.ndim;
  const out = Tensor.empty([hits.length, r], 'int64', x.engine);
  if (out.numel === 0) return out;
  const o = out.data<'int64'>();
  hits.forEach((f, h) => {
    for (let k = r - 1; k >= 0; k--) {
      o[h * r + k] = BigInt(f % x.shape[k]);
      f = Math.floor(f / x.shape[k]);
    }
  });
  return out;
}
