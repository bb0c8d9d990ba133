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
import { TinyTransformerClassifier, CharLSTM, TinyCNN, optionsFromKwargs } from '../../dist/examples/index.js';
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

type RnnKind = 'lstm' | 'gru' | 'rnn';
/** Runs a recurrent golden case, quantized or not; returns output and h_n as float arrays. */
function runRnn(kind: RnnKind, name: string, e: Engine, quantize: boolean): { out: Float32Array; hn: Float32Array; ref: Float32Array; refH: Float32Array; bytes: number } {
  const g = golden(kind, name);
  const p = g.params;
  const o = { numLayers: p.num_layers ?? 1, bias: p.bias ?? true, batchFirst: p.batch_first ?? false, bidirectional: p.bidirectional ?? false };
  const m = kind === 'lstm' ? new nn.LSTM(p.input_size, p.hidden_size, o, e) : kind === 'gru' ? new nn.GRU(p.input_size, p.hidden_size, o, e) : new nn.RNN(p.input_size, p.hidden_size, { ...o, nonlinearity: p.nonlinearity ?? 'tanh' }, e);
  m.loadStateDict(g.stateDict);
  if (quantize) {
    nn.quantizeDynamic(m);
    expect(m.quantized).toBe(true);
  }
  const bytes = Object.values(m.stateDict()).reduce((s, t) => s + t.byteLength, 0);
  const t = g.t;
  let out: Tensor;
  let hn: Tensor;
  if (m instanceof nn.LSTM) [out, [hn]] = m.forward(t.input, t.h0 ? ([t.h0, t.c0] as [Tensor, Tensor]) : undefined);
  else [out, hn] = (m as nn.GRU).forward(t.input, t.h0);
  const r = { out: out.toFloat32Array(), hn: hn.toFloat32Array(), ref: t.output.toFloat32Array(), refH: t.h_n.toFloat32Array(), bytes };
  m.dispose();
  return r;
}

