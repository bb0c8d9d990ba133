/**
 * Tensor factories: torch.arange, torch.eye, torch.nn.functional.one_hot. ONNX Range, EyeLike and
 * OneHot run these.
 */
import { Tensor, type DType } from '../tensor.js';
import { getEngine, type Engine } from '../runtime/engine.js';
import { ArgumentError, DTypeError, ShapeError, fmtShape } from '../runtime/errors.js';
import { ALL_DTYPES, guard, indexValues } from './data-common.js';

export interface FactoryOptions {
  dtype?: DType;
  engine?: Engine;
}

function dtypeOf(op: string, d: DType | undefined, fallback: DType): DType {
  const dt = d ?? fallback;
  if (!ALL_DTYPES.includes(dt)) throw new DTypeError(`${op}: dtype must be one of ${ALL_DTYPES.join(', ')}, got ${JSON.stringify(dt)}`);
  return dt;
}

/** Writes `value(i)` for every element of a new contiguous tensor (int64 as BigInt, truncated). */
function fillWith(t: Tensor, value: (i: number) => number): Tensor {
  return guard(t, () => {
    if (t.numel === 0) return t;
    const v = t.data();
    if (v instanceof BigInt64Array) for (let i = 0; i < v.length; i++) v[i] = BigInt(Math.trunc(value(i)));
    else for (let i = 0; i < v.length; i++) v[i] = value(i);
    return t;
  });
}

/**
 * torch.arange(end) / arange(start, end, step = 1): start, start + step, ... while before end.
 * dtype: int64 when all three are integers, else float32 (torch's default), or options.dtype.
 * When step points away from end the result is empty (torch raises; ONNX Range returns empty).
 */
export function arange(start: number, end?: number, step = 1, options: FactoryOptions = {}): Tensor {
  let s = start;
  let e = end;
  if (e === undefined) {
    e = s;
    s = 0;
  }
  for (const [n, v] of [['start', s], ['end', e], ['step', step]] as const) {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw new ArgumentError(`arange: ${n} must be a finite number, got ${String(v)}`);
  }
  if (step === 0) throw new ArgumentError('arange: step must be non-zero, got 0');
  const dt = dtypeOf('arange', options.dtype, [s, e, step].every(Number.isInteger) ? 'int64' : 'float32');
  const n = Math.max(0, Math.ceil((e - s) / step));
  const s0 = s;
  return fillWith(Tensor.empty([n], dt, options.engine ?? getEngine()), (i) => s0 + i * step);
}

export interface EyeOptions extends FactoryOptions {
  /** Diagonal offset (ONNX EyeLike's k; torch.eye has only the main diagonal): ones at j = i + k. */
  k?: number;
}

/** torch.eye(n, m = n): ones on the diagonal (options.k shifts it), zeros elsewhere; float32 unless options.dtype. */
export function eye(n: number, m?: number, options: EyeOptions = {}): Tensor {
  const cols = m ?? n;
  for (const [nm, v] of [['n', n], ['m', cols]] as const) {
    if (!Number.isInteger(v) || v < 0) throw new ArgumentError(`eye: ${nm} must be an integer >= 0, got ${String(v)}`);
  }
  const k = options.k ?? 0;
  if (!Number.isInteger(k)) throw new ArgumentError(`eye: k must be an integer, got ${String(k)}`);
  const dt = dtypeOf('eye', options.dtype, 'float32');
  return fillWith(Tensor.empty([n, cols], dt, options.engine ?? getEngine()), (f) => ((f % cols) - Math.floor(f / cols) === k ? 1 : 0));
}

export interface OneHotOptions {
  /** Where the class dim goes (default -1: last), ONNX OneHot's axis. */
  axis?: number;
  /** [off, on] values (default [0, 1]). */
  values?: [number, number];
  /** Output dtype (default int64, as torch). */
  dtype?: DType;
  /** Indices outside [-numClasses, numClasses) give an all-off row (ONNX) instead of an error (torch). */
  ignoreOutOfRange?: boolean;
}

/**
 * torch.nn.functional.one_hot(tensor, numClasses = -1): int64 indices to one-hot vectors along a
 * new last dim of numClasses (-1: max index + 1). Negative indices count from the end (ONNX).
 */
export function oneHot(tensor: Tensor, numClasses = -1, options: OneHotOptions = {}): Tensor {
  const idx = indexValues('one_hot', 'tensor', tensor);
  const depth = numClasses === -1 ? (idx.length ? Math.max(...idx) + 1 : 0) : numClasses;
  if (!Number.isInteger(depth) || depth < 0) throw new ArgumentError(`one_hot: numClasses must be an integer >= 0 or -1, got ${String(numClasses)}`);
  const r = tensor.ndim;
  const axis = options.axis ?? -1;
  if (!Number.isInteger(axis) || axis < -r - 1 || axis > r) throw new ArgumentError(`one_hot: axis must be an integer in [${-r - 1}, ${r}], got ${String(axis)}`);
  const a = axis < 0 ? axis + r + 1 : axis;
  const [off, on] = options.values ?? [0, 1];
  const shape = [...tensor.shape.slice(0, a), depth, ...tensor.shape.slice(a)];
  const inner = tensor.shape.slice(a).reduce((p, q) => p * q, 1);
  idx.forEach((v, i) => {
    if (!(v >= -depth && v < depth) && !options.ignoreOutOfRange) throw new ArgumentError(`one_hot: tensor[${i}] = ${v} is out of range for numClasses ${depth}, expected [${-depth}, ${depth - 1}]`);
  });
  if (shape.some((n) => n < 0)) throw new ShapeError(`one_hot: invalid output shape ${fmtShape(shape)}`);
  return fillWith(Tensor.empty(shape, dtypeOf('one_hot', options.dtype, 'int64'), tensor.engine), (f) => {
    const o = Math.floor(f / (depth * inner));
    const c = Math.floor(f / inner) % depth;
    const v = idx[o * inner + (f % inner)];
    return (v < 0 ? v + depth : v) === c ? on : off;
  });
}
