/**
 * Float64 reference of the ONNX LSTM / GRU / RNN operators, written from the ONNX operator spec
 * (independent of src/ and of the PyTorch-order reference in rnn.ts): ONNX gate orders (LSTM
 * i, o, f, c; GRU z, r, h), W [D, G*H, I], R [D, G*H, H], B [D, 2*G*H] (Wb then Rb), P [D, 3H]
 * (i, o, f), layouts 0 ([T, B, ...], Y [T, D, B, H], states [D, B, H]) and 1 ([B, T, ...],
 * Y [B, T, D, H], states [B, D, H]), sequence_lens (Y = 0 past a batch entry's length, Y_h / Y_c
 * its state after the last valid step, 0 for length 0), linear_before_reset, RNN Relu, clip (every
 * gate pre-activation clamped to [-clip, clip], onnxruntime's reading of the spec) and LSTM
 * input_forget (f = 1 - i).
 */
export type OnnxRnnKind = 'LSTM' | 'GRU' | 'RNN';

export interface OnnxRnnCase {
  kind: OnnxRnnKind;
  T: number;
  B: number;
  I: number;
  H: number;
  /** Reverse flag per direction: [false], [true] or [false, true] (bidirectional). */
  reverse: boolean[];
  layout: 0 | 1;
  X: ArrayLike<number>;
  W: ArrayLike<number>;
  R: ArrayLike<number>;
  Bias: ArrayLike<number> | null;
  P: ArrayLike<number> | null;
  h0: ArrayLike<number> | null;
  c0: ArrayLike<number> | null;
  seqLens: number[] | null;
  linearBeforeReset: number;
  relu: boolean;
  /** > 0: cell clip threshold. */
  clip?: number;
  inputForget?: boolean;
}

const sig = (v: number) => 1 / (1 + Math.exp(-v));

export function refOnnxRnn(c: OnnxRnnCase): { Y: Float64Array; Yh: Float64Array; Yc: Float64Array } {
  const { T, B, I, H, layout } = c;
  const D = c.reverse.length;
  const G = c.kind === 'LSTM' ? 4 : c.kind === 'GRU' ? 3 : 1;
  const Y = new Float64Array(T * D * B * H);
  const Yh = new Float64Array(D * B * H);
  const Yc = new Float64Array(D * B * H);
  const cl = (v: number) => (c.clip && c.clip > 0 ? Math.max(-c.clip, Math.min(c.clip, v)) : v);
  const xAt = (t: number, b: number, i: number) => c.X[(layout ? b * T + t : t * B + b) * I + i];
  const stIdx = (d: number, b: number, u: number) => (layout ? (b * D + d) * H : (d * B + b) * H) + u;
  const yIdx = (t: number, d: number, b: number, u: number) => (layout ? ((b * T + t) * D + d) * H : ((t * D + d) * B + b) * H) + u;
  for (let d = 0; d < D; d++) {
    // gate g of unit u: x·W[d][g*H+u] + Wb (+ h·R + Rb handled separately for GRU h gate)
    const wx = (t: number, b: number, g: number, u: number) => {
      let s = c.Bias ? c.Bias[d * 2 * G * H + g * H + u] : 0;
      for (let i = 0; i < I; i++) s += c.W[(d * G * H + g * H + u) * I + i] * xAt(t, b, i);
      return s;
    };
    const rh = (hv: ArrayLike<number>, g: number, u: number) => {
      let s = c.Bias ? c.Bias[d * 2 * G * H + G * H + g * H + u] : 0;
      for (let k = 0; k < H; k++) s += c.R[(d * G * H + g * H + u) * H + k] * hv[k];
      return s;
    };
    const pe = (g: number, u: number) => (c.P ? c.P[d * 3 * H + g * H + u] : 0);
    for (let b = 0; b < B; b++) {
      const L = c.seqLens ? c.seqLens[b] : T;
      let h = new Float64Array(H);
      let cs = new Float64Array(H);
      for (let u = 0; u < H; u++) {
        if (c.h0) h[u] = c.h0[stIdx(d, b, u)];
        if (c.c0) cs[u] = c.c0[stIdx(d, b, u)];
      }
      if (L === 0) {
        h = new Float64Array(H);
        cs = new Float64Array(H);
      }
      for (let s = 0; s < L; s++) {
        const t = c.reverse[d] ? L - 1 - s : s;
        const hn = new Float64Array(H);
        const cn = new Float64Array(H);
        if (c.kind === 'LSTM') {
          for (let u = 0; u < H; u++) {
            const it = sig(cl(wx(t, b, 0, u) + rh(h, 0, u) + pe(0, u) * cs[u]));
            const ft = c.inputForget ? 1 - it : sig(cl(wx(t, b, 2, u) + rh(h, 2, u) + pe(2, u) * cs[u]));
            const ct = Math.tanh(cl(wx(t, b, 3, u) + rh(h, 3, u)));
            cn[u] = ft * cs[u] + it * ct;
            const ot = sig(cl(wx(t, b, 1, u) + rh(h, 1, u) + pe(1, u) * cn[u]));
            hn[u] = ot * Math.tanh(cn[u]);
          }
        } else if (c.kind === 'GRU') {
          const z = new Float64Array(H);
          const r = new Float64Array(H);
          for (let u = 0; u < H; u++) {
            z[u] = sig(cl(wx(t, b, 0, u) + rh(h, 0, u)));
            r[u] = sig(cl(wx(t, b, 1, u) + rh(h, 1, u)));
          }
          const rhv = h.map((v, k) => v * r[k]);
          for (let u = 0; u < H; u++) {
            const ht = Math.tanh(cl(c.linearBeforeReset ? wx(t, b, 2, u) + r[u] * rh(h, 2, u) : wx(t, b, 2, u) + rh(rhv, 2, u)));
            hn[u] = (1 - z[u]) * ht + z[u] * h[u];
          }
        } else {
          for (let u = 0; u < H; u++) {
            const v = cl(wx(t, b, 0, u) + rh(h, 0, u));
            hn[u] = c.relu ? Math.max(0, v) : Math.tanh(v);
          }
        }
        h = hn;
        cs = cn;
        for (let u = 0; u < H; u++) Y[yIdx(t, d, b, u)] = h[u];
      }
      for (let u = 0; u < H; u++) {
        Yh[stIdx(d, b, u)] = h[u];
        Yc[stIdx(d, b, u)] = cs[u];
      }
    }
  }
  return { Y, Yh, Yc };
}
