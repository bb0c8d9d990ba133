/**
 * ONNX elementwise ops: arithmetic (Add Sub Mul Div Pow Mod, variadic Max Min Sum Mean, all
 * multidirectional broadcasting), unary math and activations, comparisons and logic (results
 * bool), Where, IsInf/IsNaN, Cast/CastLike. Each maps onto the src/ops function the torch front
 * end calls (ops/binary.ts, unary.ts, compare.ts, cast.ts): one implementation, two front ends.
 * Opset differences: Clip's bounds are attributes before opset 11 and optional inputs from 11;
 * Gelu (opset 20) has the `approximate` attribute; integer Div truncates (ONNX's C semantics);
 * Pow's result has the base's dtype; Mod is Python's % unless fmod = 1.
 */
import type { Tensor, DType } from '../../tensor.js';
import type { Dim, OnnxNode, OpContext, OpDef, OpTable, ValueType } from '../node.js';
import { broadcastDims, sameAs } from '../infer.js';
import * as B from '../../ops/binary.js';
import * as C from '../../ops/compare.js';
import * as U from '../../ops/unary.js';
import { cast } from '../../ops/cast.js';
import { mapElements, type Scalar } from '../../ops/broadcast.js';
import { f16ToF32Bits, f32BitsToBf16, f32BitsToF16 } from '../../io/half.js';

/** The input `what` (index i), an error when absent. */
export function input(node: OnnxNode, inputs: (Tensor | null)[], i: number, what: string): Tensor {
  const t = inputs[i];
  if (!t) throw node.error(`input ${i} (${what}) is required`);
  return t;
}

/** The first element of a scalar (or 1-element) tensor as a number. */
function scalarOf(node: OnnxNode, t: Tensor, what: string): number {
  if (t.numel !== 1) throw node.error(`${what} must hold one value, got shape [${t.shape.join(', ')}]`);
  return Number(t.toTypedArray()[0]);
}

/**
 * Output type of a broadcasting op: the broadcast of the input shapes (infer.ts broadcastDims),
 * unknown when any input's type or shape is unknown (an op without infer before it); the dtype is
 * `dtype`, or that of input `like` (default the first).
 */
function broadcastType(types: (ValueType | null)[], dtype?: DType, like = 0): ValueType {
  const dt = dtype ?? types[like]?.dtype ?? types.find((t) => t)?.dtype ?? 'float32';
  if (types.some((t) => !t || !t.shape)) return { dtype: dt, shape: null };
  const shape = (types as ValueType[]).reduce<Dim[]>((acc, t) => broadcastDims(acc, t.shape!), []);
  return { dtype: dt, shape };
}

/** infer for ops whose output is the broadcast of the inputs, with dtype `dtype` (default: the first input's). */
function inferBroadcast(dtype?: DType): OpDef['infer'] {
  return (node, types) => [broadcastType(types.filter((_, k) => node.input(k) !== ''), dtype)];
}

/**
 * Before opset 7, Add/Sub/Mul/Div/Pow/PRelu broadcast only with `broadcast = 1`, B's dims aligned
 * at `axis` of A (default: the trailing dims, as numpy): B is viewed with trailing 1s added.
 */
function legacyAligned(node: OnnxNode, a: Tensor, b: Tensor, ctx: OpContext): Tensor | null {
  if (ctx.opset >= 7 || !node.int('broadcast', 0) || !node.has('axis')) return null;
  const axis = node.int('axis');
  const ax = axis < 0 ? axis + a.ndim : axis;
  const trailing = a.ndim - ax - b.ndim;
  if (trailing < 0) throw node.error(`B of shape [${b.shape.join(', ')}] does not fit A [${a.shape.join(', ')}] at axis ${axis}`);
  return b.reshape([...b.shape, ...new Array<number>(trailing).fill(1)]);
}

function binaryDef(op: (node: OnnxNode, a: Tensor, b: Tensor, ctx: OpContext) => Tensor, dtype?: DType): OpDef {
  return {
    infer: inferBroadcast(dtype),
    run(node, ins, ctx) {
      const a = input(node, ins, 0, 'A');
      const b = input(node, ins, 1, 'B');
      const aligned = legacyAligned(node, a, b, ctx);
      try {
        return [op(node, a, aligned ?? b, ctx)];
      } finally {
        aligned?.dispose();
      }
    },
  };
}

/** PRelu: slope broadcast to X (from opset 7); before, a 1-D slope of X's channel count applies per channel (dim 1). */
function onnxPrelu(_node: OnnxNode, x: Tensor, slope: Tensor, ctx: OpContext): Tensor {
  if (ctx.opset < 7 && slope.ndim === 1 && x.ndim >= 2 && slope.numel === x.shape[1] && slope.numel !== x.shape[x.ndim - 1]) return U.prelu(x, slope);
  return B.binary('prelu', x, slope);
}

