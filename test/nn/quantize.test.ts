/**
 * nn.quantizeDynamic (src/nn/quantize.ts) on every build: quantized layers equal the int8 GEMM
 * reference bit for bit (test/reference/qgemm.ts on the weights the state dict holds), their error
 * against float32 on the golden inputs is measured and bounded (max abs, relative to the output
 * scale max|y|, argmax agreement for the classifiers), state dicts round-trip through safetensors
 * (I8 + F32) bit for bit, per-tensor scales load, NaN rows stay NaN.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Tensor, nn, loadSafetensors, saveSafetensors, type Engine } from '../../dist/src/entries/node.js';
import { TinyTransformerClassifier, optionsFromKwargs } from '../../dist/examples/index.js';
import { loadCaseBytes } from '../../dist/tools/conformance/load.js';
import { stateDictOf } from '../../dist/tools/conformance/types.js';
import { runnableBuilds, useBuild } from '../helpers/engines.js';
import { Rng } from '../helpers/rng.js';
import { qgemmRef } from '../reference/qgemm.js';

const fixture = (dir: string, name: string) => new URL(`../fixtures/${dir}/${name}.safetensors`, import.meta.url).pathname;
function golden(dir: string, name: string) {
  const c = loadCaseBytes(new Uint8Array(readFileSync(fixture(dir, name))));
  return { ...c, stateDict: stateDictOf(c), t: c.tensors };
}

/** max |a - b| and that over max |b| (the output scale). */
export function errorStats(got: Float32Array, ref: Float32Array): { maxAbs: number; rel: number } {
  let maxAbs = 0;
  let scale = 0;
  for (let i = 0; i < ref.length; i++) {
    maxAbs = Math.max(maxAbs, Math.abs(got[i] - ref[i]));
    scale = Math.max(scale, Math.abs(ref[i]));
  }
  return { maxAbs, rel: maxAbs / scale };
}

function argmaxRows(v: Float32Array, n: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < v.length; i += n) {
    let best = 0;
    for (let j = 1; j < n; j++) if (v[i + j] > v[i + best]) best = j;
    out.push(best);
  }
  return out;
}

const report = (what: string, s: { maxAbs: number; rel: number }, extra = '') => console.info(`[int8 accuracy] ${what}: max abs ${s.maxAbs.toExponential(3)}, rel to output scale ${(100 * s.rel).toFixed(3)}%${extra}`);

