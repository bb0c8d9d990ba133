/**
 * The ONNX elementwise and reduction op definitions (src/onnx/ops/elementwise.ts, reduce.ts) run
 * on hand-built OnnxNode objects, before the loader exists on this branch: attribute defaults,
 * opset differences (Clip bounds, Reduce* axes attribute vs input, noop_with_empty_axes, Hardmax
 * before/after 13, TopK k), dtype rules (integer Div truncates, Pow keeps the base dtype, Cast),
 * and `infer` against what `run` produces.
 */
import { describe, expect, it } from 'vitest';
import { Tensor, type Engine } from '../../dist/src/entries/node.js';
import { OnnxNode, type AttrValue, type OpContext } from '../../dist/src/onnx/node.js';
import { lookupOp } from '../../dist/src/onnx/ops/index.js';
import { useBuild } from '../helpers/engines.js';

type A = Record<string, AttrValue>;
const f = (value: number): AttrValue => ({ type: 'float', value });
const i = (value: number): AttrValue => ({ type: 'int', value });
const is = (value: number[]): AttrValue => ({ type: 'ints', value });
const s = (value: string): AttrValue => ({ type: 'string', value });

let engine: Engine;
function run(op: string, inputs: (Tensor | null)[], attrs: A = {}, opset = 18, nOut = 1): Tensor[] {
  const def = lookupOp('', op);
  if (!def) throw new Error(`${op} is not registered`);
  const node = new OnnxNode(`n_${op}`, op, '', inputs.map((t, k) => (t ? `in${k}` : '')), Array.from({ length: nOut }, (_, k) => `out${k}`), new Map(Object.entries(attrs)));
  const ctx: OpContext = { engine, opset };
  def.check?.(node, ctx);
  const outs = def.run(node, inputs, ctx);
  if (def.infer) {
    const types = def.infer(node, inputs.map((t) => (t ? { dtype: t.dtype, shape: t.shape.slice() } : null)), inputs, ctx);
    types.forEach((t, k) => {
      expect(t.dtype, `${op} infer dtype`).toBe(outs[k].dtype);
      if (t.shape) expect(t.shape, `${op} infer shape`).toEqual(outs[k].shape);
    });
  }
  return outs;
}
const one = (op: string, inputs: (Tensor | null)[], attrs: A = {}, opset = 18) => run(op, inputs, attrs, opset)[0];
const vals = (t: Tensor) => Array.from(t.toTypedArray() as ArrayLike<number | bigint>, Number);
const i64 = (v: number[], shape = [v.length]) => Tensor.from(BigInt64Array.from(v, BigInt), shape);

