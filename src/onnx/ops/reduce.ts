/**
 * ONNX reductions and index ops on ops/reduce.ts: ReduceMean ReduceSum ReduceMax ReduceMin
 * ReduceProd ReduceL1 ReduceL2 ReduceLogSum ReduceLogSumExp ReduceSumSquare, ArgMax ArgMin,
 * CumSum, Hardmax, TopK.
 * Opset differences: the axes of ReduceSum are an optional input from opset 13 and of the other
 * Reduce* from opset 18 (an attribute before); with no axes every dim is reduced, unless
 * noop_with_empty_axes = 1, which makes the op an identity. Hardmax before opset 13 works on the
 * input flattened to 2-D at `axis` (default 1); from 13 on the one dim `axis` (default -1). TopK
 * takes k as an attribute in opset 1 and as an input from 10.
 */
import type { Tensor } from '../../tensor.js';
import type { Dim, OnnxNode, OpContext, OpDef, OpTable, ValueType } from '../node.js';
import * as R from '../../ops/reduce.js';
import { input } from './elementwise.js';
import { cast } from '../../ops/cast.js';
import { intsOf } from '../values.js';
import { sameAs } from '../infer.js';

function axesInputSince(op: string): number {
  return op === 'ReduceSum' ? 13 : 18;
}

/** The axes of a Reduce* node: null = all dims; 'noop' = identity (empty axes with noop_with_empty_axes). */
function reduceAxes(node: OnnxNode, ins: (Tensor | null)[], ctx: OpContext): number[] | null | 'noop' {
  let axes: number[] = [];
  if (ctx.opset >= axesInputSince(node.opType)) {
    if (ins[1]) axes = intsOf(node, ins[1], 'axes');
  } else axes = node.ints('axes', []);
  if (axes.length > 0) return axes;
  return node.int('noop_with_empty_axes', 0) ? 'noop' : null;
}

function reduceDef(op: R.ReduceOp): OpDef {
  return {
    infer(node, [t], consts, ctx) {
      if (!t || !t.shape) return [{ dtype: t?.dtype ?? 'float32', shape: null }];
      const keep = node.int('keepdims', 1) !== 0;
      const axesIn = ctx.opset >= axesInputSince(node.opType) ? consts[1] : null;
      if (ctx.opset >= axesInputSince(node.opType) && node.inputs[1] && !axesIn) return [{ dtype: t.dtype, shape: null }];
      const axes = axesIn ? intsOf(node, axesIn, 'axes') : ctx.opset >= axesInputSince(node.opType) ? [] : node.ints('axes', []);
      if (axes.length === 0 && node.int('noop_with_empty_axes', 0)) return [t];
      const rank = t.shape.length;
      const set = new Set(axes.length ? axes.map((a) => (a < 0 ? a + rank : a)) : t.shape.map((_, i) => i));
      const shape: Dim[] = [];
      t.shape.forEach((d, i) => {
        if (!set.has(i)) shape.push(d);
        else if (keep) shape.push(1);
      });
      return [{ dtype: t.dtype, shape }];
    },
    run(node, ins, ctx) {
      const x = input(node, ins, 0, 'data');
      const axes = reduceAxes(node, ins, ctx);
      if (axes === 'noop') return [x.clone()];
      const y = R.reduce(op, x, axes, node.int('keepdims', 1) !== 0);
      // ONNX keeps the input's integer dtype for sum/prod (torch widens to int64).
      if (y.dtype !== x.dtype) {
        try {
          return [cast(y, x.dtype)];
        } finally {
          y.dispose();
        }
      }
      return [y];
    },
  };
}

function argDef(largest: boolean): OpDef {
  return {
    infer(node, [t]) {
      if (!t || !t.shape) return [{ dtype: 'int64', shape: null }];
      const rank = t.shape.length;
      const a = node.int('axis', 0);
      const ax = a < 0 ? a + rank : a;
      const keep = node.int('keepdims', 1) !== 0;
      return [{ dtype: 'int64', shape: t.shape.flatMap((d, i) => (i !== ax ? [d] : keep ? [1] : [])) }];
    },
    run(node, ins) {
      const x = input(node, ins, 0, 'data');
      const f = largest ? R.argmax : R.argmin;
      return [f(x, node.int('axis', 0), node.int('keepdims', 1) !== 0, { selectLastIndex: node.int('select_last_index', 0) !== 0 })];
    },
  };
}

const same = (_node: OnnxNode, types: (ValueType | null)[]): ValueType[] => [sameAs(types)];

export const reduceOps: OpTable = {
  ReduceSum: reduceDef('sum'),
  ReduceMean: reduceDef('mean'),
  ReduceMax: reduceDef('amax'),
  ReduceMin: reduceDef('amin'),
  ReduceProd: reduceDef('prod'),
  ReduceL1: reduceDef('l1'),
  ReduceL2: reduceDef('l2'),
  ReduceLogSum: reduceDef('logsum'),
  ReduceLogSumExp: reduceDef('logsumexp'),
  ReduceSumSquare: reduceDef('sumsquare'),
  ArgMax: argDef(true),
  ArgMin: argDef(false),
  CumSum: {
    infer: same,
    run(node, ins) {
      const x = input(node, ins, 0, 'x');
      const [axis] = intsOf(node, input(node, ins, 1, 'axis'), 'axis');
      return [R.cumsum(x, axis, { exclusive: node.int('exclusive', 0) !== 0, reverse: node.int('reverse', 0) !== 0 })];
    },
  },
  Hardmax: {
    infer: same,
    run(node, ins, ctx) {
      const x = input(node, ins, 0, 'input');
      if (ctx.opset >= 13) return [R.hardmax(x, node.int('axis', -1))];
      const a = node.int('axis', 1);
      const ax = a < 0 ? a + x.ndim : a;
      const rows = x.shape.slice(0, ax).reduce((p, d) => p * d, 1);
      const flat = x.reshape([rows, x.numel / Math.max(rows, 1)]);
      try {
        const y = R.hardmax(flat, 1);
        const v = y.reshape(x.shape);
        y.dispose();
        return [v];
      } finally {
        flat.dispose();
      }
    },
  },
  TopK: {
    run(node, ins, ctx) {
      const x = input(node, ins, 0, 'X');
      const k = ctx.opset >= 10 ? intsOf(node, input(node, ins, 1, 'K'), 'K')[0] : node.int('k');
      const { values, indices } = R.topk(x, k, { dim: node.int('axis', -1), largest: node.int('largest', 1) !== 0 });
      return [values, indices];
    },
  },
};
