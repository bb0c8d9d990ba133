/**
 * Independent float64 references for convolution and pooling (NCHW, one batch of images), written
 * from PyTorch's definitions with no code shared with the engine. Padding: top/left given, the
 * rest implicit (taps outside the input are padding).
 */

export interface RefConv {
  n: number; c: number; h: number; w: number;
  o: number; kh: number; kw: number;
  sh: number; sw: number; ph: number; pw: number; dh: number; dw: number;
  groups: number; oh: number; ow: number;
}

/** y[n][o][oy][ox] = bias[o] + sum_{ci in group, ky, kx} w[o][ci][ky][kx] * x[n][g*cg+ci][iy][ix] in float64. */
export function conv2dRef(s: RefConv, x: ArrayLike<number>, w: ArrayLike<number>, bias: ArrayLike<number> | null): Float64Array {
  const cg = s.c / s.groups;
  const og = s.o / s.groups;
  const y = new Float64Array(s.n * s.o * s.oh * s.ow);
  for (let n = 0; n < s.n; n++) {
    for (let o = 0; o < s.o; o++) {
      const g = Math.floor(o / og);
      for (let oy = 0; oy < s.oh; oy++) {
        for (let ox = 0; ox < s.ow; ox++) {
          let acc = bias ? bias[o] : 0;
          for (let ci = 0; ci < cg; ci++) {
            for (let ky = 0; ky < s.kh; ky++) {
              const iy = oy * s.sh - s.ph + ky * s.dh;
              if (iy < 0 || iy >= s.h) continue;
              for (let kx = 0; kx < s.kw; kx++) {
                const ix = ox * s.sw - s.pw + kx * s.dw;
                if (ix < 0 || ix >= s.w) continue;
                acc += w[((o * cg + ci) * s.kh + ky) * s.kw + kx] * x[((n * s.c + g * cg + ci) * s.h + iy) * s.w + ix];
              }
            }
          }
          y[((n * s.o + o) * s.oh + oy) * s.ow + ox] = acc;
        }
      }
    }
  }
  return y;
}

/** PyTorch's pooling output size (shared/golden/README.md). */
export function poolOutRef(n: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  let o = Math.floor((n + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (o - 1) * s >= n + p) o--;
  return o;
}

export interface RefPool {
  planes: number; h: number; w: number; kh: number; kw: number;
  sh: number; sw: number; ph: number; pw: number; dh: number; dw: number; ceil: boolean;
}

export function maxPoolRef(s: RefPool, x: ArrayLike<number>): Float64Array {
  const oh = poolOutRef(s.h, s.kh, s.sh, s.ph, s.dh, s.ceil);
  const ow = poolOutRef(s.w, s.kw, s.sw, s.pw, s.dw, s.ceil);
  const y = new Float64Array(s.planes * oh * ow);
  for (let c = 0; c < s.planes; c++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        let m = -Infinity;
        for (let ky = 0; ky < s.kh; ky++) {
          for (let kx = 0; kx < s.kw; kx++) {
            const iy = oy * s.sh - s.ph + ky * s.dh;
            const ix = ox * s.sw - s.pw + kx * s.dw;
            if (iy < 0 || iy >= s.h || ix < 0 || ix >= s.w) continue;
            const v = x[(c * s.h + iy) * s.w + ix];
            if (v > m || Number.isNaN(v)) m = v;
            if (Number.isNaN(m)) break;
          }
        }
        y[(c * oh + oy) * ow + ox] = m;
      }
    }
  }
  return y;
}

/** Average pooling with PyTorch's divisor rule (count_include_pad counts padding but not the overhang past it). */
export function avgPoolRef(s: RefPool, cip: boolean, x: ArrayLike<number>): Float64Array {
  const oh = poolOutRef(s.h, s.kh, s.sh, s.ph, 1, s.ceil);
  const ow = poolOutRef(s.w, s.kw, s.sw, s.pw, 1, s.ceil);
  const y = new Float64Array(s.planes * oh * ow);
  for (let c = 0; c < s.planes; c++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        let hs = oy * s.sh - s.ph, ws = ox * s.sw - s.pw;
        let he = Math.min(hs + s.kh, s.h + s.ph), we = Math.min(ws + s.kw, s.w + s.pw);
        const pool = (he - hs) * (we - ws);
        hs = Math.max(hs, 0); ws = Math.max(ws, 0);
        he = Math.min(he, s.h); we = Math.min(we, s.w);
        let sum = 0;
        for (let iy = hs; iy < he; iy++) for (let ix = ws; ix < we; ix++) sum += x[(c * s.h + iy) * s.w + ix];
        y[(c * oh + oy) * ow + ox] = sum / (cip ? pool : (he - hs) * (we - ws));
      }
    }
  }
  return y;
}