describe('ONNX elementwise and reduction ops (hand-built nodes)', () => {
  it('arithmetic, variadic ops, dtype rules', async () => {
    engine = await useBuild('simd');
    const a = Tensor.from([1, 2, 3, 4, 5, 6], [2, 3]);
    const b = Tensor.from([10, 20, 30], [3]);
    expect(vals(one('Add', [a, b]))).toEqual([11, 22, 33, 14, 25, 36]);
    expect(vals(one('Sub', [b, a]))).toEqual([9, 18, 27, 6, 15, 24]);
    expect(vals(one('Mul', [a, b]))).toEqual([10, 40, 90, 40, 100, 180]);
    expect(vals(one('Div', [b, a]))).toEqual([10, 10, 10, 2.5, 4, 5]);
    expect(vals(one('Div', [i64([7, -7]), i64([2, 2])]))).toEqual([3, -3]);
    expect(one('Div', [i64([7, -7]), i64([2, 2])]).dtype).toBe('int64');
    expect(vals(one('Pow', [a, Tensor.from([2], [1])]))).toEqual([1, 4, 9, 16, 25, 36]);
    const pi = one('Pow', [i64([2, 3]), Tensor.from([3, 2], [2])]);
    expect(pi.dtype).toBe('int64');
    expect(vals(pi)).toEqual([8, 9]);
    expect(vals(one('Mod', [i64([-4, 7]), i64([3, -3])]))).toEqual([2, -2]);
    expect(vals(one('Mod', [Tensor.from([-4, 7], [2]), Tensor.from([3, -3], [2])], { fmod: i(1) }))).toEqual([-1, 1]);
    expect(vals(one('Max', [a, b, Tensor.from([25], [1])]))).toEqual([25, 25, 30, 25, 25, 30]);
    expect(vals(one('Min', [a]))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(vals(one('Sum', [a, a, a]))).toEqual([3, 6, 9, 12, 15, 18]);
    expect(vals(one('Mean', [a, b]))).toEqual([5.5, 11, 16.5, 7, 12.5, 18]);
    expect(vals(one('PRelu', [Tensor.from([-1, 2, -3, 4], [2, 2]), Tensor.from([0.5, 0.25], [2])]))).toEqual([-0.5, 2, -1.5, 4]);
  });

  it('unary ops and activations with ONNX attribute defaults', async () => {
    engine = await useBuild('simd');
    const x = Tensor.from([-2, -0.5, 0, 0.5, 2], [5]);
    const close = (t: Tensor, want: number[]) => vals(t).forEach((v, k) => expect(v).toBeCloseTo(want[k], 6));
    close(one('Abs', [x]), [2, 0.5, 0, 0.5, 2]);
    close(one('LeakyRelu', [x]), [-0.02, -0.005, 0, 0.5, 2]);
    close(one('HardSigmoid', [x]), [0.1, 0.4, 0.5, 0.6, 0.9]);
    close(one('HardSwish', [x]), [-2 / 6, -0.5 * 2.5 / 6, 0, 0.5 * 3.5 / 6, 2 * 5 / 6]);
    close(one('ThresholdedRelu', [x], { alpha: f(0.4) }), [0, 0, 0, 0.5, 2]);
    close(one('Shrink', [x], { lambd: f(1), bias: f(0.5) }), [-1.5, 0, 0, 0, 1.5]);
    close(one('Elu', [x]), [Math.expm1(-2), Math.expm1(-0.5), 0, 0.5, 2]);
    close(one('Selu', [x], { alpha: f(2), gamma: f(3) }), [6 * Math.expm1(-2), 6 * Math.expm1(-0.5), 0, 1.5, 6]);
    close(one('Softplus', [x]), [-2, -0.5, 0, 0.5, 2].map((v) => Math.log1p(Math.exp(v))));
    close(one('Gelu', [x], { approximate: s('tanh') }), [-2, -0.5, 0, 0.5, 2].map((v) => 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3)))));
    close(one('Clip', [x], { min: f(-1), max: f(1) }, 6), [-1, -0.5, 0, 0.5, 1]);
    close(one('Clip', [x, Tensor.from([-1], []), null], {}, 13), [-1, -0.5, 0, 0.5, 2]);
    close(one('Clip', [x, null, Tensor.from([0], [])], {}, 13), [-2, -0.5, 0, 0, 0]);
    close(one('Clip', [x], {}, 13), [-2, -0.5, 0, 0.5, 2]);
    close(one('Round', [Tensor.from([0.5, 1.5, 2.5, -2.5], [4])]), [0, 2, 2, -2]);
    expect(() => one('Gelu', [x], { approximate: s('fast') })).toThrow(/approximate/);
  });

  it('comparisons, logic, Where, IsInf/IsNaN, Cast/CastLike', async () => {
    engine = await useBuild('simd');
    const a = i64([1, 2, 3]);
    const b = i64([2]);
    expect(vals(one('Equal', [a, b]))).toEqual([0, 1, 0]);
    expect(one('Equal', [a, b]).dtype).toBe('bool');
    expect(vals(one('Less', [a, b]))).toEqual([1, 0, 0]);
    expect(vals(one('GreaterOrEqual', [a, b]))).toEqual([0, 1, 1]);
    const m = one('Greater', [a, b]);
    expect(vals(one('Not', [m]))).toEqual([1, 1, 0]);
    expect(vals(one('Xor', [m, one('Less', [a, b])]))).toEqual([1, 0, 1]);
    expect(vals(one('Where', [m, a, i64([-1])]))).toEqual([-1, -1, 3]);
    const x = Tensor.from([Infinity, -Infinity, NaN, 1], [4]);
    expect(vals(one('IsInf', [x], { detect_positive: i(0) }))).toEqual([0, 1, 0, 0]);
    expect(vals(one('IsNaN', [x]))).toEqual([0, 0, 1, 0]);
    const c = one('Cast', [Tensor.from([1.7, -1.7, 0], [3])], { to: i(7) });
    expect(c.dtype).toBe('int64');
    expect(vals(c)).toEqual([1, -1, 0]);
    expect(vals(one('Cast', [Tensor.from([1.7, 0], [2])], { to: i(9) }))).toEqual([1, 0]);
    expect(one('CastLike', [a, Tensor.from([0], [1])]).dtype).toBe('float32');
    expect(() => one('Cast', [a], { to: i(8) })).toThrow(/data type 8/);
    expect(vals(one('Cast', [Tensor.from([1 + 2 ** -12, 300, -129], [3])], { to: i(10) }))).toEqual([1, 300, -129]);
    expect(vals(one('Cast', [Tensor.from([300, -129], [2])], { to: i(3) }))).toEqual([44, 127]);
  });

  it('Reduce* with axes as attribute (old opsets) and as input (13 / 18), keepdims, noop', async () => {
    engine = await useBuild('simd');
    const x = Tensor.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], [2, 3, 2]);
    expect(vals(one('ReduceSum', [x, i64([1])], {}, 13))).toEqual([9, 12, 27, 30]);
    expect(one('ReduceSum', [x, i64([1])], {}, 13).shape).toEqual([2, 1, 2]);
    expect(vals(one('ReduceSum', [x], { axes: is([1]), keepdims: i(0) }, 11))).toEqual([9, 12, 27, 30]);
    expect(one('ReduceSum', [x], {}, 13).shape).toEqual([1, 1, 1]);
    expect(vals(one('ReduceSum', [x, null], { noop_with_empty_axes: i(1) }, 13))).toEqual(vals(x));
    expect(vals(one('ReduceMean', [x], { axes: is([-1]), keepdims: i(0) }, 13))).toEqual([1.5, 3.5, 5.5, 7.5, 9.5, 11.5]);
    expect(vals(one('ReduceMean', [x, i64([0, 2])], {}, 18))).toEqual([4.5, 6.5, 8.5]);
    expect(vals(one('ReduceMax', [x, i64([0])], { keepdims: i(0) }, 18))).toEqual([7, 8, 9, 10, 11, 12]);
    expect(vals(one('ReduceMin', [x], { axes: is([2]) }, 13))).toEqual([1, 3, 5, 7, 9, 11]);
    expect(vals(one('ReduceProd', [x], { axes: is([2]) }, 13))).toEqual([2, 12, 30, 56, 90, 132]);
    expect(vals(one('ReduceL1', [Tensor.from([-3, 4], [2])], {}, 13))).toEqual([7]);
    expect(vals(one('ReduceL2', [Tensor.from([-3, 4], [2])], {}, 13))).toEqual([5]);
    expect(vals(one('ReduceSumSquare', [Tensor.from([-3, 4], [2])], {}, 13))).toEqual([25]);
    expect(vals(one('ReduceLogSum', [Tensor.from([1, 2], [2])], {}, 13))[0]).toBeCloseTo(Math.log(3), 6);
    expect(vals(one('ReduceLogSumExp', [Tensor.from([1, 2], [2])], {}, 13))[0]).toBeCloseTo(Math.log(Math.E + Math.E ** 2), 6);
    const iv = one('ReduceSum', [Tensor.from(new Int32Array([1, 2, 3]), [3]), null], { keepdims: i(0) }, 13);
    expect(iv.dtype).toBe('int32');
    expect(vals(iv)).toEqual([6]);
  });

  it('ArgMax/ArgMin (select_last_index), CumSum, Hardmax (opset < 13 and >= 13), TopK', async () => {
    engine = await useBuild('simd');
    const x = Tensor.from([1, 3, 3, 0, 5, 5], [2, 3]);
    expect(vals(one('ArgMax', [x], { axis: i(1) }))).toEqual([1, 1]);
    expect(one('ArgMax', [x], { axis: i(1) }).shape).toEqual([2, 1]);
    expect(vals(one('ArgMax', [x], { axis: i(1), keepdims: i(0), select_last_index: i(1) }))).toEqual([2, 2]);
    expect(vals(one('ArgMin', [x], { axis: i(0), keepdims: i(0) }))).toEqual([1, 0, 0]);
    expect(vals(one('CumSum', [x, i64([1])]))).toEqual([1, 4, 7, 0, 5, 10]);
    expect(vals(one('CumSum', [x, i64([-1])], { exclusive: i(1), reverse: i(1) }))).toEqual([6, 3, 0, 10, 5, 0]);
    expect(vals(one('Hardmax', [x], {}, 13))).toEqual([0, 1, 0, 0, 1, 0]);
    expect(vals(one('Hardmax', [x.reshape([1, 2, 3])], { axis: i(1) }, 11))).toEqual([0, 0, 0, 0, 1, 0]);
    const [v, idx] = run('TopK', [x, i64([2])], { axis: i(1) }, 11, 2);
    expect(vals(v)).toEqual([3, 3, 5, 5]);
    expect(vals(idx)).toEqual([1, 2, 1, 2]);
    const [v2] = run('TopK', [x], { k: i(1), axis: i(0) }, 1, 2);
    expect(vals(v2)).toEqual([1, 5, 5]);
  });
});
