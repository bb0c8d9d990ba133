/**
 * Independent reference of the qd8-f32-qc8w GEMM family (assembly/qd8-f32-qc8w-gemm/common.ts):
 * the per-row 7-bit activation quantization and the f32 epilogue replayed with Math.fround, the
 * int32 dot in exact integer arithmetic, and a packer of the documented panel layout written from
 * the layout description (not shared with src/ops/qgemm.ts).
 */
import { act64, type RefAct } from './gemm.js';

const f = Math.fround;

/** wasm's nearest: round half to even. */
export function nearest(x: number): number {
  if (!Number.isFinite(x)) return x;
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export interface QRow {
  q: Uint8Array;
  s: number;
  zp: number;
}

/** The kernels' quantization of one row of k f32 values (rows are Float32Array data). */
export function quantizeRowRef(x: ArrayLike<number>, k: number): QRow {
  let lo = 0;
  let hi = 0;
  for (let p = 0; p < k; p++) {
    lo = Math.min(lo, x[p]);
    hi = Math.max(hi, x[p]);
  }
  let s = f(f(hi - lo) / 127);
  if (!Number.isFinite(s)) s = NaN;
  let inv = f(1 / s);
  if (!Number.isFinite(inv)) inv = 0;
  const zf = nearest(f(-lo * inv));
  const zp = Number.isNaN(zf) ? 0 : Math.min(Math.max(zf, 0), 127);
  const q = new Uint8Array(k);
  for (let p = 0; p < k; p++) {
    const c = nearest(f(x[p] * inv));
    q[p] = Number.isNaN(c) ? zp : Math.min(Math.max(c + zp, 0), 127);
  }
  return { q, s, zp };
}

/** Packs int8 weights [n, k] + scales + bias into the qc8w panel layout (NR = 8, K padded to 4). */
export function packQc8wRef(n: number, k: number, w: Int8Array, scales: ArrayLike<number>, bias: ArrayLike<number> | null): Uint8Array {
  const kp = Math.ceil(k / 4) * 4;
  const pb = 96 + 8 * kp;
  const out = new Uint8Array(Math.ceil(n / 8) * pb);
  const dv = new DataView(out.buffer);
  for (let j = 0; j < n; j++) {
    const base = Math.floor(j / 8) * pb;
    const jj = j % 8;
    let ksum = 0;
    for (let p = 0; p < k; p++) {
      ksum += w[j * k + p];
      // block of 4 k: 32 bytes; columns 0..3 in the first 16, 4..7 in the next 16; 4 k per column
      out[base + 96 + Math.floor(p / 4) * 32 + Math.floor(jj / 4) * 16 + (jj % 4) * 4 + (p % 4)] = w[j * k + p] & 0xff;
    }
    dv.setInt32(base + jj * 4, ksum, true);
    dv.setFloat32(base + 32 + jj * 4, scales[j], true);
    dv.setFloat32(base + 64 + jj * 4, bias ? bias[j] : 0, true);
  }
  return out;
}

export interface QGemmRef {
  /** Expected outputs m x n (exact for none/relu/clamp). */
  out: Float64Array;
  /** Exact int32 accumulators (acc - zp * ksum) m x n. */
  acc: Float64Array;
  /** Tolerance per element: 0 except for gelu (approximation bound). */
  tol: Float64Array;
  rows: QRow[];
}

/** The family's result for A (m x k, lda), int8 W [n, k], scales, bias. */
export function qgemmRef(m: number, n: number, k: number, a: ArrayLike<number>, lda: number, w: Int8Array, scales: ArrayLike<number>, bias: ArrayLike<number> | null, act: RefAct): QGemmRef {
  const out = new Float64Array(m * n);
  const accs = new Float64Array(m * n);
  const tol = new Float64Array(m * n);
  const rows: QRow[] = [];
  for (let i = 0; i < m; i++) {
    const row = quantizeRowRef(Array.from({ length: k }, (_, p) => a[i * lda + p]), k);
    rows.push(row);
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let p = 0; p < k; p++) acc += (row.q[p] - row.zp) * w[j * k + p];
      accs[i * n + j] = acc;
      let y = f(f(f(acc) * f(row.s * scales[j])) + (bias ? bias[j] : 0));
      if (act === 'relu') y = y < 0 ? 0 : y;
      else if (typeof act === 'object') y = Math.min(Math.max(y, act.clamp[0]), act.clamp[1]);
      else if (act !== 'none') {
        tol[i * n + j] = 3e-6 * (1 + Math.abs(y));
        y = act64(y, act);
      }
      out[i * n + j] = y;
    }
  }
  return { out, acc: accs, tol, rows };
}

export interface QConvRefSpec {
  n: number; c: number; h: number; w: number; o: number; kh: number; kw: number;
  sh: number; sw: number; ph: number; pw: number; dh: number; dw: number; groups: number; oh: number; ow: number;
}

/**
 * The int8 convolution's result (src/ops/qconv.ts): each image's group input quantized ONCE with
 * the 7-bit rule over all its c/groups * h * w values (quantizeRowRef), the exact integer
 * convolution sum (q - zp) * wq (padding taps contribute 0: their code is zp), and the family's
 * f32 epilogue. wq int8 [o, c/groups, kh, kw] (PyTorch layout), scales [o], bias [o] or null.
 */
export function qconvRef(s: QConvRefSpec, x: ArrayLike<number>, wq: Int8Array, scales: ArrayLike<number>, bias: ArrayLike<number> | null, act: RefAct): { out: Float64Array; tol: Float64Array; qp: { s: number; zp: number }[] } {
  const cg = s.c / s.groups;
  const og = s.o / s.groups;
  const hw = s.h * s.w;
  const p = s.oh * s.ow;
  const out = new Float64Array(s.n * s.o * p);
  const tol = new Float64Array(out.length);
  const qps: { s: number; zp: number }[] = [];
  for (let n = 0; n < s.n; n++) {
    for (let g = 0; g < s.groups; g++) {
      const base = (n * s.c + g * cg) * hw;
      const row = quantizeRowRef(Array.from({ length: cg * hw }, (_, i) => x[base + i]), cg * hw);
      qps.push({ s: row.s, zp: row.zp });
      for (let oj = 0; oj < og; oj++) {
        const o = g * og + oj;
        for (let oy = 0; oy < s.oh; oy++) {
          for (let ox = 0; ox < s.ow; ox++) {
            let acc = 0;
            for (let ci = 0; ci < cg; ci++) {
              for (let ky = 0; ky < s.kh; ky++) {
                const iy = oy * s.sh - s.ph + ky * s.dh;
                if (iy < 0 || iy >= s.h) continue;
                for (let kx = 0; kx < s.kw; kx++) {
                  const ix = ox * s.sw - s.pw + kx * s.dw;
                  if (ix < 0 || ix >= s.w) continue;
                  acc += (row.q[ci * hw + iy * s.w + ix] - row.zp) * wq[((o * cg + ci) * s.kh + ky) * s.kw + kx];
                }
              }
            }
            const i = (n * s.o + o) * p + oy * s.ow + ox;
            let y = f(f(f(acc) * f(row.s * scales[o])) + (bias ? bias[o] : 0));
            if (act === 'relu') y = y < 0 ? 0 : y;
            else if (typeof act === 'object') y = Math.min(Math.max(y, f(act.clamp[0])), f(act.clamp[1]));
            else if (act !== 'none') {
              tol[i] = 3e-6 * (1 + Math.abs(y));
              y = act64(y, act);
            }
            out[i] = y;
          }
        }
      }
    }
  }
  return { out, tol, qp: qps };
}
