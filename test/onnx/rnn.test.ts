/**
 * ONNX LSTM / GRU / RNN (src/onnx/ops/rnn.ts) on hand-built nodes against the float64 reference of
 * the ONNX equations (test/reference/onnx-rnn.ts): every direction, both layouts, with and without
 * B / initial_h / initial_c / P, ragged sequence_lens (with a length 0), GRU linear_before_reset 0
 * and 1, RNN Tanh and Relu, clip, LSTM input_forget, hidden sizes below/at/above the 4-unit block, through `prepare`
 * (weights packed at load) and through plain `run`; optional outputs omitted; load-time errors.
 */
import { describe, expect, it } from 'vitest';
import { engineFor, runnableBuilds } from '../helpers/engines.js';
import { Rng } from '../helpers/rng.js';
import { refOnnxRnn, type OnnxRnnKind } from '../reference/onnx-rnn.js';
import { OnnxNode, type AttrValue } from '../../dist/src/onnx/node.js';
import { lookupOp } from '../../dist/src/onnx/ops/index.js';
import { Tensor } from '../../dist/src/tensor.js';
import { OnnxError } from '../../dist/src/runtime/errors.js';

const SEED = 20261204;
const TOL = 3e-6;
type Engine = Awaited<ReturnType<typeof engineFor>>;

interface Case {
  kind: OnnxRnnKind;
  dir: 'forward' | 'reverse' | 'bidirectional';
  layout: 0 | 1;
  T: number;
  B: number;
  I: number;
  H: number;
  bias: boolean;
  h0: boolean;
  c0: boolean;
  peep: boolean;
  ragged: boolean;
  lbr: number;
  relu: boolean;
  prepared: boolean;
  /** Output names (absent ones ''). */
  outputs: string[];
  hiddenAttr: boolean;
  clip?: number;
  inputForget?: boolean;
}

function attrs(o: Record<string, AttrValue>): Map<string, AttrValue> {
  return new Map(Object.entries(o));
}

