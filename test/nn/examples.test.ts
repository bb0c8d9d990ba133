/**
 * The whole-model examples (examples/*.ts): each loads its golden file's PyTorch state_dict
 * unchanged and matches PyTorch's outputs within the file's tol on every build; TinyCNN's folded
 * BatchNorm follows a reload; CharLSTM's greedy generation through lstm.step() gives the same
 * next-character logits as forward() over the growing sequence and allocates nothing per step;
 * toString() prints the module tree as PyTorch's repr.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Tensor, ArgumentError, ShapeError } from '../../dist/src/entries/node.js';
import { TinyCNN, TinyTransformerClassifier, CharLSTM, optionsFromKwargs } from '../../dist/examples/index.js';
import { compareTensors } from '../../dist/tools/conformance/compare.js';
import { loadCaseBytes } from '../../dist/tools/conformance/load.js';
import { stateDictOf } from '../../dist/tools/conformance/types.js';
import { runnableBuilds, useBuild } from '../helpers/engines.js';

const fixture = (name: string) => new URL(`../fixtures/model/${name}.safetensors`, import.meta.url).pathname;

/** A golden model file, its state dict and its tensors by name. */
function golden(name: string) {
  const c = loadCaseBytes(new Uint8Array(readFileSync(fixture(name))));
  return { ...c, stateDict: stateDictOf(c), t: c.tensors };
}

function expectClose(name: string, got: Tensor, ref: Tensor, tol: number): void {
  const r = compareTensors(name, got.toFloat32Array(), got.shape, ref.toFloat32Array(), ref.shape, tol);
  if (!r.ok) expect.fail(`${r.failure} (max error ${r.maxError})`);
}

