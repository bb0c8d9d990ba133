/**
 * The layer family's ONNX OpDefs (src/onnx/ops/layers.ts) against the ONNX backend node tests
 * (libonnx-testdata), one node at a time, before and independently of the graph runtime: each
 * test in EXPECTED must pass with the backend tolerance; the others must be refused with an
 * OnnxError (or DTypeError for dtypes outside float32) naming the node.
 */
import { describe, expect, it } from 'vitest';
import { OnnxError, DTypeError } from '../../dist/src/entries/node.js';
import { getEngine } from '../../dist/src/internal.js';
import { lookupOp } from '../../dist/src/onnx/ops/index.js';
import { HAVE_NODE_TESTS, compareOutput, loadNodeCase, nodeTestsFor } from '../helpers/onnx-node-case.js';
import { runnableBuilds, useBuild } from '../helpers/engines.js';
import { Tensor } from '../../dist/src/entries/node.js';
import { OnnxNode } from '../../dist/src/onnx/node.js';
import { Rng } from '../helpers/rng.js';
import { expectClose } from '../helpers/geom.js';
import { groupNormRef } from '../reference/layers.js';

const FAMILIES = ['test_maxpool', 'test_averagepool', 'test_globalaveragepool', 'test_globalmaxpool', 'test_convtranspose', 'test_resize', 'test_upsample', 'test_instancenorm'];

/** Tests of FAMILIES that are not expected to pass, with the reason (3-D windows, uint8, ...). */
const REFUSED: Record<string, string> = {
  test_convtranspose_3d: '3-D windows',
};

describe.skipIf(!HAVE_NODE_TESTS).each(runnableBuilds())('ONNX layer ops vs the backend node tests [%s build]', (build) => {
  it('pooling', async () => {
    await useBuild(build);
    const engine = getEngine();
    const names = nodeTestsFor(FAMILIES);
    expect(names.length).toBeGreaterThan(20);
    let passed = 0;
    for (const name of names) {
      const c = loadNodeCase(name);
      const op = lookupOp(c.node.domain, c.node.opType);
      if (!op) throw new Error(`${name}: ${c.node.opType} is not registered`);
      const ctx = { engine, opset: c.opset };
      const attempt = () => {
        op.check?.(c.node, ctx);
        const outs = op.run(c.node, c.inputs, ctx);
        c.expected.forEach((e, i) => compareOutput(`${build} ${name} output ${i}`, outs[i], e));
        if (op.infer) {
          const types = op.infer(c.node, c.inputs.map((t) => (t ? { dtype: t.dtype, shape: [...t.shape] } : null)), c.inputs, ctx);
          types.forEach((t, i) => expect(t.shape, `${name} infer`).toEqual([...outs[i].shape]));
        }
        for (const o of outs) o.dispose();
        // The prepared form (every input taken as a constant) gives the same outputs.
        const prep = op.prepare?.(c.node, c.inputs, ctx);
        if (prep) {
          const again = prep.run(c.inputs, ctx);
          c.expected.forEach((e, i) => compareOutput(`${build} ${name} prepared output ${i}`, again[i], e));
          for (const o of again) o.dispose();
          prep.dispose();
        }
      };
      if (REFUSED[name]) {
        expect(attempt, `${name} (${REFUSED[name]})`).toThrow(/./);
        try { attempt(); } catch (e) { expect(e instanceof OnnxError || e instanceof DTypeError, `${name}: ${String(e)}`).toBe(true); }
      } else {
        attempt();
        passed++;
      }
      for (const t of c.inputs) t?.dispose();
    }
    expect(passed).toBeGreaterThan(15);
  });

  it('GroupNormalization (not in this suite version): per-group scale (opset 18) and per-channel (21), by hand', async () => {
    await useBuild(build);
    const engine = getEngine();
    const rng = new Rng(5150);
    const [n, c, inner, g] = [2, 6, 7, 3];
    const xs = rng.f32(n * c * inner, -2, 2);
    const op = lookupOp('', 'GroupNormalization')!;
    const node = new OnnxNode('gn', 'GroupNormalization', '', ['x', 's', 'b'], ['y'], new Map([['num_groups', { type: 'int', value: g }], ['epsilon', { type: 'float', value: 1e-4 }]]));
    op.check?.(node, { engine, opset: 18 });
    for (const len of [g, c]) {
      const sc = rng.f32(len), bs = rng.f32(len);
      const per = (v: Float32Array) => Float32Array.from({ length: c }, (_, i) => (len === c ? v[i] : v[Math.floor(i / (c / g))]));
      const [y] = op.run(node, [Tensor.from(xs, [n, c, inner]), Tensor.from(sc), Tensor.from(bs)], { engine, opset: len === g ? 18 : 21 });
      expectClose(`GroupNormalization scale of ${len}`, y.toFloat32Array(), groupNormRef(n, c, inner, g, xs, per(sc), per(bs), 1e-4), 2e-5);
    }
    expect(() => op.run(node, [Tensor.from(xs, [n, c, inner]), Tensor.from(rng.f32(4)), Tensor.from(rng.f32(4))], { engine, opset: 18 })).toThrow(OnnxError);
  });
});
