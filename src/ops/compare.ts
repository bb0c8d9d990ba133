/**
 * Comparisons, logical ops, where and masked_fill, with full broadcasting, on the typed-array path
 * of ops/broadcast.ts (outputs are bool, or select between two tensors; masks and shape logic).
 * Any dtypes compare by value (an int64 with a float32 compares exactly: JavaScript compares a
 * bigint with a number mathematically). NaN compares unequal to everything (ne is true).
 */
import { Tensor, type DType } from '../tensor.js';
import { ShapeError, fmtShape } from '../runtime/errors.js';
import { expectTensor, sameEngine } from './check.js';
import { broadcastShapes, mapElements, promoteTypes, type Scalar } from './broadcast.js';
import { asDType } from './cast.js';
import { scalarTensor } from './binary.js';

const ANY: DType[] = ['float32', 'int32', 'int64', 'uint8', 'bool'];

export type CompareOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

/* eslint-disable eqeqeq -- loose (in)equality compares a bigint with a number by value */
const COMPARE: Record<CompareOp, (p: Scalar, q: Scalar) => boolean> = {
  eq: (p, q) => p == q,
  ne: (p, q) => p != q,
  lt: (p, q) => p < q,
  le: (p, q) => p <= q,
  gt: (p, q) => p > q,
  ge: (p, q) => p >= q,
};
/* eslint-enable eqeqeq */

const truthy = (v: Scalar): boolean => v !== 0 && v !== 0n;

/** Runs fn over the broadcast operands (numbers become 0-d tensors) into a `dtype` tensor. */
function elementwise(op: string, operands: (Tensor | number)[], like: Tensor, dtype: DType, fn: (...v: Scalar[]) => Scalar | boolean): Tensor {
  const owned: Tensor[] = [];
  try {
    const ts = operands.map((o) => {
      if (typeof o !== 'number') return o;
      const t = scalarTensor(o, like);
      owned.push(t);
      return t;
    });
    const e = sameEngine(op, ...ts);
    return mapElements(op, e, ts, dtype, fn);
  } finally {
    for (const t of owned) t.dispose();
  }
}

function compare(op: CompareOp, input: Tensor, other: Tensor | number): Tensor {
  expectTensor(op, 'input', input, ANY);
  if (typeof other !== 'number') expectTensor(op, 'other', other, ANY);
  return elementwise(op, [input, other], input, 'bool', COMPARE[op]);
}

/** torch.eq: input == other -> bool, broadcasting. */
export function eq(input: Tensor, other: Tensor | number): Tensor {
  return compare('eq', input, other);
}
/** torch.ne: input != other -> bool (true where either is NaN). */
export function ne(input: Tensor, other: Tensor | number): Tensor {
  return compare('ne', input, other);
}
/** torch.lt: input < other -> bool. */
export function lt(input: Tensor, other: Tensor | number): Tensor {
  return compare('lt', input, other);
}
/** torch.le: input <= other -> bool. */
export function le(input: Tensor, other: Tensor | number): Tensor {
  return compare('le', input, other);
}
/** torch.gt: input > other -> bool. */
export function gt(input: Tensor, other: Tensor | number): Tensor {
  return compare('gt', input, other);
}
/** torch.ge: input >= other -> bool. */
export function ge(input: Tensor, other: Tensor | number): Tensor {
  return compare('ge', input, other);
}

type LogicalOp = 'logical_and' | 'logical_or' | 'logical_xor';
const LOGICAL: Record<LogicalOp, (p: Scalar, q: Scalar) => boolean> = {
  logical_and: (p, q) => truthy(p) && truthy(q),
  logical_or: (p, q) => truthy(p) || truthy(q),
  logical_xor: (p, q) => truthy(p) !== truthy(q),
};

function logical(op: LogicalOp, input: Tensor, other: Tensor): Tensor {
  expectTensor(op, 'input', input, ANY);
  expectTensor(op, 'other', other, ANY);
  return elementwise(op, [input, other], input, 'bool', LOGICAL[op]);
}

