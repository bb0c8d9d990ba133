/**
 * Argument checks shared by every operator: each failure is a typed error naming the argument,
 * what it got and what was expected.
 */
import { Tensor, type DType } from '../tensor.js';
import { ArgumentError, DTypeError, ShapeError, fmtShape } from '../runtime/errors.js';
import type { Engine } from '../runtime/engine.js';

/** Checks that `t` is a live tensor of `dtype`; returns it. */
export function expectTensor(op: string, name: string, t: unknown, dtype: DType | DType[] = 'float32'): Tensor {
  if (!(t instanceof Tensor)) {
    throw new ArgumentError(`${op}: ${name} must be a Tensor, got ${t === null ? 'null' : typeof t}`);
  }
  const ok = Array.isArray(dtype) ? dtype.includes(t.dtype) : t.dtype === dtype;
  if (!ok) {
    throw new DTypeError(`${op}: ${name} must have dtype ${Array.isArray(dtype) ? dtype.join(' or ') : dtype}, got ${t.dtype} (shape ${fmtShape(t.shape)})`);
  }
  t.ptr; // throws DisposedError if disposed
  return t;
}

/** Checks the rank of `t` is one of `ranks`. */
export function expectRank(op: string, name: string, t: Tensor, ranks: number[]): void {
  if (!ranks.includes(t.ndim)) {
    throw new ShapeError(`${op}: ${name} must have ${ranks.join(' or ')} dims, got shape ${fmtShape(t.shape)}`);
  }
}

/** Checks that t's shape equals `shape` (-1 matches any size). */
export function expectShape(op: string, name: string, t: Tensor, shape: readonly number[]): void {
  const ok = t.ndim === shape.length && shape.every((d, i) => d === -1 || d === t.shape[i]);
  if (!ok) {
    throw new ShapeError(`${op}: ${name} has shape ${fmtShape(t.shape)}, expected ${fmtShape(shape.map((d) => (d === -1 ? NaN : d))).replace(/NaN/g, '*')}`);
  }
}

/** All tensors must live in the same engine; returns it. */
export function sameEngine(op: string, ...ts: Tensor[]): Engine {
  const e = ts[0].engine;
  for (const t of ts) {
    if (t.engine !== e) throw new ArgumentError(`${op}: tensors come from different engines`);
  }
  return e;
}

export function expectInt(op: string, name: string, v: unknown, min = 0): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new ArgumentError(`${op}: ${name} must be an integer >= ${min}, got ${String(v)}`);
  }
  return v;
}

export function expectNumber(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || Number.isNaN(v)) throw new ArgumentError(`${op}: ${name} must be a number, got ${String(v)}`);
  return v;
}

/** Checks that every given tensor (null/undefined skipped) lives in `engine`, naming the first that does not. */
export function expectEngine(op: string, engine: Engine, named: Record<string, Tensor | null | undefined>): void {
  for (const [name, t] of Object.entries(named)) {
    if (t && t.engine !== engine) {
      throw new ArgumentError(`${op}: ${name} (shape ${fmtShape(t.shape)}) lives in another engine than the other tensors and weights of this call, expected one engine for all (create it with that engine)`);
    }
  }
}

/** Checks a caller-supplied output: a live, contiguous float32 tensor of `shape` in `engine` (the kernel writes through its pointer). */
export function expectOut(op: string, out: unknown, shape: readonly number[], engine: Engine): Tensor {
  const t = expectTensor(op, 'out', out);
  expectShape(op, 'out', t, shape);
  expectEngine(op, engine, { out: t });
  if (!t.isContiguous()) {
    throw new ArgumentError(`${op}: out must be a contiguous tensor (the kernel writes dense rows), got a view of shape ${fmtShape(t.shape)} with strides ${fmtShape(t.strides)}: write into a contiguous tensor and copy`);
  }
  return t;
}
