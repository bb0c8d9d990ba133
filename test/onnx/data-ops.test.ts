/**
 * The ONNX data-movement op table (src/onnx/ops/data.ts) run node by node on the ONNX backend
 * test cases of its ops (extracted from Debian's libonnx-testdata by
 * tools/gen-onnx-data-cases.py into test/fixtures/onnx-data-node-cases.json), before the ONNX
 * loader exists: every case must match exactly (data movement is bit-exact; Range's float
 * values within the backend runner's rtol 1e-3, atol 1e-7). Then hand-built nodes for what that
 * suite version (opset <= 16) does not cover: Split num_outputs (18), Pad axes (18) and wrap
 * mode (19), Slice opset 1 attributes, ScatterElements max/min (18), errors naming the node.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Tensor, OnnxError, type Engine, type DType } from '../../dist/src/entries/node.js';
import { OnnxNode, type AttrValue } from '../../dist/src/onnx/node.js';
import { lookupOp } from '../../dist/src/onnx/ops/index.js';
import { useBuild } from '../helpers/engines.js';

interface Tv { name: string; dtype: DType; dims: number[]; data: (number | string)[] }
interface Case {
  name: string;
  skip?: string;
  opset: number;
  node: { opType: string; name: string; inputs: string[]; outputs: string[]; attrs: Record<string, AttrValue> };
  graphInputs: string[];
  inputs: Tv[];
  outputs: Tv[];
}

const CASES: Case[] = JSON.parse(readFileSync(new URL('../fixtures/onnx-data-node-cases.json', import.meta.url), 'utf8'));

function toTensor(v: Tv, e: Engine): Tensor {
  const num = v.data.map((x) => (typeof x === 'string' ? Number(x) : x));
  const arr = v.dtype === 'int64' ? new BigInt64Array(num.map((x) => BigInt(x))) : num;
  return Tensor.from(arr, v.dims, v.dtype, e);
}

function runNode(e: Engine, opset: number, opType: string, inputs: (Tensor | null)[], attrs: Record<string, AttrValue> = {}, nOut = 1): Tensor[] {
  const node = new OnnxNode('n', opType, '', inputs.map((t, i) => (t ? `in${i}` : '')), Array.from({ length: nOut }, (_, i) => `out${i}`), new Map(Object.entries(attrs)));
  const def = lookupOp('', opType);
  if (!def) throw new Error(`${opType} is not registered`);
  const ctx = { engine: e, opset };
  def.check?.(node, ctx);
  return def.run(node, inputs, ctx);
}

describe('ONNX data ops on the backend node tests', () => {
  for (const c of CASES) {
    it.skipIf(!!c.skip)(`${c.name}${c.skip ? ` (skip: ${c.skip})` : ''}`, async () => {
      const e = await useBuild('debug');
      const byName = new Map<string, Tensor>();
      c.inputs.forEach((v, i) => byName.set(v.name || c.graphInputs[i], toTensor(v, e)));
      const ins = c.node.inputs.map((n) => (n ? byName.get(n) ?? null : null));
      const node = new OnnxNode(c.node.name, c.node.opType, '', c.node.inputs, c.node.outputs, new Map(Object.entries(c.node.attrs)));
      const def = lookupOp('', c.node.opType)!;
      expect(def, `${c.node.opType} registered`).toBeDefined();
      const ctx = { engine: e, opset: c.opset };
      def.check?.(node, ctx);
      const outs = def.run(node, ins, ctx);
      expect(outs.length).toBe(c.outputs.length);
      if (def.infer) {
        // static inference (all inputs passed as constants) must agree with what run produced
        const types = ins.map((t) => (t ? { dtype: t.dtype, shape: t.shape.slice() } : null));
        const inferred = def.infer(node, types, ins, ctx);
        // a symbolic '?' (data-dependent size) matches any size
        const shown = inferred.map((v, j) => [v.dtype, v.shape?.map((d, k) => (typeof d === 'string' ? outs[j]?.shape[k] : d))]);
        if (inferred.length) expect(shown, `${c.name} infer`).toEqual(outs.map((t) => [t.dtype, t.shape]));
      }
      c.outputs.forEach((want, k) => {
        const got = outs[k];
        expect(got.dtype, `${c.name} output ${k} dtype`).toBe(want.dtype);
        expect(got.shape, `${c.name} output ${k} shape`).toEqual(want.dims);
        const g = Array.from(got.toTypedArray() as ArrayLike<number | bigint>, Number);
        const w = want.data.map((v) => (want.dtype === 'float32' ? Math.fround(Number(v)) : Number(v)));
        const range = c.node.opType === 'Range' && want.dtype === 'float32';
        for (let i = 0; i < w.length; i++) {
          const ok = range ? Math.abs(g[i] - w[i]) <= 1e-7 + 1e-3 * Math.abs(w[i]) : Object.is(g[i], w[i]) || (Number.isNaN(g[i]) && Number.isNaN(w[i])) || g[i] === w[i];
          if (!ok) expect.fail(`${c.name} output ${k} [${i}] (shape [${want.dims}]): got ${g[i]}, expected ${w[i]}`);
        }
      });
      outs.forEach((t) => t.dispose());
      byName.forEach((t) => t.dispose());
    });
  }
});

describe('ONNX data ops: newer opsets and errors (hand-built nodes)', () => {
  const I = (v: number[]) => Tensor.from(new BigInt64Array(v.map(BigInt)), [v.length]);
  const F32 = (v: number[], shape: number[]) => Tensor.from(new Float32Array(v), shape);
  const vals = (t: Tensor) => Array.from(t.toFloat32Array());

  it('Split: num_outputs (18) gives ceil-sized pieces; split as input (13) and as attribute (11)', async () => {
    const e = await useBuild('simd');
    const x = F32([1, 2, 3, 4, 5, 6, 7], [7]);
    const a = runNode(e, 18, 'Split', [x], { num_outputs: { type: 'int', value: 3 } }, 3);
    expect(a.map(vals)).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
    const b = runNode(e, 13, 'Split', [x, I([2, 5])], {}, 2);
    expect(b.map(vals)).toEqual([[1, 2], [3, 4, 5, 6, 7]]);
    const c = runNode(e, 11, 'Split', [x], { split: { type: 'ints', value: [6, 1] } }, 2);
    expect(c.map(vals)).toEqual([[1, 2, 3, 4, 5, 6], [7]]);
    expect(() => runNode(e, 11, 'Split', [x], {}, 2)).toThrow(/does not split evenly into 2 outputs/);
  });

  it('Slice: opset 1 attributes; negative steps with INT64 extremes', async () => {
    const e = await useBuild('simd');
    const x = F32(Array.from({ length: 12 }, (_, i) => i), [3, 4]);
    const a = runNode(e, 1, 'Slice', [x], { starts: { type: 'ints', value: [1, 0] }, ends: { type: 'ints', value: [3, -1] } });
    expect(a[0].shape).toEqual([2, 3]);
    expect(vals(a[0])).toEqual([4, 5, 6, 8, 9, 10]);
    const big = 9223372036854775807;
    const b = runNode(e, 13, 'Slice', [x, I([-1]), Tensor.from(new BigInt64Array([-9223372036854775807n]), [1]), I([1]), I([-2])]);
    expect(vals(b[0])).toEqual([3, 1, 7, 5, 11, 9]);
    expect(big).toBeGreaterThan(0);
  });

  it('Pad: axes input (18), edge and wrap modes, constant_value', async () => {
    const e = await useBuild('simd');
    const x = F32([1, 2, 3, 4, 5, 6], [2, 3]);
    const a = runNode(e, 18, 'Pad', [x, I([1, 2]), F32([9], []), I([-1])], { mode: { type: 'string', value: 'constant' } });
    expect(a[0].shape).toEqual([2, 6]);
    expect(vals(a[0])).toEqual([9, 1, 2, 3, 9, 9, 9, 4, 5, 6, 9, 9]);
    const b = runNode(e, 19, 'Pad', [x, I([0, 2, 0, 1])], { mode: { type: 'string', value: 'wrap' } });
    expect(vals(b[0])).toEqual([2, 3, 1, 2, 3, 1, 5, 6, 4, 5, 6, 4]);
    const c = runNode(e, 11, 'Pad', [x, I([1, 0, 0, 0])], { mode: { type: 'string', value: 'edge' } });
    expect(vals(c[0])).toEqual([1, 2, 3, 1, 2, 3, 4, 5, 6]);
    expect(() => runNode(e, 11, 'Pad', [x, I([1, 0])], { mode: { type: 'string', value: 'mirror' } })).toThrow(OnnxError);
  });

  it('ScatterElements max/min (18); errors are OnnxErrors naming the node', async () => {
    const e = await useBuild('simd');
    const x = F32([1, 5, 3], [3]);
    const a = runNode(e, 18, 'ScatterElements', [x, I([0, 1, 0]), F32([4, 2, 0], [3])], { reduction: { type: 'string', value: 'max' } });
    expect(vals(a[0])).toEqual([4, 5, 3]);
    const b = runNode(e, 18, 'ScatterElements', [x, I([0, 1, 0]), F32([4, 2, 0], [3])], { reduction: { type: 'string', value: 'min' } });
    expect(vals(b[0])).toEqual([0, 2, 3]);
    expect(() => runNode(e, 13, 'Gather', [x, I([7])])).toThrow(/node "n" \(Gather\): .*index\[0\] = 7 is out of range/);
    expect(() => runNode(e, 13, 'Transpose', [x], { perm: { type: 'ints', value: [0, 0] } })).toThrow(OnnxError);
    expect(() => runNode(e, 13, 'Concat', [x, x])).toThrow(/attribute "axis" is required/);
  });
});
