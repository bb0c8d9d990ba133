// The loop nest shared by every f32_dwconv_* kernel (@inline; k and s are compile-time constants
// at each call site, so the optimizer keeps one interior loop per kernel; k = 0 is the generic).
//   y[o][oy][ox] = clamp(bias[o] + sum_{ky,kx} w[o][ky][kx] * x[o / mult][oy*sh-ph+ky*dh][ox*sw-pw+kx*dw], lo, hi)
// Per output row: border columns one pixel at a time with bounds checks (dwPixel), interior
// columns (every tap inside the row) 4 at a time; padding rows read the zero row.
import { G_H, G_W, G_OH, G_OW, G_KH, G_KW, G_SH, G_SW, G_PH, G_PW, G_DH, G_DW, geom, interiorLo, interiorHi, load4 } from '../common/conv-geom';
import { dwPixel, rowOrZero, clampS, clampV, taps3s1, taps3s2, taps5s1, taps5s2 } from './dwconv-common';

// @ts-ignore: decorator
@inline export function dwconvDriver(
  k: i32, s: i32,
  g: usize, channels: usize, mult: usize,
  x: usize, wts: usize, bias: usize, zero: usize, y: usize, lo: f32, hi: f32,
): void {
  const h = geom(g, G_H), w = geom(g, G_W), oh = geom(g, G_OH), ow = geom(g, G_OW);
  const kh = geom(g, G_KH), kw = geom(g, G_KW), sh = geom(g, G_SH), sw = geom(g, G_SW);
  const ph = geom(g, G_PH), pw = geom(g, G_PW), dh = geom(g, G_DH), dw = geom(g, G_DW);
  assert(channels != 0 && mult != 0 && oh > 0 && ow > 0, 'f32_dwconv: empty problem');
  assert(k == 0 || (kh == k && kw == k && sw == s && dh == 1 && dw == 1), 'f32_dwconv: kernel/geometry mismatch');
  const xlo = interiorLo(pw, sw);
  const xhi = interiorHi(w, ow, kw, sw, pw, dw, xlo);
  const vlo = f32x4.splat(lo), vhi = f32x4.splat(hi);
  const taps = <usize>(kh * kw);
  let yp = y;
  for (let o: usize = 0; o < channels; o++) {
    const xp = x + (((o / mult) * <usize>(h * w)) << 2);
    const wk = wts + ((o * taps) << 2);
    const b: f32 = bias != 0 ? load<f32>(bias + (o << 2)) : 0;
    const vb = f32x4.splat(b);
    let w0 = vb, w1 = vb, w2 = vb, w3 = vb, w4 = vb, w5 = vb, w6 = vb, w7 = vb, w8 = vb;
    if (k == 3) {
      w0 = v128.load32_splat(wk); w1 = v128.load32_splat(wk, 4); w2 = v128.load32_splat(wk, 8);
      w3 = v128.load32_splat(wk, 12); w4 = v128.load32_splat(wk, 16); w5 = v128.load32_splat(wk, 20);
      w6 = v128.load32_splat(wk, 24); w7 = v128.load32_splat(wk, 28); w8 = v128.load32_splat(wk, 32);
    }
    for (let oy = 0; oy < oh; oy++) {
      const iy0 = oy * sh - ph;
      let ox = 0;
      for (; ox < xlo && ox < ow; ox++) {
        store<f32>(yp + (<usize>ox << 2), clampS(dwPixel(g, xp, wk, b, iy0, ox * sw - pw), lo, hi));
      }
      if (k == 3 || k == 5) {
        const r0 = rowOrZero(xp, zero, iy0, h, w), r1 = rowOrZero(xp, zero, iy0 + 1, h, w), r2 = rowOrZero(xp, zero, iy0 + 2, h, w);
        const r3 = rowOrZero(xp, zero, iy0 + 3, h, w), r4 = rowOrZero(xp, zero, iy0 + 4, h, w);
        for (; ox + 4 <= xhi; ox += 4) {
          const p = <usize>(ox * s - pw) << 2;
          let acc = vb;
          if (k == 3 && s == 1) {
            acc = taps3s1(acc, r0 + p, w0, w1, w2);
            acc = taps3s1(acc, r1 + p, w3, w4, w5);
            acc = taps3s1(acc, r2 + p, w6, w7, w8);
          } else if (k == 3) {
            acc = taps3s2(acc, r0 + p, w0, w1, w2);
            acc = taps3s2(acc, r1 + p, w3, w4, w5);
            acc = taps3s2(acc, r2 + p, w6, w7, w8);
          } else if (s == 1) {
            acc = taps5s1(acc, r0 + p, wk);
            acc = taps5s1(acc, r1 + p, wk + 20);
            acc = taps5s1(acc, r2 + p, wk + 40);
            acc = taps5s1(acc, r3 + p, wk + 60);
            acc = taps5s1(acc, r4 + p, wk + 80);
          } else {
            acc = taps5s2(acc, r0 + p, wk);
            acc = taps5s2(acc, r1 + p, wk + 20);
            acc = taps5s2(acc, r2 + p, wk + 40);
            acc = taps5s2(acc, r3 + p, wk + 60);
            acc = taps5s2(acc, r4 + p, wk + 80);
          }
          v128.store(yp + (<usize>ox << 2), clampV(acc, vlo, vhi));
        }
      } else {
        const swu = <usize>sw;
        for (; ox + 4 <= xhi; ox += 4) {
          let acc = vb;
          for (let ky = 0; ky < kh; ky++) {
            const iy = iy0 + ky * dh;
            if (iy < 0 || iy >= h) continue;
            const rp = xp + (<usize>(iy * w + ox * sw - pw) << 2);
            const wr = wk + (<usize>(ky * kw) << 2);
            for (let kx = 0; kx < kw; kx++) {
              const v = load4(rp + (<usize>(kx * dw) << 2), swu);
              acc = f32x4.add(acc, f32x4.mul(v128.load32_splat(wr + (<usize>kx << 2)), v));
            }
          }
          v128.store(yp + (<usize>ox << 2), clampV(acc, vlo, vhi));
        }
      }
      for (; ox < ow; ox++) {
        store<f32>(yp + (<usize>ox << 2), clampS(dwPixel(g, xp, wk, b, iy0, ox * sw - pw), lo, hi));
      }
      yp += <usize>ow << 2;
    }
  }
}
