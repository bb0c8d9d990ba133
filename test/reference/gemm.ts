/**
 * Independent float64 reference for the GEMM family: C = act(A W^T + bias + rowBias), plus the
 * error bound the tests accept. Nothing here shares code with the kernels.
 */

/** erf in float64: Maclaurin series for |x| < 3, asymptotic erfc expansion beyond (|err| < 1e-10). */
export function erf64(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  let r: number;
  if (ax < 3) {
    let term = ax;
    let sum = ax;
    for (let n = 1; n < 80; n++) {
      term *= (-ax * ax) / n;
      const t = term / (2 * n + 1);
      sum += t;
      if (Math.abs(t) < 1e-17 * Math.abs(sum)) break;
    }
    r = (2 / Math.sqrt(Math.PI)) * sum;
  } else if (ax < 10) {
    const x2 = ax * ax;
    let term = 1;
    let sum = 1;
    for (let n = 1; n < 9; n++) {
      term *= -(2 * n - 1) / (2 * x2);
      sum += term;
    }
    r = 1 - (Math.exp(-x2) / (ax * Math.sqrt(Math.PI))) * sum;
  } else r = 1;
  return x < 0 ? -r : r;
}

export type RefAct = 'none' | 'relu' | 'gelu' | 'gelu_tanh' | { clamp: [number, number] };

export function act64(v: number, act: RefAct): number {
  if (act === 'none') return v;
  if (act === 'relu') return Number.isNaN(v) ? NaN : Math.max(v, 0);
  if (act === 'gelu') return 0.5 * v * (1 + erf64(v / Math.SQRT2));
  if (act === 'gelu_tanh') return 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
  const [lo, hi] = act.clamp;
  return Number.isNaN(v) ? NaN : Math.min(Math.max(v, lo), hi);
}

export interface RefGemm {
  /** act(sum) per element, row-major m x n. */
  out: Float64Array;
  /** Error allowance per element (see gemmTolerance). */
  tol: Float64Array;
}

/**
 * a: m x k (row stride lda), w: n x k (row stride k, PyTorch [out, in]), bias n or null,
 * rowBias m or null. Tolerance per element: (k + 2) * 2^-24 * (sum_p |a_ip w_jp| + |bias_j| +
 * |rowBias_i|) + 1e-6 (the float32 accumulation bound gamma_(k+2)), plus for gelu 2e-6 * (1 + |x|)
 * (the erf/tanh approximations measured in assembly/common/vmath.ts), all propagated through the
 * activation's slope (<= 1.13).
 */
export function gemmRef(
  m: number, n: number, k: number, a: Float32Array, lda: number, w: Float32Array,
  bias: Float32Array | null, rowBias: Float32Array | null, act: RefAct,
): RefGemm {
  const out = new Float64Array(m * n);
  const tol = new Float64Array(m * n);
  const u = 2 ** -24;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      let mag = 0;
      for (let p = 0; p < k; p++) {
        const t = a[i * lda + p] * w[j * k + p];
        s += t;
        mag += Math.abs(t);
      }
      if (bias) {
        s += bias[j];
        mag += Math.abs(bias[j]);
      }
      if (rowBias) {
        s += rowBias[i];
        mag += Math.abs(rowBias[i]);
      }
      out[i * n + j] = act64(s, act);
      let t = (k + 2) * u * mag + 1e-6;
      if (act === 'gelu' || act === 'gelu_tanh') t = 1.13 * t + 2e-6 * (1 + Math.abs(s));
      tol[i * n + j] = t;
    }
  }
  return { out, tol };
}
