/**
 * The quantization family (src/onnx/ops/quant.ts) against the ONNX backend node tests
 * (libonnx-testdata): QuantizeLinear/DequantizeLinear (per tensor, per axis), DynamicQuantizeLinear,
 * MatMulInteger, ConvInteger, QLinearMatMul, QLinearConv, one node at a time, exact for the integer
 * outputs. Then semantics the suite does not cover: NaN and all-zero inputs, and the QDQ pair
 * DequantizeLinear(int8 W) -> MatMul prepared as the int8 GEMM: bit-exact against the int8
 * reference on the codes, close to the dequantize-then-float result.
 */
import { describe, expect, it } from 'vitest';
import { Tensor } from '../../dist/src/entries/node.js';
import { lookupOp } from '../../dist/src/onnx/ops/index.js';
import { OnnxNode } from '../../dist/src/onnx/node.js';
import { HAVE_NODE_TESTS, compareOutput, loadNodeCase, nodeTestsFor } from '../helpers/onnx-node-case.js';
import { runnableBuilds, useBuild } from '../helpers/engines.js';
import { Rng } from '../helpers/rng.js';
import { qgemmRef } from '../reference/qgemm.js';

const FAMILIES = ['test_quantizelinear', 'test_dequantizelinear', 'test_dynamicquantizelinear', 'test_matmulinteger', 'test_basic_convinteger', 'test_convinteger', 'test_qlinearmatmul', 'test_qlinearconv'];

const node = (op: string, inputs: string[], attrs: [string, { type: 'int'; value: number }][] = []) => new OnnxNode('n', op, '', inputs, ['y'], new Map(attrs));

describe.each(runnableBuilds())('ONNX quantization ops [%s build]', (build) => {
  it.skipIf(!HAVE_NODE_TESTS)('backend node tests', async () => {
    const engine = await useBuild(build);
    const names = nodeTestsFor(FAMILIES).filter((n) => !n.endsWith('_expanded'));
    expect(names.length).toBeGreaterThanOrEqual(14);
    for (const name of names) {
      const c = loadNodeCase(name);
      const op = lookupOp(c.node.domain, c.node.opType);
      if (!op) throw new Error(`${name}: ${c.node.opType} is not registered`);
      const ctx = { engine, opset: c.opset };
      op.check?.(c.node, ctx);
      const outs = op.run(c.node, c.inputs, ctx);
      c.expected.forEach((e, i) => compareOutput(`${build} ${name} output ${i}`, outs[i], e, 1e-6, 0));
      for (const o of outs) o.dispose();
      for (const t of c.inputs) t?.dispose();
    }
  });

  it('NaN and all-zero inputs: DynamicQuantizeLinear never dequantizes NaN to a number', async () => {
    const e = await useBuild(build);
    const ctx = { engine: e, opset: 13 };
    const dq = lookupOp('', 'DynamicQuantizeLinear')!;
    const deq = lookupOp('', 'DequantizeLinear')!;
    const [y, s, z] = dq.run(node('DynamicQuantizeLinear', ['x']), [Tensor.from([1, NaN, -2], [3], 'float32', e)], ctx);
    expect(Number.isNaN(s.toFloat32Array()[0])).toBe(true);
    const [back] = deq.run(node('DequantizeLinear', ['y', 's', 'z']), [y, s, z], ctx);
    expect(Array.from(back.toFloat32Array()).every(Number.isNaN)).toBe(true);
    const [y0, s0, z0] = dq.run(node('DynamicQuantizeLinear', ['x']), [Tensor.zeros([4], 'float32', e)], ctx);
    expect(s0.toFloat32Array()[0]).toBe(0);
    expect(Array.from(y0.toTypedArray() as Uint8Array)).toEqual([0, 0, 0, 0]);
    expect(Array.from(deq.run(node('DequantizeLinear', ['y', 's', 'z']), [y0, s0, z0], ctx)[0].toFloat32Array())).toEqual([0, 0, 0, 0]);
  });

  it('QDQ DequantizeLinear(int8 per-column) -> MatMul runs as the int8 GEMM', async () => {
    const e = await useBuild(build);
    const ctx = { engine: e, opset: 13 };
    const rng = new Rng(5);
    const [m, k, n] = [7, 45, 19];
    const codes = Int32Array.from({ length: k * n }, () => rng.int(-127, 127));
    const scales = rng.f32(n, 0.001, 0.01);
    const deq = lookupOp('', 'DequantizeLinear')!;
    const [bf] = deq.run(node('DequantizeLinear', ['w', 's', 'z'], [['axis', { type: 'int', value: 1 }]]), [Tensor.from(codes, [k, n], 'int32', e), Tensor.from(scales, [n], 'float32', e), Tensor.zeros([n], 'int32', e)], ctx);
    const mm = lookupOp('', 'MatMul')!;
    const mmNode = new OnnxNode('mm', 'MatMul', '', ['a', 'b'], ['y'], new Map());
    const prep = mm.prepare!(mmNode, [null, bf], ctx)!;
    const av = rng.f32(m * k);
    const a = Tensor.from(av, [m, k], 'float32', e);
    const [y] = prep.run([a, null], ctx);
    const [yf] = mm.run(mmNode, [a, bf], ctx);
    const w = new Int8Array(n * k);
    for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) w[j * k + p] = codes[p * n + j];
    const ref = qgemmRef(m, n, k, av, k, w, scales, null, 'none');
    const got = y.toFloat32Array();
    for (let i = 0; i < got.length; i++) if (got[i] !== ref.out[i]) expect.fail(`QDQ MatMul [${build}] at ${i}: ${got[i]} vs int8 reference ${ref.out[i]}`);
    const fl = yf.toFloat32Array();
    let err = 0;
    let scale = 0;
    for (let i = 0; i < fl.length; i++) {
      err = Math.max(err, Math.abs(got[i] - fl[i]));
      scale = Math.max(scale, Math.abs(fl[i]));
    }
    console.info(`[int8 accuracy] onnx QDQ MatMul ${m}x${k}x${n}: max abs ${err.toExponential(3)} vs dequantize-then-float, rel ${(100 * err / scale).toFixed(3)}%`);
    expect(err / scale).toBeLessThan(0.03);
    prep.dispose();
  });
});
