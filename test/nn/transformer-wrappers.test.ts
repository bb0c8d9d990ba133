/**
 * nn.Transformer and nn.TransformerDecoder: module tree (repr) and state_dict keys exactly as
 * torch 1.13 prints them, distinct stacked layers after a load, generateSquareSubsequentMask, and
 * argument errors (golden cases in test/fixtures/transformer* check the values against torch).
 */
import { describe, expect, it } from 'vitest';
import { nn, Tensor, ArgumentError, ShapeError } from '../../dist/src/entries/node.js';
import { runnableBuilds, useBuild } from '../helpers/engines.js';

const TORCH_REPR = `Transformer(
  (encoder): TransformerEncoder(
    (layers): ModuleList(
      (0): TransformerEncoderLayer(
        (self_attn): MultiheadAttention(
          (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=True)
        )
        (linear1): Linear(in_features=8, out_features=16, bias=True)
        (dropout): Dropout(p=0.1, inplace=False)
        (linear2): Linear(in_features=16, out_features=8, bias=True)
        (norm1): LayerNorm((8,), eps=1e-05, elementwise_affine=True)
        (norm2): LayerNorm((8,), eps=1e-05, elementwise_affine=True)
        (dropout1): Dropout(p=0.1, inplace=False)
        (dropout2): Dropout(p=0.1, inplace=False)
      )
    )
    (norm): LayerNorm((8,), eps=1e-05, elementwise_affine=True)
  )
  (decoder): TransformerDecoder(
    (layers): ModuleList(
      (0): TransformerDecoderLayer(
        (self_attn): MultiheadAttention(
          (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=True)
        )
        (multihead_attn): MultiheadAttention(
          (out_proj): NonDynamicallyQuantizableLinear(in_features=8, out_features=8, bias=True)
        )
        (linear1): Linear(in_features=8, out_features=16, bias=True)
        (dropout): Dropout(p=0.1, inplace=False)
        (linear2): Linear(in_features=16, out_features=8, bias=True)
        (norm1): LayerNorm((8,), eps=1e-05, elementwise_affine=True)
        (norm2): LayerNorm((8,), eps=1e-05, elementwise_affine=True)
        (norm3): LayerNorm((8,), eps=1e-05, elementwise_affine=True)
        (dropout1): Dropout(p=0.1, inplace=False)
        (dropout2): Dropout(p=0.1, inplace=False)
        (dropout3): Dropout(p=0.1, inplace=False)
      )
    )
    (norm): LayerNorm((8,), eps=1e-05, elementwise_affine=True)
  )
)`;

describe.each(runnableBuilds())('Transformer wrappers [%s build]', (build) => {
  it('repr and keys as torch; forward shapes; the causal mask; errors', async () => {
    await useBuild(build);
    const t = new nn.Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 16 });
    expect(String(t)).toBe(TORCH_REPR);
    const keys = Object.keys(t.stateDict());
    expect(keys.length).toBe(34);
    expect(keys.slice(0, 2)).toEqual(['encoder.layers.0.self_attn.in_proj_weight', 'encoder.layers.0.self_attn.in_proj_bias']);
    expect(keys).toContain('encoder.norm.weight');
    expect(keys.slice(-2)).toEqual(['decoder.norm.weight', 'decoder.norm.bias']);
    const src = Tensor.zeros([5, 2, 8]);
    const tgt = Tensor.zeros([3, 2, 8]);
    expect(t.forward(src, tgt, { tgtMask: nn.Transformer.generateSquareSubsequentMask(3) }).shape).toEqual([3, 2, 8]);
    expect(() => t.forward(src, Tensor.zeros([3, 1, 8]))).toThrow(ShapeError);
    expect(() => t.forward(src, Tensor.zeros([3, 2, 4]))).toThrow(ShapeError);
    const m = nn.Transformer.generateSquareSubsequentMask(3).toArray();
    expect(m).toEqual([[0, -Infinity, -Infinity], [0, 0, -Infinity], [0, 0, 0]]);
    expect(() => nn.Transformer.generateSquareSubsequentMask(0)).toThrow(ArgumentError);
    t.dispose();

    const layer = new nn.TransformerDecoderLayer(8, 2, { dimFeedforward: 16, batchFirst: true });
    const dec = new nn.TransformerDecoder(layer, 2);
    layer.dispose();
    expect(Object.keys(dec.stateDict()).filter((k) => k.endsWith('linear1.weight'))).toEqual(['layers.0.linear1.weight', 'layers.1.linear1.weight']);
    expect(dec.forward(Tensor.zeros([2, 4, 8]), Tensor.zeros([2, 6, 8])).shape).toEqual([2, 4, 8]);
    expect(() => new nn.TransformerDecoder(new nn.TransformerDecoderLayer(8, 2), 0)).toThrow(ArgumentError);
    dec.dispose();
  });
});