describe.each(runnableBuilds())('whole-model examples [%s build]', (build) => {
  it('TinyCNN matches PyTorch with and without BatchNorm folding; the folding follows loadStateDict', async () => {
    const e = await useBuild(build);
    const g = golden('tiny_cnn_1x3x32x32');
    const folded = new TinyCNN({}, e).loadStateDict(g.stateDict);
    const plain = new TinyCNN({ foldBatchNorm: false }, e).loadStateDict(g.stateDict);
    try {
      expect(Object.keys(folded.stateDict())).toEqual(Object.keys(g.stateDict));
      expectClose('folded', folded.forward(g.t.input), g.t.output, g.tol);
      expectClose('plain', plain.forward(g.t.input), g.t.output, g.tol);
      // Change bn1's running mean: the folded model must use the new statistics after the load.
      const mean = g.stateDict['bn1.running_mean'].toFloat32Array().map((v, i) => v + 0.25 * (i + 1));
      const dict = { ...g.stateDict, 'bn1.running_mean': Tensor.from(mean, [mean.length], 'float32', e) };
      folded.loadStateDict(dict);
      plain.loadStateDict(dict);
      const a = folded.forward(g.t.input).toFloat32Array();
      const b = plain.forward(g.t.input).toFloat32Array();
      const before = g.t.output.toFloat32Array();
      expect(Math.max(...a.map((v, i) => Math.abs(v - before[i])))).toBeGreaterThan(1e-3);
      for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `logit ${i}`).toBeLessThan(1e-4 * (1 + Math.abs(b[i])));
    } finally {
      folded.dispose();
      plain.dispose();
    }
  });

  it('TinyTransformerClassifier matches PyTorch; embed() is the encoder input', async () => {
    const e = await useBuild(build);
    const g = golden('tiny_transformer_classifier_2x16');
    const m = new TinyTransformerClassifier(optionsFromKwargs(g.params.kwargs), e).loadStateDict(g.stateDict);
    try {
      expect(Object.keys(m.stateDict())).toEqual(Object.keys(g.stateDict));
      expectClose('output', m.forward(g.t.input), g.t.output, g.tol);
      const x = m.embed(g.t.input);
      expect(x.shape).toEqual([2, 16, 32]);
      const emb = g.stateDict['embedding.weight'].toFloat32Array();
      const pos = g.stateDict.pos_embedding.toFloat32Array();
      const tok = Number(g.t.input.data<'int64'>()[16 + 3]);
      expect(x.toFloat32Array()[(16 + 3) * 32 + 5]).toBeCloseTo(emb[tok * 32 + 5] + pos[3 * 32 + 5], 6);
      expect(() => m.embed(Tensor.zeros([1, 65], 'int64', e))).toThrow(ShapeError);
    } finally {
      m.dispose();
    }
  });

  /** The golden CharLSTM with its alphabet, loaded on the build's engine. */
  async function charLstm() {
    const e = await useBuild(build);
    const g = golden('char_lstm_2x32');
    return { e, g, m: new CharLSTM({ ...optionsFromKwargs(g.params.kwargs), alphabet: g.params.alphabet }, e).loadStateDict(g.stateDict) };
  }

  it('CharLSTM matches PyTorch (logits, h_n, c_n)', async () => {
    const { g, m } = await charLstm();
    try {
      expect(m.encode(g.params.text[1])).toEqual([...g.t.input.data<'int64'>().slice(32)].map(Number));
      const [logits, h, c] = m.forward(g.t.input);
      expectClose('output', logits, g.t.output, g.tol);
      expectClose('h_n', h, g.t.h_n, g.tol);
      expectClose('c_n', c, g.t.c_n, g.tol);
    } finally {
      m.dispose();
    }
  });

  it('CharLSTM.generate via step() = forward() over the growing sequence, no allocation per step', async () => {
    const { e, g, m } = await charLstm();
    try {
      const prefix = (g.params.text[0] as string).slice(0, 10);
      const seq = m.encode(prefix);
      const inUse: number[] = [];
      let worst = 0;
      const out = m.generate(prefix, 12, {
        onLogits: (stepLogits, consumed) => {
          inUse.push(e.memoryStats().inUseBytes);
          expect(consumed).toBe(seq.length);
          const step = Float32Array.from(stepLogits);
          const full = e.scope(() => {
            const [y] = m.forward(Tensor.from(seq, [1, seq.length], 'int64', e));
            return y.toFloat32Array().slice((seq.length - 1) * step.length);
          });
          for (let i = 0; i < step.length; i++) worst = Math.max(worst, Math.abs(step[i] - full[i]) / (1 + Math.abs(full[i])));
          let best = 0;
          for (let i = 1; i < full.length; i++) if (full[i] > full[best]) best = i;
          seq.push(best);
        },
      });
      expect(worst, `max relative difference step vs forward`).toBeLessThan(1e-5);
      expect(out).toBe(m.decode(seq.slice(prefix.length)));
      expect(out.length).toBe(12);
      expect(new Set(inUse).size, `engine bytes in use at each step: ${inUse.join(', ')}`).toBe(1);
      expect(m.generate(prefix, 12)).toBe(out);
      expect(() => m.generate('', 3)).toThrow(ArgumentError);
      expect(() => m.generate('THE', 3)).toThrow(/not in the alphabet/);
    } finally {
      m.dispose();
    }
  });

  it('toString() prints the module tree as PyTorch', async () => {
    const e = await useBuild(build);
    const cnn = new TinyCNN({}, e);
    const lstm = new CharLSTM({}, e);
    const tr = new TinyTransformerClassifier({}, e);
    try {
      expect(String(cnn)).toBe([
        'TinyCNN(',
        '  (conv1): Conv2d(3, 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))',
        '  (bn1): BatchNorm2d(8, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)',
        '  (conv2): Conv2d(8, 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))',
        '  (bn2): BatchNorm2d(16, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)',
        '  (fc): Linear(in_features=1024, out_features=10, bias=True)',
        ')',
      ].join('\n'));
      expect(String(lstm)).toBe([
        'CharLSTM(',
        '  (embedding): Embedding(40, 16)',
        '  (lstm): LSTM(16, 64, num_layers=2, batch_first=True)',
        '  (fc): Linear(in_features=64, out_features=40, bias=True)',
        ')',
      ].join('\n'));
      const t = String(tr).split('\n');
      expect(t.slice(0, 6)).toEqual([
        'TinyTransformerClassifier(',
        '  (embedding): Embedding(50, 32)',
        '  (encoder): TransformerEncoder(',
        '    (layers): ModuleList(',
        '      (0): TransformerEncoderLayer(',
        '        (self_attn): MultiheadAttention(',
      ]);
      expect(t).toContain('      (1): TransformerEncoderLayer(');
      // the layers' Dropout children print as in PyTorch
      expect(t).toContain('        (dropout): Dropout(p=0.0, inplace=False)');
      expect(t).toContain('        (dropout2): Dropout(p=0.0, inplace=False)');
      expect(t.at(-2)).toBe('  (classifier): Linear(in_features=32, out_features=5, bias=True)');
    } finally {
      for (const m of [cnn, lstm, tr]) m.dispose();
    }
  });
});
