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
import * as B from '../../ops/binary.js';
import * as C from '../../ops/compare.js';
import * as U from '../../ops/unary.js';
import { cast } from '../../ops/cast.js';

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

/** Broadcast of static shapes (symbolic dims kept when they cannot be resolved). */
function broadcastTypes(shapes: (Dim[] | null)[]): Dim[] | null {
  if (shapes.some((s) => s === null)) return null;
  const ss = shapes as Dim[][];
  const nd = Math.max(0, ...ss.map((s) => s.length));
  const out: Dim[] = [];
  for (let i = 0; i < nd; i++) {
    let d: Dim = 1;
    for (const s of ss) {
      const di = s[s.length - nd + i] ?? 1;
      if (d === 1 || (typeof d === 'string' && typeof di === 'number' && di !== 1)) d = di;
    }
    out.push(d);
  }
  return out;
}

/** infer for ops whose output is the broadcast of the inputs, with dtype `dtype` (default: the first input's). */
function inferBroadcast(dtype?: DType): OpDef['infer'] {
  return (_node, types) => {
    const present = types.filter((t): t is ValueType => t !== null);
    if (present.length === 0) throw new Error('no input types');
    return [{ dtype: dtype ?? present[0].dtype, shape: broadcastTypes(present.map((t) => t.shape)) }];
  };
}

function binaryDef(op: (node: OnnxNode, a: Tensor, b: Tensor, ctx: OpContext) => Tensor, dtype?: DType): OpDef {
  return {
    infer: inferBroadcast(dtype),
    run: (node, ins, ctx) => [op(node, input(node, ins, 0, 'A'), input(node, ins, 1, 'B'), ctx)],
  };
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
    infer: (_node, [t]) => [{ dtype: dtype ?? t!.dtype, shape: t!.shape }],
    run: (node, ins) => [fn(node, input(node, ins, 0, 'X'))],
  };
}

const simple = (f: (x: Tensor) => Tensor): OpDef => unaryDef((_node, x) => f(x));

/** ONNX TensorProto.DataType codes of the dtypes Tensor holds. */
const ONNX_DTYPES: Record<number, DType> = { 1: 'float32', 2: 'uint8', 6: 'int32', 7: 'int64', 9: 'bool' };

function castTarget(node: OnnxNode): DType {
  const to = node.int('to');
  const d = ONNX_DTYPES[to];
  if (!d) throw node.error(`cast to data type ${to} is not supported (supported: 1 float, 2 uint8, 6 int32, 7 int64, 9 bool)`);
  return d;
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
  Pow: { ...binaryDef(onnxPow), infer: (_node, [x, y]) => [{ dtype: x!.dtype, shape: broadcastTypes([x!.shape, y!.shape]) }] },
  Mod: binaryDef((node, a, b) => (node.int('fmod', 0) ? B.fmod(a, b) : B.remainder(a, b))),
  PRelu: binaryDef((_n, x, slope) => B.binary('prelu', x, slope)),
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
    infer: (_node, [c, a, b]) => [{ dtype: a!.dtype, shape: broadcastTypes([c!.shape, a!.shape, b!.shape]) }],
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
    infer: (_node, [t]) => [t!],
    run: (node, ins) => [U.gelu(input(node, ins, 0, 'X'), { approximate: node.string('approximate', 'none') as 'none' | 'tanh' })],
  },
  Clip: {
    infer: (_node, [t]) => [t!],
    run: (node, ins, ctx) => [clip(node, ins, ctx)],
  },

  Cast: {
    check: (node) => void castTarget(node),
    infer: (node, [t]) => [{ dtype: castTarget(node), shape: t!.shape }],
    run: (node, ins) => [cast(input(node, ins, 0, 'input'), castTarget(node))],
  },
  CastLike: {
    infer: (_node, [t, like]) => [{ dtype: like!.dtype, shape: t!.shape }],
    run: (node, ins) => [cast(input(node, ins, 0, 'input'), input(node, ins, 1, 'target_type').dtype)],
  },
};
