/**
 * Small helpers between decoded constants, tensors and JS numbers, for the runtime and the ops:
 * a TensorProto's bytes into a new tensor, and int64/int32 tensors (shape logic) as number lists.
 */
import { Tensor, type DType } from '../tensor.js';
import type { Engine } from '../runtime/engine.js';
import type { OnnxNode, OnnxTensorData } from './node.js';

/** A new tensor holding a decoded constant (one copy: file bytes -> wasm memory). */
export function tensorFromData(d: OnnxTensorData, engine: Engine): Tensor {
  const t = Tensor.empty(d.dims, d.dtype, engine);
  if (d.bytes.byteLength) t.bytes().set(d.bytes);
  return t;
}

/** The values of a tensor of any dtype as JS numbers (int64 beyond 2^53 lose precision). */
export function numbers(t: Tensor): number[] {
  const d = t.toTypedArray();
  const out = new Array<number>(d.length);
  for (let i = 0; i < d.length; i++) out[i] = Number(d[i]);
  return out;
}

/** The integer values of an int64/int32 input (axes, shapes, pads), or a node error naming it. */
export function intsOf(node: OnnxNode, t: Tensor, what: string): number[] {
  if (t.dtype !== 'int64' && t.dtype !== 'int32') throw node.error(`${what} must be int64 (or int32), got ${t.dtype}`);
  return numbers(t);
}

/** A new tensor of `dtype` from JS numbers. */
export function tensorOf(values: readonly number[], shape: readonly number[], dtype: DType, engine: Engine): Tensor {
  const t = Tensor.empty(shape, dtype, engine);
  const d = t.data();
  if (d instanceof BigInt64Array) for (let i = 0; i < values.length; i++) d[i] = BigInt(Math.trunc(values[i]));
  else (d as Float32Array).set(values);
  return t;
}

/** Normalizes an axis in [-rank, rank) to [0, rank), or a node error. */
export function axisOf(node: OnnxNode, axis: number, rank: number, what = 'axis'): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= rank) throw node.error(`${what} ${axis} is out of range for rank ${rank} (expected [${-rank}, ${rank - 1}])`);
  return axis < 0 ? axis + rank : axis;
}
