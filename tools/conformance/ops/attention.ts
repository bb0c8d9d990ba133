/** Runners for the attention ops: scaled_dot_product_attention, multihead_attention and the transformer layers. */
import { F, nn, type Tensor } from '../../../src/api.js';
import { stateDictOf, type OpRunner } from '../types.js';

export const runners: Record<string, OpRunner> = {
  scaled_dot_product_attention: (c) => {
    const t = c.tensors;
    const p = c.params;
    return {
      output: F.scaledDotProductAttention(t.query, t.key, t.value, {
        attnMask: t.attn_mask ?? null,
        isCausal: p.is_causal === true,
        scale: p.scale ?? null,
        dropoutP: p.dropout_p ?? 0,
      }),
    };
  },
};

runners.multihead_attention = (c) => {
  const t = c.tensors;
  const p = c.params;
  const mha = new nn.MultiheadAttention(p.embed_dim, p.num_heads, {
    bias: p.bias,
    kdim: p.kdim,
    vdim: p.vdim,
    batchFirst: p.batch_first,
    dropout: p.dropout ?? 0,
  });
  try {
    mha.loadStateDict(stateDictOf(c));
    const [output, attnWeights] = mha.forward(t.query, t.key, t.value, {
      keyPaddingMask: t.key_padding_mask ?? null,
      needWeights: p.need_weights,
      attnMask: t.attn_mask ?? null,
      averageAttnWeights: p.average_attn_weights,
    });
    const r: Record<string, Tensor> = { output };
    if (attnWeights) r.attn_weights = attnWeights;
    return r;
  } finally {
    mha.dispose();
  }
};

const layerOptions = (p: Record<string, any>) => ({ // eslint-disable-line @typescript-eslint/no-explicit-any
  dimFeedforward: p.dim_feedforward,
  dropout: p.dropout,
  activation: p.activation,
  layerNormEps: p.layer_norm_eps,
  batchFirst: p.batch_first,
  normFirst: p.norm_first,
});

runners.transformer_encoder_layer = (c) => {
  const t = c.tensors;
  const layer = new nn.TransformerEncoderLayer(c.params.d_model, c.params.nhead, layerOptions(c.params));
  try {
    layer.loadStateDict(stateDictOf(c));
    return { output: layer.forward(t.input, { srcMask: t.src_mask ?? null, srcKeyPaddingMask: t.src_key_padding_mask ?? null }) };
  } finally {
    layer.dispose();
  }
};

runners.transformer_decoder_layer = (c) => {
  const t = c.tensors;
  const layer = new nn.TransformerDecoderLayer(c.params.d_model, c.params.nhead, layerOptions(c.params));
  try {
    layer.loadStateDict(stateDictOf(c));
    return {
      output: layer.forward(t.input, t.memory, {
        tgtMask: t.tgt_mask ?? null,
        memoryMask: t.memory_mask ?? null,
        tgtKeyPaddingMask: t.tgt_key_padding_mask ?? null,
        memoryKeyPaddingMask: t.memory_key_padding_mask ?? null,
      }),
    };
  } finally {
    layer.dispose();
  }
};
