/**
 * The broadcasting machinery every elementwise operator shares (binary arithmetic, comparisons,
 * logical ops, where): numpy/torch broadcast shapes, per-operand element strides aligned to the
 * output (0 where broadcast), and merging of output dims that are contiguous (or broadcast) in
 * every operand, so that a call walks as few dims as possible. The float32 SIMD path
 * (ops/binary.ts) hands the two innermost merged dims to a kernel; the typed-array path
 * (`mapElements` below: integer, bool, and ops without a kernel) walks them in JavaScript.
 */
import { Tensor, type DType } from '../tensor.js';
import { ShapeError, fmtShape } from '../runtime/errors.js';
import type { Engine } from '../runtime/engine.js';

/** One output dim after merging: its size and each operand's stride in elements (0 = broadcast). */
export interface Dim {
  size: number;
  st: number[];
}

/** torch.broadcast_shapes for any number of shapes; throws ShapeError naming them. */
export function broadcastShapes(op: string, ...shapes: (readonly number[])[]): number[] {
  const nd = Math.max(0, ...shapes.map((s) => s.length));
  const out: number[] = [];
  for (let i = 0; i < nd; i++) {
    let d = 1;
    for (const s of shapes) {
      const di = s[s.length - nd + i] ?? 1;
      if (di !== 1 && d !== 1 && di !== d) {
        throw new ShapeError(`${op}: shapes ${shapes.map((x) => fmtShape(x)).join(' and ')} do not broadcast (dim ${i - nd}: ${d} vs ${di})`);
      }
      if (di !== 1) d = di;
    }
    out.push(d);
  }
  return out;
}

/** Element strides of `shape` aligned to `out` (0 where broadcast). */
export function alignedStrides(shape: readonly number[], out: readonly number[]): number[] {
  const st = new Array<number>(out.length).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const o = out.length - shape.length + i;
    st[o] = shape[i] === 1 ? 0 : s;
    s *= shape[i];
  }
  return st;
}

/** Drops size-1 dims and merges neighbours that are contiguous (or broadcast) in every operand. */
export function mergeDims(out: readonly number[], strides: number[][]): Dim[] {
  const dims: Dim[] = [];
  for (let i = 0; i < out.length; i++) {
    if (out[i] === 1) continue;
    const d = { size: out[i], st: strides.map((s) => s[i]) };
    const last = dims[dims.length - 1];
    if (last && last.st.every((s, k) => s === d.st[k] * d.size)) {
      last.size *= d.size;
      last.st = d.st;
    } else dims.push(d);
  }
  return dims.length ? dims : [{ size: 1, st: strides.map(() => 1) }];
}

/** The merged dims of operands of `shapes` broadcast to `out`. */
export function broadcastDims(out: readonly number[], shapes: (readonly number[])[]): Dim[] {
  return mergeDims(out, shapes.map((s) => alignedStrides(s, out)));
}

/**
 * Calls fn(offsets, flatIndex) for every index of dims (row-major); offsets[k] (k < operands) is operand k's
 * element offset. `offsets` is reused between calls: read it, do not keep it.
 */
export function forEachIndex(dims: Dim[], operands: number, fn: (offsets: readonly number[], i: number) => void): void {
  const total = dims.reduce((p, d) => p * d.size, 1);
  const k = operands;
  const idx = new Array<number>(dims.length).fill(0);
  const off = new Array<number>(k).fill(0);
  for (let i = 0; i < total; i++) {
    fn(off, i);
    for (let d = dims.length - 1; d >= 0; d--) {
      idx[d]++;
      const st = dims[d].st;
      for (let j = 0; j < k; j++) off[j] += st[j];
      if (idx[d] < dims[d].size) break;
      for (let j = 0; j < k; j++) off[j] -= st[j] * dims[d].size;
      idx[d] = 0;
    }
  }
}

/** The integer dtypes (typed-array path) and their promotion: int64 wins over int32 over uint8. */
export const INT_DTYPES: readonly DType[] = ['uint8', 'int32', 'int64'];

/** torch.result_type for two tensor dtypes (float32 > int64 > int32 > uint8 > bool). */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  const rank: Record<string, number> = { bool: 0, uint8: 1, int32: 2, int64: 3, float32: 4 };
  return (rank[a] ?? 4) >= (rank[b] ?? 4) ? a : b;
}

export type Scalar = number | bigint;

/**
 * Read-only row-major views of the elements of `ts` (any dtype; non-contiguous views read through
 * the contiguous copy `ptr` makes). All addresses are taken first, then the views are made, so
 * no allocation happens between them; like data(), use them at once.
 */
export function elementViews(...ts: Tensor[]): ArrayLike<Scalar>[] {
  const ptrs = ts.map((t) => t.ptr);
  return ts.map((t, k) => {
    const a = t.engine.arena;
    switch (t.dtype) {
      case 'float32':
        return a.f32(ptrs[k], t.numel);
      case 'int32':
        return a.i32(ptrs[k], t.numel);
      case 'int64':
        return a.i64(ptrs[k], t.numel);
      default:
        return a.u8(ptrs[k], t.numel);
    }
  });
}

/**
 * The typed-array path: y[idx] = fn(x0[idx], x1[idx], ...) with broadcasting, for any dtypes.
 * Values are read as numbers (bigint for int64) and written to y's dtype (bigint for int64,
 * numbers otherwise: float32 rounds, int32/uint8 wrap, bool stores 0/1). Used for integer and
 * bool tensors (shape arithmetic, masks) and float ops without a SIMD kernel (pow, fmod).
 */
export function mapElements(
  op: string, e: Engine, inputs: Tensor[], outDtype: DType, fn: (...v: Scalar[]) => Scalar | boolean,
): Tensor {
  const shape = broadcastShapes(op, ...inputs.map((t) => t.shape));
  const y = Tensor.empty(shape, outDtype, e);
  if (y.numel === 0) return y;
  const dims = broadcastDims(shape, inputs.map((t) => t.shape));
  const xs = elementViews(...inputs); // views taken after the allocation
  const ys = y.data() as unknown as Scalar[];
  const big = outDtype === 'int64';
  const vals = new Array<Scalar>(inputs.length);
  forEachIndex(dims, xs.length, (off, i) => {
    for (let k = 0; k < xs.length; k++) vals[k] = xs[k][off[k]];
    const v = fn(...vals);
    ys[i] = big ? (typeof v === 'bigint' ? v : BigInt(Number(v))) : typeof v === 'boolean' ? (v ? 1 : 0) : Number(v);
  });
  return y;
}