/** Classifier logits vs the reference: the error stats, argmax agreement count and rows (reported). */
function classify(what: string, got: Float32Array, ref: Float32Array, classes: number) {
  const a = argmaxRows(got, classes);
  const b = argmaxRows(ref, classes);
  const agree = a.filter((c, i) => c === b[i]).length;
  const s = errorStats(got, ref);
  report(what, s, `, argmax ${agree}/${a.length}`);
  return { ...s, agree, rows: a.length };
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

  it('RNN / GRU / LSTM golden cases quantized (W_ih and W_hh int8): error vs float32 bounded', async () => {
    const e = await useBuild(build);
    const cases: [RnnKind, string][] = [
      ['lstm', 'I16_H32_L2_T16_B4_uni_tf_h0'], ['lstm', 'I32_H64_L2_T32_B2_bi_bf'], ['lstm', 'I4_H7_L2_T9_unbatched_bi_tf_h0'], ['lstm', 'I16_H32_L1_T8_B2_uni_tf_nobias'],
      ['gru', 'I32_H128_L1_T64_B2_uni_bf_h0'], ['gru', 'I6_H13_L1_T1_B3_bi_bf_h0_nobias'], ['gru', 'I8_H16_L2_T16_B2_bi_tf_h0'], ['rnn', 'relu_I8_H16_L2_T16_B2_bi_tf_h0'], ['rnn', 'tanh_I32_H128_L1_T64_B2_uni_bf_h0'], ['rnn', 'tanh_I4_H1_L1_T16_B2_uni_tf'],
    ];
    for (const [kind, name] of cases) {
      const f = runRnn(kind, name, e, false);
      const q = runRnn(kind, name, e, true);
      const s = errorStats(q.out, f.ref);
      const sh = errorStats(q.hn, f.refH);
      report(`${kind}/${name}`, s, `, h_n rel ${(100 * sh.rel).toFixed(3)}%, state ${f.bytes} -> ${q.bytes} bytes`);
      expect(s.rel, `${kind}/${name}`).toBeLessThan(0.05);
      expect(sh.rel, `${kind}/${name} h_n`).toBeLessThan(0.05);
      if (f.bytes > 1000) expect(q.bytes).toBeLessThan(f.bytes * 0.45); // (tiny layers: the f32 biases dominate)
      expect(errorStats(f.out, f.ref).rel).toBeLessThan(1e-4); // the float path is untouched
    }
  });

  it('CharLSTM quantized: next-character argmax agrees with float32 on most positions', async () => {
    const e = await useBuild(build);
    const g = golden('model', 'char_lstm_2x32');
    const m = new CharLSTM({ ...optionsFromKwargs(g.params.kwargs), alphabet: g.params.alphabet }, e).loadStateDict(g.stateDict);
    nn.quantizeDynamic(m);
    const [logits] = m.forward(g.t.input);
    const r = classify('model/char_lstm_2x32', logits.toFloat32Array(), g.t.output.toFloat32Array(), g.t.output.shape[g.t.output.ndim - 1]);
    expect(r.agree / r.rows).toBeGreaterThanOrEqual(0.9);
    expect(r.rel).toBeLessThan(0.05);
    m.dispose();
  });

  it('MultiheadAttention quantized (in_proj and out_proj int8): error vs float32 bounded, keys documented', async () => {
    const e = await useBuild(build);
    const rng = new Rng(11);
    for (const [E, H, kdim] of [[32, 4, 32], [24, 3, 16]]) {
      const m = new nn.MultiheadAttention(E, H, { batchFirst: true, kdim, vdim: kdim }, e);
      const q = Tensor.from(rng.f32(2 * 5 * E), [2, 5, E], 'float32', e);
      const kv = kdim === E ? q : Tensor.from(rng.f32(2 * 7 * kdim), [2, 7, kdim], 'float32', e);
      const [ref] = m.forward(q, kv, kv);
      const refV = ref.toFloat32Array();
      nn.quantizeDynamic(m);
      const keys = Object.keys(m.stateDict());
      expect(keys).toContain(kdim === E ? 'in_proj_weight_scale' : 'k_proj_weight_scale');
      expect(keys).toContain('out_proj.weight_scale');
      const [got] = m.forward(q, kv, kv);
      const s = errorStats(got.toFloat32Array(), refV);
      report(`multihead_attention E=${E} heads=${H} kdim=${kdim}`, s);
      expect(s.rel).toBeLessThan(0.05);
      // round trip into a fresh quantized module
      const m2 = nn.quantizeDynamic(new nn.MultiheadAttention(E, H, { batchFirst: true, kdim, vdim: kdim }, e)).loadStateDict(loadSafetensors(saveSafetensors(m.stateDict()), e));
      expect(Array.from(m2.forward(q, kv, kv)[0].toFloat32Array())).toEqual(Array.from(got.toFloat32Array()));
      m.dispose();
      m2.dispose();
    }
  });

  it('Conv2d / Conv1d golden cases quantized (im2col and 1x1 paths, groups, strides, dilation): error bounded', async () => {
    const e = await useBuild(build);
    const cases: [string, string][] = [
      ['conv2d', 'b1_c64to64_16x16_k3x3_s1x1_p1x1_d1x1_g1_bias'], ['conv2d', 'b2_c16to32_16x16_k1x1_s1x1_p0x0_d1x1_g1_bias'], ['conv2d', 'b2_c16to32_16x16_k1x1_s2x2_p0x0_d1x1_g1_nobias'],
      ['conv2d', 'b2_c16to32_16x16_k3x3_s2x2_p1x1_d1x1_g2_nobias'], ['conv2d', 'b1_c7to14_19x13_k3x3_s3x2_p1x0_d1x1_g7_bias'], ['conv2d', 'b1_c3to5_10x9_k4x2_s1x1_same_d2x3_g1_bias'],
      ['conv2d', 'b2_c3to16_32x32_k7x7_s2x2_p3x3_d1x1_g1_bias'], ['conv1d', 'b2_c8to16_L32_k3_s1_p1_d1_g1_bias'], ['conv1d', 'b1_c3to4_L9_k2_s1_same_d3_g1_bias'],
    ];
    for (const [dir, name] of cases) {
      const g = golden(dir, name);
      const p = g.params;
      const w = g.stateDict.weight;
      const dims = dir === 'conv2d' ? 2 : 1;
      const opts = { stride: p.stride, padding: p.padding, dilation: p.dilation, groups: p.groups ?? 1, bias: 'bias' in g.stateDict };
      const m = dims === 2 ? new nn.Conv2d(p.in_channels, p.out_channels, p.kernel_size, opts, e) : new nn.Conv1d(p.in_channels, p.out_channels, p.kernel_size, opts, e);
      m.loadStateDict(g.stateDict);
      nn.quantizeDynamic(m);
      expect(m.weight.dtype).toBe('int8');
      expect(m.weight.shape).toEqual(w.shape);
      const got = m.forward(g.t.input).toFloat32Array();
      const s = errorStats(got, g.t.output.toFloat32Array());
      report(`${dir}/${name}`, s);
      expect(s.rel, name).toBeLessThan(0.04);
      const m2 = (dims === 2 ? new nn.Conv2d(p.in_channels, p.out_channels, p.kernel_size, opts, e) : new nn.Conv1d(p.in_channels, p.out_channels, p.kernel_size, opts, e));
      nn.quantizeDynamic(m2).loadStateDict(loadSafetensors(saveSafetensors(m.stateDict()), e));
      expect(Array.from(m2.forward(g.t.input).toFloat32Array())).toEqual(Array.from(got));
      m.dispose();
      m2.dispose();
    }
  });

  it('TinyCNN quantized (convs and the classifier int8): argmax agrees with float32', async () => {
    const e = await useBuild(build);
    for (const name of ['tiny_cnn_1x3x32x32', 'tiny_cnn_in_ch-3_c1-13_c2-17_hw-13_num_classes-1_2x3x13x13']) {
      const g = golden('model', name);
      const m = new TinyCNN({ ...(g.params.kwargs ? optionsFromKwargs(g.params.kwargs) : {}), foldBatchNorm: false }, e).loadStateDict(g.stateDict);
      nn.quantizeDynamic(m);
      const classes = g.t.output.shape[g.t.output.ndim - 1];
      const r = classify(`model/${name}`, m.forward(g.t.input).toFloat32Array(), g.t.output.toFloat32Array(), classes);
      expect(r.agree).toBe(r.rows);
      expect(r.rel).toBeLessThan(0.05);
      if (name === 'tiny_cnn_1x3x32x32') {
        // the golden file has one image: 32 more (seeded, golden weights) against the float32 model
        const f = new TinyCNN({ foldBatchNorm: false }, e).loadStateDict(g.stateDict);
        const x = Tensor.from(new Rng(21).randn(32 * 3 * 32 * 32), [32, 3, 32, 32], 'float32', e);
        const rr = classify('model/tiny_cnn 32 random images vs float32 simdnn', m.forward(x).toFloat32Array(), f.forward(x).toFloat32Array(), classes);
        expect(rr.agree).toBeGreaterThanOrEqual(30);
        f.dispose();
      }
      m.dispose();
    }
  });

  it('PyTorch quantize_dynamic state dicts (converted by tools/torch-qdynamic-to-safetensors.py) load and match torch', async () => {
    const e = await useBuild(build);
    for (const name of ['mlp_per_tensor', 'mlp_per_channel']) {
      const file = loadSafetensors(new Uint8Array(readFileSync(fixture('int8', name))), e);
      const dict = Object.fromEntries(Object.entries(file).filter(([k]) => k.startsWith('model.')).map(([k, v]) => [k.slice(6), v]));
      expect(dict['0.weight'].dtype).toBe('int8');
      const m = nn.quantizeDynamic(new nn.Sequential(new nn.Linear(32, 64, {}, e), new nn.ReLU(), new nn.Linear(64, 10, {}, e))).loadStateDict(dict);
      expect(Array.from(m.stateDict()['0.weight'].toTypedArray())).toEqual(Array.from(dict['0.weight'].toTypedArray()));
      const y = m.forward(file.input).toFloat32Array();
      const vsTorch = classify(`torch quantize_dynamic ${name} vs torch's int8 output`, y, file.output_torch_int8.toFloat32Array(), 10);
      const vsF32 = classify(`torch quantize_dynamic ${name} vs float32`, y, file.output_float32.toFloat32Array(), 10);
      expect(vsTorch.rel).toBeLessThan(0.03);
      expect(vsF32.rel).toBeLessThan(0.04);
      expect(vsTorch.agree).toBeGreaterThanOrEqual(15);
      m.dispose();
    }
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