/** Variadic broadcast ops (Max, Min, Sum, Mean): a left fold; one input gives a copy. */
function variadicDef(step: (a: Tensor, b: Tensor) => Tensor, finish?: (acc: Tensor, n: number) => Tensor): OpDef {
  return {
    check(node) {
      if (node.inputs.filter((n) => n).length === 0) throw node.error('at least one input is required');
    },
    infer: inferBroadcast(),
    run(node, ins) {
      const xs = ins.filter((t): t is Tensor => t !== null);
      let acc = xs.length === 1 ? xs[0].clone() : step(xs[0], xs[1]);
      for (let i = 2; i < xs.length; i++) {
        const next = step(acc, xs[i]);
        acc.dispose();
        acc = next;
      }
      if (finish) {
        const out = finish(acc, xs.length);
        acc.dispose();
        acc = out;
      }
      return [acc];
    },
  };
}

function unaryDef(fn: (node: OnnxNode, x: Tensor) => Tensor, dtype?: DType): OpDef {
  return {
    infer: (_node, types) => [dtype ? { ...sameAs(types), dtype } : sameAs(types)],
    run: (node, ins) => [fn(node, input(node, ins, 0, 'X'))],
  };
}

const simple = (f: (x: Tensor) => Tensor): OpDef => unaryDef((_node, x) => f(x));

/**
 * Cast targets by ONNX TensorProto.DataType code: the stored dtype (as the loader stores that
 * file type, src/onnx/proto.ts) and the rounding that gives the target type's values: float16 and
 * bfloat16 are rounded to their precision (to nearest even) and held in float32, double is
 * float32, int8/int16/uint16 wrap and are held in int32, uint32 wraps and is held in int64.
 */
const CAST_TARGETS: Record<number, { dtype: DType; round?: (v: Scalar) => Scalar }> = {
  1: { dtype: 'float32' },
  2: { dtype: 'uint8' },
  3: { dtype: 'int32', round: (v) => (Number(v) << 24) >> 24 },
  4: { dtype: 'int32', round: (v) => Number(v) & 0xffff },
  5: { dtype: 'int32', round: (v) => (Number(v) << 16) >> 16 },
  6: { dtype: 'int32' },
  7: { dtype: 'int64' },
  9: { dtype: 'bool' },
  10: { dtype: 'float32', round: (v) => bitsF32(f16ToF32Bits(f32BitsToF16(f32Bits(Number(v))))) },
  11: { dtype: 'float32' },
  12: { dtype: 'int64', round: (v) => BigInt.asUintN(32, v as bigint) },
  13: { dtype: 'int64' },
  16: { dtype: 'float32', round: (v) => bitsF32(f32BitsToBf16(f32Bits(Number(v))) << 16) },
};

const F32 = new Float32Array(1);
const U32 = new Uint32Array(F32.buffer);
function f32Bits(v: number): number {
  F32[0] = v;
  return U32[0];
}
function bitsF32(b: number): number {
  U32[0] = b >>> 0;
  return F32[0];
}

function castTarget(node: OnnxNode): { dtype: DType; round?: (v: Scalar) => Scalar } {
  const to = node.int('to');
  const d = CAST_TARGETS[to];
  if (!d) throw node.error(`cast to data type ${to} is not supported (supported: 1-7, 9-13 and 16: the integer, bool and float types up to 64 bits)`);
  return d;
}

function onnxCast(node: OnnxNode, x: Tensor): Tensor {
  const { dtype, round } = castTarget(node);
  const y = cast(x, dtype);
  if (!round) return y;
  try {
    return mapElements('Cast', y.engine, [y], dtype, round);
  } finally {
    y.dispose();
  }
}

/** Pow: computed in the promoted type, returned in the base's dtype (ONNX). */
function onnxPow(_node: OnnxNode, x: Tensor, y: Tensor): Tensor {
  const r = B.pow(x, y);
  if (r.dtype === x.dtype) return r;
  try {
    return cast(r, x.dtype);
  } finally {
    r.dispose();
  }
}

function clip(node: OnnxNode, ins: (Tensor | null)[], ctx: OpContext): Tensor {
  const x = input(node, ins, 0, 'input');
  let lo: number | null;
  let hi: number | null;
  if (ctx.opset < 11) {
    lo = node.float('min', -Infinity);
    hi = node.float('max', Infinity);
  } else {
    lo = ins[1] ? scalarOf(node, ins[1], 'min') : null;
    hi = ins[2] ? scalarOf(node, ins[2], 'max') : null;
  }
  return U.clamp(x, lo ?? -Infinity, hi ?? Infinity);
}

const GELU_APPROX = ['none', 'tanh'];