function runCase(e: Engine, rng: Rng, c: Case): void {
  const G = c.kind === 'LSTM' ? 4 : c.kind === 'GRU' ? 3 : 1;
  const D = c.dir === 'bidirectional' ? 2 : 1;
  const { T, B, I, H } = c;
  const label = `seed=${SEED} ${JSON.stringify(c)}`;
  const k = 1 / Math.sqrt(H);
  const X = rng.f32(T * B * I, -1.5, 1.5);
  const W = rng.f32(D * G * H * I, -k, k);
  const R = rng.f32(D * G * H * H, -k, k);
  const Bias = c.bias ? rng.f32(D * 2 * G * H, -k, k) : null;

  const h0 = c.h0 ? rng.f32(D * B * H) : null;
  const c0 = c.c0 && c.kind === 'LSTM' ? rng.f32(D * B * H, -2, 2) : null;
  const P = c.peep && c.kind === 'LSTM' ? rng.f32(D * 3 * H, -1, 1) : null;
  const seqLens = c.ragged ? Array.from({ length: B }, (_, b) => (b === 1 ? 0 : b === 0 ? T : 1 + ((b * 7) % T))) : null;
  const a: Record<string, AttrValue> = { direction: { type: 'string', value: c.dir } };
  if (c.hiddenAttr) a.hidden_size = { type: 'int', value: H };
  if (c.layout) a.layout = { type: 'int', value: 1 };
  if (c.kind === 'GRU') a.linear_before_reset = { type: 'int', value: c.lbr };
  if (c.clip) a.clip = { type: 'float', value: c.clip };
  if (c.inputForget) a.input_forget = { type: 'int', value: 1 };
  if (c.relu) a.activations = { type: 'strings', value: Array(D).fill('Relu') };
  const inNames = ['X', 'W', 'R', Bias ? 'B' : '', seqLens ? 'sequence_lens' : '', h0 ? 'initial_h' : ''];
  if (c.kind === 'LSTM') inNames.push(c0 ? 'initial_c' : '', P ? 'P' : '');
  while (inNames[inNames.length - 1] === '') inNames.pop();
  const node = new OnnxNode('rnn0', c.kind, '', inNames, c.outputs, attrs(a));
  const op = lookupOp('', c.kind)!;
  const ctx = { engine: e, opset: 14 };
  op.check!(node, ctx);
  const stDims = c.layout ? [B, D, H] : [D, B, H];
  const before = e.arena.stats().inUseBytes;
  const t = (data: ArrayLike<number> | null, shape: number[], dtype: 'float32' | 'int32' = 'float32') =>
    data ? Tensor.from(data instanceof Float32Array || dtype === 'int32' ? data : Float32Array.from(data), shape, dtype, e) : null;
  const ins = [
    t(X, c.layout ? [B, T, I] : [T, B, I]),
    t(W, [D, G * H, I]),
    t(R, [D, G * H, H]),
    t(Bias, [D, 2 * G * H]),
    seqLens ? t(Int32Array.from(seqLens), [B], 'int32') : null,
    t(h0, stDims),
    t(c0, stDims),
    t(P, [D, 3 * H]),
  ].slice(0, inNames.length).map((x, i) => (inNames[i] ? x : (x?.dispose(), null)));
  let outs: Tensor[] = [];
  try {
    if (c.prepared) {
      const consts = ins.map((x, i) => ([1, 2, 3, 7].includes(i) ? x : null));
      const prep = op.prepare!(node, consts, ctx);
      expect(prep, label).not.toBeNull();
      try {
        outs = prep!.run(ins, ctx);
        // A second run on the same packed weights gives the same result.
        const again = prep!.run(ins, ctx);
        expect(Array.from(again[0].data()), label).toEqual(Array.from(outs[0].data()));
        again.forEach((x) => x.dispose());
      } finally {
        prep!.dispose();
      }
    } else {
      outs = op.run(node, ins, ctx);
    }
    const ref = refOnnxRnn({
      kind: c.kind, T, B, I, H, reverse: c.dir === 'forward' ? [false] : c.dir === 'reverse' ? [true] : [false, true],
      layout: c.layout, X, W, R, Bias, P, h0, c0, seqLens, linearBeforeReset: c.lbr, relu: c.relu, clip: c.clip, inputForget: c.inputForget,
    });
    expect(outs.length, label).toBe(Math.min(c.outputs.length, c.kind === 'LSTM' ? 3 : 2));
    const expected = [ref.Y, ref.Yh, ref.Yc];
    const shapes = [c.layout ? [B, T, D, H] : [T, D, B, H], stDims, stDims];
    outs.forEach((o, j) => {
      if (!c.outputs[j]) return;
      expect(o.shape, `${label} output ${j}`).toEqual(shapes[j]);
      const got = o.data<'float32'>();
      const want = expected[j];
      for (let i = 0; i < want.length; i++) {
        if (!(Math.abs(got[i] - want[i]) <= TOL * (1 + Math.abs(want[i])))) {
          expect.fail(`${label}: output ${j} [${i}] got ${got[i]}, expected ${want[i]}`);
        }
      }
    });
  } finally {
    outs.forEach((x) => x.dispose());
    ins.forEach((x) => x?.dispose());
  }
  expect(e.arena.stats().inUseBytes, `${label}: arena back where it was`).toBe(before);
}

