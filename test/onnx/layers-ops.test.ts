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

  it('ConvTranspose 3-D (depth taps of the 2-D one) vs a float64 scatter: strides, pads, dilation, groups, bias', async () => {
    await useBuild(build);
    const engine = getEngine();
    const rng = new Rng(6060);
    const op = lookupOp('', 'ConvTranspose')!;
    const [n, cin, og, g, d, h, w, k] = [2, 4, 3, 2, 3, 4, 5, [2, 3, 2]];
    const [st, dl, pb, pe] = [[2, 1, 2], [1, 2, 1], [1, 0, 1], [0, 1, 1]];
    const attrs = new Map<string, { type: 'ints'; value: number[] } | { type: 'int'; value: number }>([
      ['strides', { type: 'ints', value: st }], ['dilations', { type: 'ints', value: dl }], ['pads', { type: 'ints', value: [...pb, ...pe] }], ['group', { type: 'int', value: g }],
    ]);
    const node = new OnnxNode('ct', 'ConvTranspose', '', ['x', 'w', 'b'], ['y'], attrs);
    op.check?.(node, { engine, opset: 11 });
    const xs = rng.f32(n * cin * d * h * w), ws = rng.f32(cin * og * k[0] * k[1] * k[2]), bs = rng.f32(og * g);
    const [y] = op.run(node, [Tensor.from(xs, [n, cin, d, h, w]), Tensor.from(ws, [cin, og, ...k]), Tensor.from(bs)], { engine, opset: 11 });
    const ins = [d, h, w];
    const out = ins.map((s, i) => (s - 1) * st[i] + dl[i] * (k[i] - 1) + 1 - pb[i] - pe[i]);
    expect(y.shape).toEqual([n, og * g, ...out]);
    const ref = new Float64Array(y.numel);
    const vol = out[0] * out[1] * out[2];
    for (let b = 0; b < n; b++) for (let co = 0; co < og * g; co++) for (let i = 0; i < vol; i++) ref[(b * og * g + co) * vol + i] = bs[co];
    const cg = cin / g;
    for (let b = 0; b < n; b++) for (let ci = 0; ci < cin; ci++) for (let z = 0; z < d; z++) for (let yy = 0; yy < h; yy++) for (let xx = 0; xx < w; xx++) {
      const xv = xs[(((b * cin + ci) * d + z) * h + yy) * w + xx];
      const gi = Math.floor(ci / cg);
      for (let o = 0; o < og; o++) for (let a = 0; a < k[0]; a++) for (let c = 0; c < k[1]; c++) for (let e = 0; e < k[2]; e++) {
        const oz = z * st[0] - pb[0] + a * dl[0], oy = yy * st[1] - pb[1] + c * dl[1], ox = xx * st[2] - pb[2] + e * dl[2];
        if (oz < 0 || oy < 0 || ox < 0 || oz >= out[0] || oy >= out[1] || ox >= out[2]) continue;
        ref[((((b * og * g + gi * og + o) * out[0] + oz) * out[1] + oy) * out[2]) + ox] += xv * ws[(((ci * og + o) * k[0] + a) * k[1] + c) * k[2] + e];
      }
    }
    expectClose('ConvTranspose 3-D', y.toFloat32Array(), ref, 1e-5);
    const types = op.infer!(node, [{ dtype: 'float32', shape: [n, cin, d, h, w] }, { dtype: 'float32', shape: [cin, og, ...k] }, null], [null, null, null], { engine, opset: 11 });
    expect(types[0].shape).toEqual(y.shape);
  });
});