describe.each(runnableBuilds())('nn.quantizeDynamic [%s build]', (build) => {
  it('Linear golden cases: bit-exact vs the int8 reference, error vs float32 bounded', async () => {
    const e = await useBuild(build);
    for (const name of ['in64_out32_bias_x8x64', 'in256_out256_bias_x32x256', 'in1024_out64_bias_x16x1024', 'in128_out64_nobias_x2x16x128', 'in1_out1_bias_x1']) {
      const g = golden('linear', name);
      const [out, inF] = g.stateDict.weight.shape;
      const lin = new nn.Linear(inF, out, { bias: 'bias' in g.stateDict }, e).loadStateDict(g.stateDict);
      const f32 = lin.forward(g.t.input).toFloat32Array();
      expect(nn.quantizeDynamic(lin)).toBe(lin); // in place
      expect(lin.weight.dtype).toBe('int8');
      expect(Object.keys(lin.stateDict())).toEqual(['weight', ...('bias' in g.stateDict ? ['bias'] : []), 'weight_scale']);
      const y = lin.forward(g.t.input);
      const got = y.toFloat32Array();
      const x = g.t.input.toFloat32Array();
      const m = x.length / inF;
      const sd = lin.stateDict();
      const ref = qgemmRef(m, out, inF, x, inF, sd.weight.toTypedArray() as Int8Array, sd.weight_scale.toFloat32Array(), sd.bias ? sd.bias.toFloat32Array() : null, 'none');
      for (let i = 0; i < got.length; i++) if (got[i] !== ref.out[i]) expect.fail(`${name} [${build}] at ${i}: got ${got[i]}, int8 reference ${ref.out[i]}`);
      const s = errorStats(got, g.t.output.toFloat32Array());
      report(`linear/${name}`, s);
      expect(s.rel, name).toBeLessThan(0.03);
      const s32 = errorStats(got, f32);
      expect(s32.rel).toBeLessThan(0.03);
      lin.dispose();
    }
  });

  it('state dict round trip through safetensors (I8 + F32) is bit-exact; per-tensor scales load', async () => {
    const e = await useBuild(build);
    const rng = new Rng(7);
    const lin = new nn.Linear(37, 19, {}, e);
    nn.quantizeDynamic(lin);
    const x = Tensor.from(rng.f32(5 * 37), [5, 37], 'float32', e);
    const y = lin.forward(x).toFloat32Array();
    const bytes = saveSafetensors(lin.stateDict());
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true)))));
    expect(header.weight.dtype).toBe('I8');
    expect(header.weight.shape).toEqual([19, 37]);
    expect(header.weight_scale.dtype).toBe('F32');
    expect(header.weight_scale.shape).toEqual([19]);
    const loaded = loadSafetensors(bytes, e);
    const lin2 = nn.quantizeDynamic(new nn.Linear(37, 19, {}, e)).loadStateDict(loaded);
    expect(Array.from(lin2.forward(x).toFloat32Array())).toEqual(Array.from(y));
    // a float32 checkpoint does not load into a quantized module silently: the dtype converts, the
    // keys must match (weight_scale is required)
    const f = new nn.Linear(37, 19, {}, e);
    expect(() => lin2.loadStateDict(f.stateDict())).toThrow(/weight_scale/);
    // per-tensor scale ([1], PyTorch's default qint8 weights), weights using -128
    const q = Int8Array.from({ length: 19 * 37 }, (_, i) => (i % 256) - 128);
    const per = new nn.Linear(37, 19, {}, e);
    nn.quantizeDynamic(per);
    const bias = rng.f32(19);
    const st = { weight: Tensor.from(q, [19, 37], 'int8', e), weight_scale: Tensor.from([0.01], [1], 'float32', e), bias: Tensor.from(bias, [19], 'float32', e) };
    expect(() => per.loadStateDict(st)).toThrow(/weight_scale/); // shape [1] vs [19]
    per.loadStateDict({ ...st, weight_scale: Tensor.from(new Float32Array(19).fill(0.01), [19], 'float32', e) });
    const ref = qgemmRef(5, 19, 37, x.toFloat32Array(), 37, q, new Float32Array(19).fill(0.01), bias, 'none');
    expect(Array.from(per.forward(x).toFloat32Array())).toEqual(Array.from(ref.out, Math.fround));
    for (const m of [lin, lin2, f, per]) m.dispose();
  });

  it('NaN in an input row gives NaN in that output row only; zero rows give the bias', async () => {
    const e: Engine = await useBuild(build);
    const lin = nn.quantizeDynamic(new nn.Linear(20, 9, {}, e));
    const xv = new Rng(3).f32(3 * 20);
    xv[20 + 4] = NaN;
    xv.fill(0, 40, 60);
    const y = lin.forward(Tensor.from(xv, [3, 20], 'float32', e)).toFloat32Array();
    const b = lin.stateDict().bias.toFloat32Array();
    for (let j = 0; j < 9; j++) {
      expect(Number.isFinite(y[j])).toBe(true);
      expect(Number.isNaN(y[9 + j])).toBe(true);
      expect(y[18 + j]).toBe(b[j]);
    }
    lin.dispose();
  });

  it('TinyTransformerClassifier quantized: logits error bounded, argmax agrees with float32', async () => {
    const e = await useBuild(build);
    const g = golden('model', 'tiny_transformer_classifier_2x16');
    const m = new TinyTransformerClassifier(optionsFromKwargs(g.params.kwargs), e).loadStateDict(g.stateDict);
    const before = m.stateDict();
    const bytesBefore = Object.values(before).reduce((s, t) => s + t.byteLength, 0);
    nn.quantizeDynamic(m);
    const after = m.stateDict();
    const bytesAfter = Object.values(after).reduce((s, t) => s + t.byteLength, 0);
    const got = m.forward(g.t.input).toFloat32Array();
    const ref = g.t.output.toFloat32Array();
    const s = errorStats(got, ref);
    const classes = g.t.output.shape[g.t.output.ndim - 1];
    const agree = argmaxRows(got, classes).filter((c, i) => c === argmaxRows(ref, classes)[i]).length;
    report('model/tiny_transformer_classifier_2x16', s, `, argmax ${agree}/${ref.length / classes}, state ${bytesBefore} -> ${bytesAfter} bytes`);
    expect(agree).toBe(ref.length / classes);
    expect(s.rel).toBeLessThan(0.05);
    m.dispose();
  });
});
