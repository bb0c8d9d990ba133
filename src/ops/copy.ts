/**
 * The strided copy every data-movement operator runs on: `dst[i . dstStrides] = src[i . srcStrides]`
 * over an n-d index space, elements of 1, 2, 4 or 8 bytes copied as raw bits through the
 * xN_copy_nd6 kernels (assembly/xn-copy). Dims of size 1 are dropped and neighbours that are
 * contiguous in both source and destination are merged first, so most copies reach the kernel as
 * one to three dims with a dense inner row; more than 6 remaining dims loop here over the leading
 * ones. Strides are in elements and may be 0 (broadcast) or negative (reversed).
 *
 * This module knows nothing of Tensor (tensor.ts builds on it), only of byte addresses.
 */
import type { Engine } from '../runtime/engine.js';
import { ArgumentError } from '../runtime/errors.js';

const MAX_DIMS = 6;

/** Drops size-1 dims and merges dims that are contiguous in both layouts (outer = inner * size). */
export function collapseDims(shape: readonly number[], a: readonly number[], b: readonly number[]): { shape: number[]; a: number[]; b: number[] } {
  const s: number[] = [];
  const sa: number[] = [];
  const sb: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (shape[i] === 1) continue;
    const k = s.length - 1;
    if (k >= 0 && sa[k] === a[i] * shape[i] && sb[k] === b[i] * shape[i]) {
      s[k] *= shape[i];
      sa[k] = a[i];
      sb[k] = b[i];
    } else {
      s.push(shape[i]);
      sa.push(a[i]);
      sb.push(b[i]);
    }
  }
  return { shape: s, a: sa, b: sb };
}

/**
 * Copies `shape` elements of `elemBytes` bytes from `src` (byte address of element 0, strides
 * `srcStrides`) to `dst` (strides `dstStrides`). Source and destination must not overlap.
 */
export function copyStrided(
  e: Engine, elemBytes: number, shape: readonly number[],
  src: number, srcStrides: readonly number[], dst: number, dstStrides: readonly number[],
): void {
  for (const d of shape) if (d === 0) return;
  const c = collapseDims(shape, srcStrides, dstStrides);
  const kern = kernelFor(e, elemBytes);
  // the kernel's 18 x i32 params block: allocated and freed around the call (no net allocation)
  const p = e.arena.alloc(3 * MAX_DIMS * 4);
  const run = (lead: number, sp: number, dp: number): void => {
    if (lead > 0) {
      const i = c.shape.length - lead - MAX_DIMS;
      for (let j = 0; j < c.shape[i]; j++) run(lead - 1, sp + j * c.a[i] * elemBytes, dp + j * c.b[i] * elemBytes);
      return;
    }
    const n = Math.min(c.shape.length, MAX_DIMS);
    const off = c.shape.length - n;
    const v = e.arena.i32(p, 3 * MAX_DIMS);
    v.fill(1, 0, MAX_DIMS);
    v.fill(0, MAX_DIMS);
    for (let k = 0; k < n; k++) {
      const slot = MAX_DIMS - n + k;
      v[slot] = c.shape[off + k];
      v[MAX_DIMS + slot] = c.a[off + k];
      v[2 * MAX_DIMS + slot] = c.b[off + k];
    }
    kern(p, sp, dp);
  };
  try {
    run(Math.max(0, c.shape.length - MAX_DIMS), src, dst);
  } finally {
    e.arena.free(p);
  }
}

function kernelFor(e: Engine, elemBytes: number): (params: number, src: number, dst: number) => void {
  switch (elemBytes) {
    case 1:
      return e.k.x8_copy_nd6__wasmsimd;
    case 2:
      return e.k.x16_copy_nd6__wasmsimd;
    case 4:
      return e.k.x32_copy_nd6__wasmsimd;
    case 8:
      return e.k.x64_copy_nd6__wasmsimd;
    default:
      throw new ArgumentError(`copyStrided: element size must be 1, 2, 4 or 8 bytes, got ${elemBytes}`);
  }
}

/** Row-major (contiguous) strides of `shape`, in elements. */
export function contiguousStrides(shape: readonly number[]): number[] {
  const st = new Array<number>(shape.length);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    st[i] = acc;
    acc *= Math.max(shape[i], 1);
  }
  return st;
}
