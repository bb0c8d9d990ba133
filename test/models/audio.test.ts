/**
 * The torchaudio models of the zoo (src/models/audio/): their golden cases
 * (test/fixtures/realmodel.{DeepSpeech,Conformer,wav2vec2_model}/, tools/gen-golden-zoo-audio.py)
 * run in test/nn/golden.test.ts through the conformance runner; here:
 * - state_dict keys and shapes of full-size models against torchaudio's
 *   (test/fixtures/zoo-audio-keys.json, same order), and a forward of each at its real width;
 * - lengths: padded frames do not change the valid frames' outputs (the key padding mask);
 * - typed errors for bad constructor arguments and inputs.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { models, nn, Tensor, ArgumentError, ShapeError } from '../../dist/src/entries/node.js';
import { optionsFromKwargs } from '../../dist/examples/index.js';
import { useBuild } from '../helpers/engines.js';
import { Rng } from '../helpers/rng.js';

type Built = nn.Module & { forward(...xs: Tensor[]): Tensor | (Tensor | null)[] };
const build = (factory: string, kwargs: Record<string, unknown>): Built => {
  const f = (models as unknown as Record<string, ((o: unknown) => Built) & (new (o: unknown) => Built)>)[factory];
  return /^[A-Z]/.test(factory) ? new f(optionsFromKwargs(kwargs)) : f(optionsFromKwargs(kwargs));
};

const keys = JSON.parse(readFileSync(new URL('../fixtures/zoo-audio-keys.json', import.meta.url), 'utf8')) as
  { models: { factory: string; kwargs: Record<string, unknown>; keys: [string, number[]][] }[] };

/** A forward at full width on a short input, by factory: the inputs and the expected output shape. */
const SMOKE: Record<string, (m: Built) => { xs: Tensor[]; shape: number[] }> = {
  wav2vec2_base: (m) => ({ xs: [Tensor.zeros([1, 1600])], shape: [1, 4, (m as unknown as models.Wav2Vec2Model).aux ? 29 : 768] }),
  DeepSpeech: () => ({ xs: [Tensor.zeros([1, 1, 5, 26])], shape: [1, 5, 40] }),
  Conformer: () => ({ xs: [Tensor.zeros([2, 6, 80]), Tensor.from(new BigInt64Array([6n, 3n]), [2], 'int64')], shape: [2, 6, 80] }),
};

describe('model zoo, audio: structure and arguments', () => {
  it.each(keys.models.map((k) => [`${k.factory}(${JSON.stringify(k.kwargs)})`, k] as const))('%s has torchaudio\'s state_dict keys and shapes, in order', async (_, k) => {
    const e = await useBuild('simd');
    const m = build(k.factory, k.kwargs);
    try {
      expect(m.namedTensors().map(([n, t]) => [n, [...t.shape]])).toEqual(k.keys);
      e.scope(() => {
        const { xs, shape } = SMOKE[k.factory](m);
        const y = m.forward(...xs);
        expect((Array.isArray(y) ? y[0]! : y).shape).toEqual(shape);
      });
    } finally {
      m.dispose();
    }
  }, 120_000);

  it('wav2vec2_model: samples past each length do not change the valid frames (zeroed, masked as keys)', async () => {
    const e = await useBuild('simd');
    const rng = new Rng(1618);
    e.scope(() => {
      // layer_norm extractor (per-frame norms): the valid frames see valid samples only
      const w = models.wav2vec2_model({ extractorMode: 'layer_norm', extractorConvLayerConfig: [[8, 4, 2], [8, 3, 2]], extractorConvBias: true, encoderEmbedDim: 8,
        encoderPosConvKernel: 4, encoderPosConvGroups: 2, encoderNumLayers: 2, encoderNumHeads: 2, encoderFfIntermFeatures: 16, encoderLayerNormFirst: true });
      w.loadStateDict(Object.fromEntries(Object.entries(w.stateDict()).map(([k, t]) => [k, { data: rng.randn(t.numel).map((v) => (k.endsWith('weight_g') ? 1 + 0.1 * v : 0.4 * v)), shape: [...t.shape] }])));
      const wav = rng.randn(2 * 100);
      const lens = Tensor.from(new BigInt64Array([100n, 60n]), [2], 'int64');
      const [a, outLens] = w.forward(Tensor.from(wav, [2, 100]), lens);
      expect(Array.from(outLens!.toTypedArray() as BigInt64Array)).toEqual([24n, 14n]);
      expect(a.shape).toEqual([2, 24, 8]);
      const other = wav.slice();
      for (let i = 160; i < 200; i++) other[i] = 7 * rng.randn(1)[0];
      const [b] = w.forward(Tensor.from(other, [2, 100]), lens);
      const [alone] = w.forward(Tensor.from(wav.slice(100, 160), [1, 60]));
      const valid = (t: Tensor) => Array.from(t.toFloat32Array().slice(24 * 8, 24 * 8 + 14 * 8));
      expect(valid(b)).toEqual(valid(a));
      const ref = Array.from(alone.toFloat32Array());
      valid(a).forEach((v, i) => { if (Math.abs(v - ref[i]) > 1e-5 * (1 + Math.abs(ref[i]))) expect.fail(`seed 1618 frame ${Math.floor(i / 8)} ch ${i % 8}: ${v} padded vs ${ref[i]} alone`); });
      w.dispose();
    });
  });

  it('bad arguments and inputs give typed errors naming what was wrong', async () => {
    const e = await useBuild('simd');
    expect(() => models.wav2vec2_model({ extractorMode: 'batch_norm' } as never)).toThrow(/extractorMode must be 'group_norm' or 'layer_norm'/);
    expect(() => models.wav2vec2_model(null as never)).toThrow(ArgumentError);
    expect(() => new models.Conformer({ inputDim: 8, numHeads: 2, ffnDim: 8, numLayers: 1, depthwiseConvKernelSize: 4 })).toThrow(/depthwiseConvKernelSize must be odd/);
    expect(() => new models.Conformer({ inputDim: 9, numHeads: 2, ffnDim: 8, numLayers: 1, depthwiseConvKernelSize: 3 })).toThrow(/inputDim \(9\) must be divisible by numHeads \(2\)/);
    expect(() => new models.DeepSpeech({ nFeature: 0 })).toThrow(ArgumentError);
    e.scope(() => {
      const conf = new models.Conformer({ inputDim: 8, numHeads: 2, ffnDim: 8, numLayers: 1, depthwiseConvKernelSize: 3 });
      expect(() => conf.forward(Tensor.zeros([1, 4, 8]), Tensor.from(new BigInt64Array([3n]), [1], 'int64'))).toThrow(/longest of lengths \(3\) must equal the frames/);
      expect(() => conf.forward(Tensor.zeros([1, 4, 7]), Tensor.from(new BigInt64Array([4n]), [1], 'int64'))).toThrow(ShapeError);
      expect(() => conf.forward(Tensor.zeros([1, 4, 8]), [4] as never)).toThrow(/lengths/);
      conf.dispose();
      const ds = new models.DeepSpeech({ nFeature: 6, nHidden: 4, nClass: 3 });
      expect(() => ds.forward(Tensor.zeros([1, 2, 5, 6]))).toThrow(/x must be \[batch, 1, time, 6\]/);
      ds.dispose();
    });
  });
});
