/** Runners for the attention ops: scaled_dot_product_attention and multihead_attention. */
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
