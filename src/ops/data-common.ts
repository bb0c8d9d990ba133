/**
 * Helpers shared by the data-movement operators (cat, pad, gather, scatter, ...): dtype lists,
 * argument checks, the strided copy between tensor views, and element-width word views for the
 * index-driven (JS) paths that move raw element bits of any dtype.
 */
import { DTYPE_BYTES, Tensor, type DType } from '../tensor.js';
import { ArgumentError, DTypeError, fmtShape } from '../runtime/errors.js';
import type { Engine } from '../runtime/engine.js';
import { copyStrided } from './copy.js';
import { expectTensor } from './check.js';

export const ALL_DTYPES: DType[] = ['float32', 'int32', 'int64', 'bool', 'uint8'];
export const INDEX_DTYPES: DType[] = ['int64', 'int32'];

/** A live tensor of any dtype. */
export function expectAny(op: string, name: string, t: unknown): Tensor {
  return expectTensor(op, name, t, ALL_DTYPES);
}

/** Copies the elements of view `src` into view `dst` (same shape and dtype), strides of both honoured. */
export function copyInto(dst: Tensor, src: Tensor): void {
  copyStrided(dst.engine, DTYPE_BYTES[dst.dtype], src.shape, src.rawPtr, src.strides, dst.rawPtr, dst.strides);
}

/** An element view where each element is `w` words of `arr` (raw bits: no float canonicalization). */
export interface Words {
  arr: Uint8Array | Uint16Array | Uint32Array;
  w: number;
}

/** Word view of n elements of `dtype` at ptr (a fresh view: do not keep across allocations). */
export function wordsAt(e: Engine, ptr: number, n: number, dtype: DType): Words {
  const buf = e.memory.buffer;
  switch (DTYPE_BYTES[dtype]) {
    case 1:
      return { arr: new Uint8Array(buf, ptr, n), w: 1 };
    case 2:
      return { arr: new Uint16Array(buf, ptr, n), w: 1 };
    case 4:
      return { arr: new Uint32Array(buf, ptr, n), w: 1 };
    default:
      return { arr: new Uint32Array(buf, ptr, 2 * n), w: 2 };
  }
}

/** dst element i = src element j. */
export function moveWord(dst: Words, i: number, src: Words, j: number): void {
  if (dst.w === 1) dst.arr[i] = src.arr[j];
  else {
    dst.arr[2 * i] = src.arr[2 * j];
    dst.arr[2 * i + 1] = src.arr[2 * j + 1];
  }
}

/** The values of an int64/int32 index tensor as numbers (a copy). */
export function indexValues(op: string, name: string, t: Tensor): number[] {
  expectTensor(op, name, t, INDEX_DTYPES);
  const v = t.toTypedArray();
  return Array.from(v as ArrayLike<number | bigint>, (x) => Number(x));
}

/** An index in [-n, n) made non-negative; a typed error naming the argument and position otherwise. */
export function wrapIndex(op: string, name: string, v: number, n: number, pos: number): number {
  if (!(v >= -n && v < n)) throw new ArgumentError(`${op}: ${name}[${pos}] = ${v} is out of range for a dim of size ${n}, expected [${-n}, ${n - 1}]`);
  return v < 0 ? v + n : v;
}

/** All tensors share dtype and engine with the first. */
export function expectSameDType(op: string, named: [string, Tensor][]): void {
  const [n0, t0] = named[0];
  for (const [n, t] of named) {
    if (t.dtype !== t0.dtype) throw new DTypeError(`${op}: ${n} has dtype ${t.dtype} (shape ${fmtShape(t.shape)}), expected the dtype ${t0.dtype} of ${n0}`);
    if (t.engine !== t0.engine) throw new ArgumentError(`${op}: ${n} lives in another engine than ${n0}`);
  }
}

/** Frees `t` when `f` throws (no leak on error), else returns f's result. */
export function guard<R>(t: Tensor, f: () => R): R {
  try {
    return f();
  } catch (err) {
    t.dispose();
    throw err;
  }
}

/** The view of `t` taking `count` elements of dim `d` from `first` in steps of `step` (0 repeats one; negative walks back). The caller keeps it in range. */
export function stepView(t: Tensor, d: number, first: number, count: number, step: number): Tensor {
  const shape = t.shape.slice();
  const strides = t.strides.slice();
  shape[d] = count;
  strides[d] = t.strides[d] * step;
  return t.viewAs(shape, strides, count > 0 ? t.offset + first * t.strides[d] : t.offset);
}

/** Fills a contiguous tensor with `value` in its dtype (int64 as BigInt, bool/uint8 truncated). */
export function fillValue(t: Tensor, value: number): void {
  const v = t.data();
  if (v instanceof BigInt64Array) v.fill(BigInt(Math.trunc(value)));
  else (v as Float32Array).fill(t.dtype === 'bool' ? (value ? 1 : 0) : value);
}
