/**
 * Float64 references for the elementwise and normalization kernels, written independently of the
 * kernels (no shared approximation): erf by its Taylor series (|x| < 3) and by the continued
 * fraction of erfc (|x| >= 3), the rest from Math in f64.
 */

/** erf(x) to ~1e-14 absolute. */
export function erf64(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax >= 3) {
    if (ax === Infinity) return Math.sign(x);
    // erfc(a) = e^(-a^2)/sqrt(pi) * 1/(a + (1/2)/(a + 1/(a + (3/2)/(a + 2/(a + ...))))), evaluated backward.
    let f = ax;
    for (let k = 80; k >= 1; k--) f = ax + k / 2 / f;
    const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / f;
    return Math.sign(x) * (1 - erfc);
  }
  let term = x;
  let sum = x;
  const x2 = x * x;
  for (let n = 1; n < 200; n++) {
    term *= -x2 / n;
    const t = term / (2 * n + 1);
    sum += t;
    if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}

export const unaryRef = {
  leaky_relu: (x: number, slope: number) => Math.fround(x < 0 ? x * Math.fround(slope) : x),
  gelu: (x: number) => 0.5 * x * (1 + erf64(x / Math.SQRT2)),
  gelu_tanh: (x: number) => 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x * x * x))),
  silu: (x: number) => x / (1 + Math.exp(-x)),
  sigmoid: (x: number) => 1 / (1 + Math.exp(-x)),
  tanh: (x: number) => Math.tanh(x),
};

/** softmax (or log_softmax) of one row in f64, PyTorch semantics (all -inf -> NaN). */
export function softmaxRow(x: ArrayLike<number>, log: boolean): Float64Array {
  const n = x.length;
  let m = -Infinity;
  for (let i = 0; i < n; i++) m = Math.max(m, x[i]);
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.exp(x[i] - m);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = log ? x[i] - m - Math.log(s) : Math.exp(x[i] - m) / s;
  return y;
}

/** layer_norm of one row in f64 (biased variance), optional weight/bias. */
export function layerNormRow(x: ArrayLike<number>, eps: number, w?: ArrayLike<number>, b?: ArrayLike<number>): Float64Array {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (x[i] - mean) ** 2;
  const rstd = 1 / Math.sqrt(v / n + Math.fround(eps));
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = (x[i] - mean) * rstd * (w ? w[i] : 1) + (b ? b[i] : 0);
  return y;
}

/** numpy-broadcast a op b in f64; returns the output shape and values. */
export function broadcastRef(
  a: ArrayLike<number>, as: number[], b: ArrayLike<number>, bs: number[], op: (p: number, q: number) => number,
): { shape: number[]; y: Float64Array } {
  const nd = Math.max(as.length, bs.length);
  const pa = [...Array(nd - as.length).fill(1), ...as];
  const pb = [...Array(nd - bs.length).fill(1), ...bs];
  const shape = pa.map((d, i) => (d === 1 ? pb[i] : d));
  const total = shape.reduce((p, d) => p * d, 1);
  const y = new Float64Array(total);
  const idx = new Array(nd).fill(0);
  for (let f = 0; f < total; f++) {
    let r = f;
    for (let d = nd - 1; d >= 0; d--) {
      idx[d] = r % shape[d];
      r = Math.floor(r / shape[d]);
    }
    let ia = 0;
    let ib = 0;
    for (let d = 0; d < nd; d++) {
      ia = ia * pa[d] + (pa[d] === 1 ? 0 : idx[d]);
      ib = ib * pb[d] + (pb[d] === 1 ? 0 : idx[d]);
    }
    y[f] = op(a[ia], b[ib]);
  }
  return { shape, y };
}