export const elementwiseOps: OpTable = {
  Add: binaryDef((_n, a, b) => B.add(a, b)),
  Sub: binaryDef((_n, a, b) => B.sub(a, b)),
  Mul: binaryDef((_n, a, b) => B.mul(a, b)),
  Div: binaryDef((_n, a, b) => B.div(a, b, a.dtype === 'float32' || b.dtype === 'float32' ? {} : { roundingMode: 'trunc' })),
  Pow: binaryDef(onnxPow),
  Mod: binaryDef((node, a, b) => (node.int('fmod', 0) ? B.fmod(a, b) : B.remainder(a, b))),
  PRelu: binaryDef(onnxPrelu),
  Max: variadicDef(B.maximum),
  Min: variadicDef(B.minimum),
  Sum: variadicDef(B.add),
  Mean: variadicDef(B.add, (acc, n) => B.div(acc, n)),

  Equal: binaryDef((_n, a, b) => C.eq(a, b), 'bool'),
  Less: binaryDef((_n, a, b) => C.lt(a, b), 'bool'),
  LessOrEqual: binaryDef((_n, a, b) => C.le(a, b), 'bool'),
  Greater: binaryDef((_n, a, b) => C.gt(a, b), 'bool'),
  GreaterOrEqual: binaryDef((_n, a, b) => C.ge(a, b), 'bool'),
  And: binaryDef((_n, a, b) => C.logicalAnd(a, b), 'bool'),
  Or: binaryDef((_n, a, b) => C.logicalOr(a, b), 'bool'),
  Xor: binaryDef((_n, a, b) => C.logicalXor(a, b), 'bool'),
  Not: simple(C.logicalNot),
  IsNaN: unaryDef((_n, x) => C.isnan(x), 'bool'),
  IsInf: unaryDef((node, x) => C.isinf(x, { detectPositive: node.int('detect_positive', 1) !== 0, detectNegative: node.int('detect_negative', 1) !== 0 }), 'bool'),
  Where: {
    infer: (_node, types) => [broadcastType(types, undefined, 1)],
    run: (node, ins) => [C.where(input(node, ins, 0, 'condition'), input(node, ins, 1, 'X'), input(node, ins, 2, 'Y'))],
  },

  Sqrt: simple((x) => U.sqrt(x)),
  Exp: simple((x) => U.exp(x)),
  Log: simple((x) => U.log(x)),
  Abs: simple((x) => U.abs(x)),
  Neg: simple((x) => U.neg(x)),
  Sign: simple((x) => U.sign(x)),
  Reciprocal: simple((x) => U.reciprocal(x)),
  Floor: simple((x) => U.floor(x)),
  Ceil: simple((x) => U.ceil(x)),
  Round: simple((x) => U.round(x)),
  Erf: simple((x) => U.erf(x)),
  Sin: simple((x) => U.sin(x)),
  Cos: simple((x) => U.cos(x)),
  Tanh: simple((x) => U.tanh(x)),
  Sigmoid: simple((x) => U.sigmoid(x)),
  Relu: simple((x) => U.relu(x)),
  Softsign: simple(U.softsign),
  Softplus: simple((x) => U.softplus(x, 1, Infinity)),
  Mish: simple(U.mish),
  HardSwish: simple(U.hardswish),
  LeakyRelu: unaryDef((node, x) => U.leakyRelu(x, node.float('alpha', 0.01))),
  Elu: unaryDef((node, x) => U.elu(x, node.float('alpha', 1))),
  Celu: unaryDef((node, x) => U.celu(x, node.float('alpha', 1))),
  Selu: unaryDef((node, x) => U.selu(x, node.float('alpha', 1.67326319217681884765625), node.float('gamma', 1.05070102214813232421875))),
  HardSigmoid: unaryDef((node, x) => U.hardsigmoid(x, node.float('alpha', 0.2), node.float('beta', 0.5))),
  ThresholdedRelu: unaryDef((node, x) => U.threshold(x, node.float('alpha', 1), 0)),
  Shrink: unaryDef((node, x) => U.shrink(x, node.float('lambd', 0.5), node.float('bias', 0))),
  Gelu: {
    check(node) {
      const a = node.string('approximate', 'none');
      if (!GELU_APPROX.includes(a)) throw node.error(`approximate must be 'none' or 'tanh', got ${JSON.stringify(a)}`);
    },
    infer: (_node, types) => [sameAs(types)],
    run: (node, ins) => [U.gelu(input(node, ins, 0, 'X'), { approximate: node.string('approximate', 'none') as 'none' | 'tanh' })],
  },
  Clip: {
    infer: (_node, types) => [sameAs(types)],
    run: (node, ins, ctx) => [clip(node, ins, ctx)],
  },

  Cast: {
    check: (node) => void castTarget(node),
    infer: (node, types) => [{ ...sameAs(types), dtype: castTarget(node).dtype }],
    run: (node, ins) => [onnxCast(node, input(node, ins, 0, 'input'))],
  },
  CastLike: {
    infer: (_node, types) => [{ ...sameAs(types), dtype: types[1]?.dtype ?? types[0]?.dtype ?? 'float32' }],
    run: (node, ins) => [cast(input(node, ins, 0, 'input'), input(node, ins, 1, 'target_type').dtype)],
  },
};
