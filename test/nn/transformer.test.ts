/**
 * Transformer layers beyond the golden cases: PyTorch state_dict keys, TransformerEncoder stacks
 * independent copies of the layer (layers.N keys) and equals applying the layers in turn, typed
 * errors. (Layer numerics: the golden fixtures in test/fixtures/transformer_*.)
 */
import { describe, expect, it } from 'vitest';
import { nn, Tensor, ArgumentError } from '../../dist/src/entries/node.js';
import { otherEngine, runnableBuilds, useBuild } from '../helpers/engines.js';
import { Rng } from '../helpers/rng.js';

describe.each(runnableBuilds())('Transformer layers [%s build]', (build) => {
  it('have PyTorch keys; TransformerEncoder = its layers applied in turn', async () => {
    const e = await useBuild(build);
    const layer = new nn.TransformerEncoderLayer(16, 2, { dimFeedforward: 24, batchFirst: true, activation: 'gelu' }, e);
    expect(Object.keys(layer.stateDict())).toEqual([
      'self_attn.in_proj_weight', 'self_attn.in_proj_bias', 'self_attn.out_proj.weight', 'self_attn.out_proj.bias',
      'linear1.weight', 'linear1.bias', 'linear2.weight', 'linear2.bias', 'norm1.weight', 'norm1.bias', 'norm2.weight', 'norm2.bias',
    ]);
    const enc = new nn.TransformerEncoder(layer, 2, { norm: new nn.LayerNorm(16) }, e);
    expect(Object.keys(enc.stateDict()).filter((k) => k.endsWith('linear1.weight') || k.startsWith('norm.'))).toEqual([
      'layers.0.linear1.weight', 'layers.1.linear1.weight', 'norm.weight', 'norm.bias',
    ]);
    // Give layer 1 different weights: the copies are independent.
    const rng = new Rng(3);
    const dict: Record<string, { data: Float32Array; shape: readonly number[] }> = {};
    for (const [k, t] of Object.entries(enc.stateDict())) dict[k] = { data: rng.randn(t.numel, 0.3), shape: t.shape };
    enc.loadStateDict(dict);
    const x = Tensor.from(rng.randn(2 * 5 * 16), [2, 5, 16], 'float32', e);
    const y = enc.forward(x, { isCausal: true }).toFloat32Array();
    const l0 = enc.layers.at(0).forward(x, { isCausal: true });
    const l1 = enc.layers.at(1).forward(l0, { isCausal: true });
    const want = enc.norm!.forward(l1).toFloat32Array();
    for (let i = 0; i < want.length; i++) expect(Math.abs(y[i] - want[i])).toBeLessThan(1e-6);
    expect(layer.stateDict()['linear1.weight'].toFloat32Array()[0]).not.toBe(dict['layers.0.linear1.weight'].data[0]);
    const dec = new nn.TransformerDecoderLayer(16, 4, { dimFeedforward: 8 }, e);
    expect(Object.keys(dec.stateDict()).filter((k) => !k.endsWith('bias'))).toEqual([
      'self_attn.in_proj_weight', 'self_attn.out_proj.weight', 'multihead_attn.in_proj_weight', 'multihead_attn.out_proj.weight',
      'linear1.weight', 'linear2.weight', 'norm1.weight', 'norm2.weight', 'norm3.weight',
    ]);
    expect(() => new nn.TransformerEncoderLayer(16, 2, { activation: 'tanh' as 'relu' }, e)).toThrow(ArgumentError);
    expect(() => new nn.TransformerEncoder(layer, 0, {}, e)).toThrow(ArgumentError);
    enc.dispose();
    layer.dispose();
    dec.dispose();
  });

  it('live entirely in the engine they are given (norms included)', async () => {
    const e = await useBuild(build);
    const o = await otherEngine(build);
    const before = e.memoryStats().inUseBytes;
    for (const layer of [new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }, o), new nn.TransformerDecoderLayer(8, 2, { dimFeedforward: 16 }, o)]) {
      expect(Object.entries(layer.stateDict()).filter(([, t]) => t.engine !== o).map(([k]) => k)).toEqual([]);
      const x = Tensor.from(new Rng(1).randn(3 * 2 * 8), [3, 2, 8], 'float32', o);
      const y = layer instanceof nn.TransformerDecoderLayer ? layer.forward(x, x) : layer.forward(x);
      expect(y.engine).toBe(o);
      expect(y.toFloat32Array().every(Number.isFinite)).toBe(true);
      y.dispose();
      x.dispose();
      layer.dispose();
    }
    expect(e.memoryStats().inUseBytes).toBe(before);
  });

  it('reject bad options before allocating anything', async () => {
    const e = await useBuild(build);
    const before = e.memoryStats().inUseBytes;
    expect(() => new nn.TransformerEncoderLayer(8, 2, { layerNormEps: NaN }, e)).toThrow(/layerNormEps/);
    expect(() => new nn.TransformerDecoderLayer(8, 2, { dropout: 1.5 }, e)).toThrow(ArgumentError);
    expect(e.memoryStats().inUseBytes).toBe(before);
  });

  it('print as PyTorch: Dropout children in registration order', async () => {
    const e = await useBuild(build);
    const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16 }, e);
    const enc = new nn.TransformerEncoder(layer, 3, {}, e);
    const lines = String(enc).split('\n');
    expect(lines.slice(0, 3)).toEqual(['TransformerEncoder(', '  (layers): ModuleList(', '    (0): TransformerEncoderLayer(']);
    expect(String(layer).split('\n').filter((l) => /^ {2}\(\w+\):/.test(l)).map((l) => l.trim().split(':')[0])).toEqual(
      ['(self_attn)', '(linear1)', '(dropout)', '(linear2)', '(norm1)', '(norm2)', '(dropout1)', '(dropout2)'],
    );
    expect(lines).toContain('      (dropout): Dropout(p=0.1, inplace=False)');
    const dec = new nn.TransformerDecoderLayer(8, 2, { dimFeedforward: 16, dropout: 0.2 }, e);
    expect(String(dec).split('\n').filter((l) => l.startsWith('  (dropout')).length).toBe(4);
    expect(Object.keys(enc.stateDict()).some((k) => k.includes('dropout'))).toBe(false);
    for (const m of [layer, enc, dec]) m.dispose();
  });
});