/** torch.logical_and (nonzero is true) -> bool. */
export function logicalAnd(input: Tensor, other: Tensor): Tensor {
  return logical('logical_and', input, other);
}
/** torch.logical_or -> bool. */
export function logicalOr(input: Tensor, other: Tensor): Tensor {
  return logical('logical_or', input, other);
}
/** torch.logical_xor -> bool. */
export function logicalXor(input: Tensor, other: Tensor): Tensor {
  return logical('logical_xor', input, other);
}
/** torch.logical_not -> bool. */
export function logicalNot(input: Tensor): Tensor {
  expectTensor('logical_not', 'input', input, ANY);
  return elementwise('logical_not', [input], input, 'bool', (v) => !truthy(v));
}

/** torch.isnan -> bool. */
export function isnan(input: Tensor): Tensor {
  expectTensor('isnan', 'input', input, ANY);
  return elementwise('isnan', [input], input, 'bool', (v) => typeof v === 'number' && Number.isNaN(v));
}

export interface IsinfOptions {
  /** ONNX IsInf detect_positive / detect_negative (both true: torch.isinf). */
  detectPositive?: boolean;
  detectNegative?: boolean;
}

/** torch.isinf (and torch.isposinf / isneginf through the options) -> bool. */
export function isinf(input: Tensor, options: IsinfOptions = {}): Tensor {
  expectTensor('isinf', 'input', input, ANY);
  const pos = options.detectPositive ?? true;
  const neg = options.detectNegative ?? true;
  return elementwise('isinf', [input], input, 'bool', (v) => (pos && v === Infinity) || (neg && v === -Infinity));
}

/**
 * torch.where(condition, input, other): input where condition (nonzero) else other, the three
 * broadcast together; input/other may be numbers; the dtype is their promotion.
 */
export function where(condition: Tensor, input: Tensor | number, other: Tensor | number): Tensor {
  expectTensor('where', 'condition', condition, ANY);
  if (typeof input !== 'number') expectTensor('where', 'input', input, ANY);
  if (typeof other !== 'number') expectTensor('where', 'other', other, ANY);
  const ref = typeof input !== 'number' ? input : typeof other !== 'number' ? other : null;
  const dtypeOf = (v: Tensor | number): DType => (typeof v !== 'number' ? v.dtype : ref && ref.dtype !== 'float32' && Number.isInteger(v) ? ref.dtype : 'float32');
  const dtype = promoteTypes(dtypeOf(input), dtypeOf(other));
  const owned: Tensor[] = [];
  const operand = (v: Tensor | number): Tensor => {
    const t = typeof v === 'number' ? Tensor.from([v], [], dtype === 'bool' ? 'float32' : dtype, condition.engine) : v;
    if (t !== v) owned.push(t);
    const c = asDType(t, dtype);
    if (c.owned) owned.push(c.t);
    return c.t;
  };
  try {
    const a = operand(input);
    const b = operand(other);
    const e = sameEngine('where', condition, a, b);
    return mapElements('where', e, [condition, a, b], dtype, (c, p, q) => (truthy(c) ? p : q));
  } finally {
    for (const t of owned) t.dispose();
  }
}

/** torch.Tensor.masked_fill(mask, value): input with value where mask is true; mask broadcasts to input's shape. */
export function maskedFill(input: Tensor, mask: Tensor, value: number): Tensor {
  expectTensor('masked_fill', 'input', input, ANY);
  expectTensor('masked_fill', 'mask', mask, ['bool', 'uint8']);
  const shape = broadcastShapes('masked_fill', input.shape, mask.shape);
  if (shape.length !== input.ndim || shape.some((d, i) => d !== input.shape[i])) {
    throw new ShapeError(`masked_fill: mask of shape ${fmtShape(mask.shape)} must broadcast to the input's shape ${fmtShape(input.shape)}, it gives ${fmtShape(shape)}`);
  }
  const fill = Tensor.from([value], [], input.dtype === 'bool' ? 'float32' : input.dtype, input.engine);
  try {
    const c = asDType(fill, input.dtype);
    try {
      return mapElements('masked_fill', input.engine, [mask, c.t, input], input.dtype, (m, v, x) => (truthy(m) ? v : x));
    } finally {
      if (c.owned) c.t.dispose();
    }
  } finally {
    fill.dispose();
  }
}