describe.each(runnableBuilds())('ONNX LSTM/GRU/RNN [%s build]', (build) => {
  const kinds: [OnnxRnnKind, Partial<Case>, string][] = [
    ['LSTM', {}, 'LSTM'],
    ['LSTM', { peep: true }, 'LSTM with peepholes'],
    ['GRU', { lbr: 0 }, 'GRU linear_before_reset=0'],
    ['GRU', { lbr: 1 }, 'GRU linear_before_reset=1'],
    ['RNN', {}, 'RNN Tanh'],
    ['RNN', { relu: true }, 'RNN Relu'],
    ['LSTM', { peep: true, clip: 0.6 }, 'LSTM with peepholes and clip'],
    ['LSTM', { inputForget: true }, 'LSTM input_forget'],
    ['GRU', { lbr: 0, clip: 0.6 }, 'GRU linear_before_reset=0 with clip'],
    ['GRU', { lbr: 1, clip: 0.6 }, 'GRU linear_before_reset=1 with clip'],
    ['RNN', { clip: 0.4 }, 'RNN Tanh with clip'],
  ];
  for (const [kind, extra, name] of kinds) {
    it(`${name}: matches the float64 ONNX reference`, async () => {
      const e = await engineFor(build);
      const rng = new Rng(SEED);
      let n = 0;
      for (const dir of ['forward', 'reverse', 'bidirectional'] as const) {
        for (const layout of [0, 1] as const) {
          for (const H of [1, 5, 13]) {
            for (const [T, B] of [[1, 1], [4, 3], [6, 2]]) {
              const v = n++;
              runCase(e, rng, {
                kind, dir, layout, T, B, I: v % 2 ? 3 : 7, H,
                bias: v % 3 !== 0, h0: v % 2 === 0, c0: kind === 'LSTM' && v % 4 < 2, peep: false,
                ragged: B > 1 && v % 3 === 1, lbr: 0, relu: false, prepared: v % 2 === 1,
                outputs: kind === 'LSTM' ? ['Y', 'Y_h', 'Y_c'] : ['Y', 'Y_h'], hiddenAttr: v % 5 !== 0,
                ...extra,
              });
            }
          }
        }
      }
    });
  }

  it('optional outputs: Y absent, only Y_h; only Y', async () => {
    const e = await engineFor(build);
    const rng = new Rng(SEED + 1);
    const base = { dir: 'bidirectional', layout: 0, T: 5, B: 2, I: 4, H: 6, bias: true, h0: true, c0: true, peep: false, ragged: false, lbr: 1, relu: false, prepared: true, hiddenAttr: true } as const;
    runCase(e, rng, { ...base, kind: 'LSTM', outputs: ['', 'Y_h'] });
    runCase(e, rng, { ...base, kind: 'GRU', outputs: ['Y'] });
    runCase(e, rng, { ...base, kind: 'LSTM', outputs: ['', '', 'Y_c'], layout: 1, ragged: true });
  });

  it('load-time errors name the attribute or input', async () => {
    const e = await engineFor(build);
    const ctx = { engine: e, opset: 14 };
    const mk = (type: string, a: Record<string, AttrValue>) => new OnnxNode('n', type, '', ['X', 'W', 'R'], ['Y'], attrs(a));
    const bad: [string, Record<string, AttrValue>, RegExp][] = [
      ['LSTM', { activations: { type: 'strings', value: ['LeakyRelu', 'Tanh', 'Tanh'] } }, /activations \[leakyrelu, tanh, tanh\] are not supported/],
      ['GRU', { activations: { type: 'strings', value: ['Sigmoid'] } }, /activations must list 2 functions/],
      ['LSTM', { clip: { type: 'float', value: -1 } }, /attribute clip \(the cell clip threshold\) must be > 0, got -1/],
      ['LSTM', { input_forget: { type: 'int', value: 2 } }, /input_forget must be 0 or 1, got 2/],
      ['RNN', { direction: { type: 'string', value: 'both' } }, /direction must be forward, reverse or bidirectional/],
      ['RNN', { layout: { type: 'int', value: 2 } }, /layout must be 0/],
    ];
    for (const [type, a, re] of bad) {
      const op = lookupOp('', type)!;
      expect(() => op.check!(mk(type, a), ctx)).toThrow(OnnxError);
      expect(() => op.check!(mk(type, a), ctx)).toThrow(re);
    }
    // Run-time errors name the input and free what the call allocated.
    {
      const op = lookupOp('', 'LSTM')!;
      const node = new OnnxNode('l', 'LSTM', '', ['X', 'W', 'R', '', 'sequence_lens'], ['Y', 'Y_h'], attrs({}));
      const before = e.arena.stats().inUseBytes;
      const W = Tensor.zeros([1, 8, 3], 'float32', e);
      const R = Tensor.zeros([1, 8, 2], 'float32', e);
      const prep = op.prepare!(node, [null, W, R, null, null], ctx)!;
      const X = Tensor.zeros([4, 2, 5], 'float32', e);
      const lens = Tensor.from(Int32Array.from([4, 5]), [2], 'int32', e);
      const X3 = Tensor.zeros([4, 2, 3], 'float32', e);
      try {
        expect(() => prep.run([X, null, null, null, null], ctx)).toThrow(/input X must be \[seq, batch, input_size\] with input_size 3 \(from W\), got \[4, 2, 5\]/);
        expect(() => prep.run([X3, null, null, null, lens], ctx)).toThrow(/sequence_lens\[1\] = 5 is outside \[0, 4\]/);
      } finally {
        for (const t of [X, lens, X3]) t.dispose();
        prep.dispose();
        W.dispose();
        R.dispose();
      }
      expect(e.arena.stats().inUseBytes, 'arena back where it was after the errors').toBe(before);
    }
    // A W of the wrong shape, at prepare (load).
    const op = lookupOp('', 'GRU')!;
    const node = new OnnxNode('g', 'GRU', '', ['X', 'W', 'R'], ['Y'], attrs({ hidden_size: { type: 'int', value: 4 } }));
    const W = Tensor.zeros([1, 12, 3], 'float32', e);
    const R = Tensor.zeros([1, 12, 5], 'float32', e);
    try {
      expect(() => op.prepare!(node, [null, W, R], ctx)).toThrow(/input R must be \[num_directions, G\*hidden_size, hidden_size\] = \[1, 12, 4\], got \[1, 12, 5\]/);
    } finally {
      W.dispose();
      R.dispose();
    }
  });
});
