/**
 * Float64 reference for attention: out = softmax(scale · q k^T + bias) v, probs = the softmax,
 * with a plain two-pass softmax (max subtraction) in float64. Layouts are contiguous:
 * q [B, H, L, d], k [B, H, S, d], v [B, H, S, dv], out [B, H, L, dv], probs [B, H, L, S].
 * `bias(b, h, i, j)` returns the additive mask (-Infinity = masked). Causal masks j > i + offset.
 * A row whose keys are all masked yields zeros (the engine's documented convention).
 */
export interface RefAttention {
  B: number;
  H: number;
  L: number;
  S: number;
  d: number;
  dv: number;
  q: ArrayLike<number>;
  k: ArrayLike<number>;
  v: ArrayLike<number>;
  scale: number;
  causal?: boolean;
  /** With causal: j is masked when j > i + causalOffset (default 0). */
  causalOffset?: number;
  bias?: (b: number, h: number, i: number, j: number) => number;
}

export function attentionRef(p: RefAttention): { out: Float64Array; probs: Float64Array } {
  const { B, H, L, S, d, dv, q, k, v, scale } = p;
  const out = new Float64Array(B * H * L * dv);
  const probs = new Float64Array(B * H * L * S);
  const s = new Float64Array(S);
  for (let b = 0; b < B; b++) {
    for (let h = 0; h < H; h++) {
      const bh = b * H + h;
      for (let i = 0; i < L; i++) {
        let mx = -Infinity;
        for (let j = 0; j < S; j++) {
          let x = 0;
          for (let t = 0; t < d; t++) x += q[(bh * L + i) * d + t] * k[(bh * S + j) * d + t];
          x *= scale;
          if (p.bias) x += p.bias(b, h, i, j);
          if (p.causal && j > i + (p.causalOffset ?? 0)) x = -Infinity;
          s[j] = x;
          if (x > mx) mx = x;
        }
        if (mx === -Infinity) continue; // fully masked row: zeros
        let sum = 0;
        for (let j = 0; j < S; j++) {
          s[j] = Math.exp(s[j] - mx);
          sum += s[j];
        }
        for (let j = 0; j < S; j++) {
          const w = s[j] / sum;
          probs[(bh * L + i) * S + j] = w;
          for (let c = 0; c < dv; c++) out[(bh * L + i) * dv + c] += w * v[(bh * S + j) * dv + c];
        }
      }
    }
  }
  return { out, probs };
}
