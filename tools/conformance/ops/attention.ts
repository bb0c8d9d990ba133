/** Runners for the attention ops: scaled_dot_product_attention and multihead_attention. */
import { F } from '../../../src/api.js';
import type { OpRunner } from '../types.js';

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
