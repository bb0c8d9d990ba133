/**
 * matmul with torch.matmul semantics, for unpacked operands:
 * - 1-D x 1-D: dot product, a 0-d tensor;
 * - a 1-D first operand gets a 1 prepended (removed again), a 1-D second operand a 1 appended;
 * - dimensions before the last two are batch dimensions and broadcast.
 * Fast paths, one GEMM call each: an unbatched second operand (A's batch folds into M, B is packed
 * once) and a 1-D second operand (A is packed as the weights and b runs through the GEMV path).
 * Otherwise one GEMM per output batch, packing each distinct B matrix once.
 */
import { Tensor, numelOf } from '../tensor.js';
import { ShapeError, fmtShape } from '../runtime/errors.js';
import { expectTensor, sameEngine } from './check.js';
import { PackedWeights, gemm } from './gemm.js';
import { owning } from './own.js';

/** Broadcast of two batch shapes (numpy rules), or a ShapeError naming both operands. */
function broadcastBatch(a: readonly number[], b: readonly number[], sa: readonly number[], sb: readonly number[]): number[] {
  const n = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(`matmul: batch dimensions of input ${fmtShape(sa)} and other ${fmtShape(sb)} do not broadcast`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Element offset (in matrices) of batch `idx` of `out` in an operand of batch shape `shape`. */
function batchOffsets(out: readonly number[], shape: readonly number[]): number[] {
  const total = numelOf(out);
  const offs = new Array<number>(total);
  const lead = out.length - shape.length;
  const strides: number[] = new Array(out.length).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[lead + i] = shape[i] === 1 ? 0 : s;
    s *= shape[i];
  }
  for (let idx = 0; idx < total; idx++) {
    let r = idx;
    let off = 0;
    for (let d = out.length - 1; d >= 0; d--) {
      off += (r % out[d]) * strides[d];
      r = Math.floor(r / out[d]);
    }
    offs[idx] = off;
  }
  return offs;
}

export function matmul(input: Tensor, other: Tensor): Tensor {
  const op = 'matmul';
  expectTensor(op, 'input', input);
  expectTensor(op, 'other', other);
  const e = sameEngine(op, input, other);
  if (input.ndim === 0 || other.ndim === 0) {
    throw new ShapeError(`matmul: both arguments need at least 1 dimension, got input ${fmtShape(input.shape)} and other ${fmtShape(other.shape)}`);
  }
  const a2 = input.ndim === 1 ? [1, input.shape[0]] : input.shape;
  const b2 = other.ndim === 1 ? [other.shape[0], 1] : other.shape;
  const m = a2[a2.length - 2];
  const k = a2[a2.length - 1];
  const n = b2[b2.length - 1];
  if (b2[b2.length - 2] !== k) {
    throw new ShapeError(`matmul: input ${fmtShape(input.shape)} and other ${fmtShape(other.shape)} cannot be multiplied (${k} != ${b2[b2.length - 2]})`);
  }
  const batchA = a2.slice(0, -2);
  const batchB = b2.slice(0, -2);
  const batch = broadcastBatch(batchA, batchB, input.shape, other.shape);
  const full = [...batch, m, n];
  const shape = full.filter((_, i) => !(input.ndim === 1 && i === full.length - 2) && !(other.ndim === 1 && i === full.length - 1));
  if (numelOf(full) === 0 || k === 0) return Tensor.zeros(shape, 'float32', e);
  // Packing and the GEMM workspace are allocated after the output: a failure there frees it.
  return owning((own) => {
    const y = own(Tensor.empty(shape, 'float32', e));
    if (other.ndim === 1) {
      // A (all batches) is the weight matrix [rows, k]; b is the single row of the GEMV.
      const rows = numelOf(batchA) * m;
      const w = PackedWeights.fromOutIn(e, rows, k, input.ptr);
      try {
        gemm(e, { m: 1, a: other.ptr, c: y.ptr }, w);
      } finally {
        w.dispose();
      }
      return y;
    }
    if (batchB.length === 0 || numelOf(batchB) === 1) {
      // One B for every batch of A: fold A's batch into M (A is contiguous), one call.
      const w = PackedWeights.fromKN(e, k, n, other.ptr);
      try {
        if (numelOf(batchA) === numelOf(batch)) gemm(e, { m: numelOf(batchA) * m, a: input.ptr, c: y.ptr }, w);
        else for (let i = 0; i < numelOf(batch); i++) gemm(e, { m, a: input.ptr, c: y.ptr + i * m * n * 4 }, w);
      } finally {
        w.dispose();
      }
      return y;
    }
    const offA = batchOffsets(batch, batchA);
    const offB = batchOffsets(batch, batchB);
    const packs = new Map<number, PackedWeights>();
    try {
      for (let i = 0; i < offA.length; i++) {
        let w = packs.get(offB[i]);
        if (!w) {
          w = PackedWeights.fromKN(e, k, n, other.ptr + offB[i] * k * n * 4);
          packs.set(offB[i], w);
        }
        gemm(e, { m, a: input.ptr + offA[i] * m * k * 4, c: y.ptr + i * m * n * 4 }, w);
      }
    } finally {
      for (const w of packs.values()) w.dispose();
    }
    return y;
  });
}
