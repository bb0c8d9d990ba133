/**
 * Independent float64 references for the layer family (adaptive pooling, group/instance norm,
 * transposed convolution, interpolation), written from PyTorch's definitions with no code shared
 * with the engine.
 */

/** Adaptive pooling of planes h x w to oh x ow with torch's windows [floor(i*n/o), ceil((i+1)*n/o)). */
export function adaptivePoolRef(kind: 'avg' | 'max', planes: number, h: number, w: number, oh: number, ow: number, x: ArrayLike<number>): Float64Array {
  const y = new Float64Array(planes * oh * ow);
  const lo = (i: number, n: number, o: number) => Math.floor((i * n) / o);
  const hi = (i: number, n: number, o: number) => Math.ceil(((i + 1) * n) / o);
  for (let p = 0; p < planes; p++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        let acc = kind === 'avg' ? 0 : -Infinity;
        let cnt = 0;
        for (let iy = lo(oy, h, oh); iy < hi(oy, h, oh); iy++) {
          for (let ix = lo(ox, w, ow); ix < hi(ox, w, ow); ix++) {
            const v = x[(p * h + iy) * w + ix];
            if (kind === 'avg') acc += v;
            else if (v > acc || Number.isNaN(v)) acc = Number.isNaN(acc) ? acc : v;
            cnt++;
          }
        }
        y[(p * oh + oy) * ow + ox] = kind === 'avg' ? acc / cnt : acc;
      }
    }
  }
  return y;
}

/** Group norm of x [n, c, inner]: per (image, group) mean and biased variance in float64, then weight/bias per channel. */
export function groupNormRef(n: number, c: number, inner: number, groups: number, x: ArrayLike<number>, weight: ArrayLike<number> | null, bias: ArrayLike<number> | null, eps: number): Float64Array {
  const y = new Float64Array(n * c * inner);
  const cg = c / groups;
  const len = cg * inner;
  for (let i = 0; i < n; i++) {
    for (let g = 0; g < groups; g++) {
      const off = (i * c + g * cg) * inner;
      let mean = 0;
      for (let j = 0; j < len; j++) mean += x[off + j];
      mean /= len;
      let v = 0;
      for (let j = 0; j < len; j++) v += (x[off + j] - mean) ** 2;
      v /= len;
      const rstd = 1 / Math.sqrt(v + eps);
      for (let j = 0; j < len; j++) {
        const ch = g * cg + Math.floor(j / inner);
        y[off + j] = (x[off + j] - mean) * rstd * (weight ? weight[ch] : 1) + (bias ? bias[ch] : 0);
      }
    }
  }
  return y;
}

export interface RefConvT {
  n: number; cin: number; h: number; w: number; cout: number; groups: number;
  kh: number; kw: number; sh: number; sw: number; ph: number; pw: number; dh: number; dw: number;
  oh: number; ow: number;
}

/** Transposed convolution by scattering every input tap in float64: weight [cin, cout/groups, kh, kw]. */
export function convTransposeRef(s: RefConvT, x: ArrayLike<number>, wt: ArrayLike<number>, bias: ArrayLike<number> | null): Float64Array {
  const y = new Float64Array(s.n * s.cout * s.oh * s.ow);
  const cg = s.cin / s.groups, og = s.cout / s.groups;
  for (let n = 0; n < s.n; n++) for (let o = 0; o < s.cout; o++) for (let i = 0; i < s.oh * s.ow; i++) y[(n * s.cout + o) * s.oh * s.ow + i] = bias ? bias[o] : 0;
  for (let n = 0; n < s.n; n++) for (let ci = 0; ci < s.cin; ci++) {
    const g = Math.floor(ci / cg);
    for (let iy = 0; iy < s.h; iy++) for (let ix = 0; ix < s.w; ix++) {
      const xv = x[((n * s.cin + ci) * s.h + iy) * s.w + ix];
      for (let o = 0; o < og; o++) for (let ky = 0; ky < s.kh; ky++) for (let kx = 0; kx < s.kw; kx++) {
        const oy = iy * s.sh - s.ph + ky * s.dh, ox = ix * s.sw - s.pw + kx * s.dw;
        if (oy < 0 || oy >= s.oh || ox < 0 || ox >= s.ow) continue;
        y[((n * s.cout + g * og + o) * s.oh + oy) * s.ow + ox] += xv * wt[((ci * og + o) * s.kh + ky) * s.kw + kx];
      }
    }
  }
  return y;
}
