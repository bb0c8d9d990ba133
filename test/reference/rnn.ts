/**
 * Float64 reference of one recurrent layer direction (PyTorch semantics), independent of the
 * engine: given the input projections xp[t][b] = W_ih x + b_ih (G*H values in PyTorch gate order),
 * W_hh [G*H, H], b_hh [G*H] (or null), h0/c0 [B*H] (or null = zeros), runs t = 0..T-1 (or
 * T-1..0 when reverse) and returns y[t][b] (time-indexed, T*B*H), h_n and c_n (B*H). Options:
 * the GRU form of ONNX linear_before_reset = 0 (resetBefore), LSTM peepholes (peep) and
 * input_forget, ONNX cell clip.
 */
export type RefMode = 'rnn_tanh' | 'rnn_relu' | 'gru' | 'lstm';

const sig = (v: number) => 1 / (1 + Math.exp(-v));

export interface RefLayer {
  mode: RefMode;
  T: number;
  B: number;
  H: number;
  /** xp(t, b, j): projection j (0..G*H-1) of step t, batch b. */
  xp: (t: number, b: number, j: number) => number;
  whh: ArrayLike<number>;
  bhh: ArrayLike<number> | null;
  h0: ArrayLike<number> | null;
  c0: ArrayLike<number> | null;
  reverse: boolean;
  /** GRU: the reset gate multiplies h before W_hn (ONNX linear_before_reset = 0). */
  resetBefore?: boolean;
  /** LSTM: peephole weights [p_i | p_f | p_o] (3H), or absent. */
  peep?: ArrayLike<number> | null;
  /** ONNX cell clip (> 0): every gate pre-activation clamped to [-clip, clip] (as onnxruntime does). */
  clip?: number;
  /** LSTM: ONNX input_forget, f = 1 - i. */
  inputForget?: boolean;
}

export function refLayer(p: RefLayer): { y: Float64Array; hn: Float64Array; cn: Float64Array } {
  const { mode, T, B, H } = p;
  const G = mode === 'lstm' ? 4 : mode === 'gru' ? 3 : 1;
  const y = new Float64Array(T * B * H);
  const h = Float64Array.from(p.h0 ?? new Float64Array(B * H));
  const c = Float64Array.from(p.c0 ?? new Float64Array(B * H));
  const a = new Float64Array(G * H);
  const cl = (v: number) => (p.clip && p.clip > 0 ? Math.min(Math.max(v, -p.clip), p.clip) : v);
  for (let s = 0; s < T; s++) {
    const t = p.reverse ? T - 1 - s : s;
    for (let b = 0; b < B; b++) {
      for (let j = 0; j < G * H; j++) {
        let acc = p.bhh ? p.bhh[j] : 0;
        for (let k = 0; k < H; k++) acc += p.whh[j * H + k] * h[b * H + k];
        a[j] = acc;
      }
      const hb = new Float64Array(H);
      for (let u = 0; u < H; u++) {
        const x = (g: number) => p.xp(t, b, g * H + u);
        let hv: number;
        if (mode === 'lstm') {
          const pe = (g: number) => (p.peep ? p.peep[g * H + u] : 0);
          const cp = c[b * H + u];
          const i = sig(cl(x(0) + a[u] + pe(0) * cp));
          const f = p.inputForget ? 1 - i : sig(cl(x(1) + a[H + u] + pe(1) * cp));
          const g = Math.tanh(cl(x(2) + a[2 * H + u]));
          c[b * H + u] = f * cp + i * g;
          const o = sig(cl(x(3) + a[3 * H + u] + pe(2) * c[b * H + u]));
          hv = o * Math.tanh(c[b * H + u]);
        } else if (mode === 'gru') {
          const rOf = (k: number) => sig(cl(p.xp(t, b, k) + a[k]));
          const r = rOf(u);
          const z = sig(cl(x(1) + a[H + u]));
          let an = a[2 * H + u];
          if (p.resetBefore) {
            // W_hn (r * h) + b_hn
            an = p.bhh ? p.bhh[2 * H + u] : 0;
            for (let k = 0; k < H; k++) an += p.whh[(2 * H + u) * H + k] * rOf(k) * h[b * H + k];
          }
          const n = Math.tanh(cl(x(2) + (p.resetBefore ? an : r * an)));
          hv = (1 - z) * n + z * h[b * H + u];
        } else {
          const v = cl(x(0) + a[u]);
          hv = mode === 'rnn_relu' ? Math.max(v, 0) : Math.tanh(v);
        }
        hb[u] = hv;
      }
      h.set(hb, b * H);
      y.set(hb, (t * B + b) * H);
    }
  }
  return { y, hn: h, cn: c };
}

/** x·W^T + bias for one row (the input projection). */
export function refProject(x: ArrayLike<number>, xOff: number, w: ArrayLike<number>, bias: ArrayLike<number> | null, n: number, k: number): Float64Array {
  const out = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let acc = bias ? bias[j] : 0;
    for (let q = 0; q < k; q++) acc += w[j * k + q] * x[xOff + q];
    out[j] = acc;
  }
  return out;
}
