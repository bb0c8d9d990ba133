// @inline helpers shared by the depthwise-convolution kernels (f32_dwconv_*): the scalar
// border pixel, the row pointer (or the zero row) and the clamp epilogue. No exports to JS.
import { G_H, G_W, G_KH, G_KW, G_DH, G_DW, geom } from '../common/conv-geom';

// One output pixel with bounds checks: b + sum over in-range taps of w[ky][kx] * x[iy][ix],
// iy = iy0 + ky*dh, ix = ix0 + kx*dw (iy0, ix0 may be negative). Plane xp, weights wk (kh*kw).
// @ts-ignore: decorator
@inline export function dwPixel(g: usize, xp: usize, wk: usize, b: f32, iy0: i32, ix0: i32): f32 {
  const h = geom(g, G_H), w = geom(g, G_W), kh = geom(g, G_KH), kw = geom(g, G_KW);
  const dh = geom(g, G_DH), dw = geom(g, G_DW);
  let acc = b;
  for (let ky = 0; ky < kh; ky++) {
    const iy = iy0 + ky * dh;
    if (iy < 0 || iy >= h) continue;
    for (let kx = 0; kx < kw; kx++) {
      const ix = ix0 + kx * dw;
      if (ix < 0 || ix >= w) continue;
      acc += load<f32>(wk + (<usize>(ky * kw + kx) << 2)) * load<f32>(xp + (<usize>(iy * w + ix) << 2));
    }
  }
  return acc;
}

// Address of input row iy of plane xp, or the zero row when iy is padding.
// @ts-ignore: decorator
@inline export function rowOrZero(xp: usize, zero: usize, iy: i32, h: i32, w: i32): usize {
  return iy < 0 || iy >= h ? zero : xp + (<usize>(iy * w) << 2);
}

// @ts-ignore: decorator
@inline export function clampS(v: f32, lo: f32, hi: f32): f32 {
  return min(max(v, lo), hi);
}

// @ts-ignore: decorator
@inline export function clampV(v: v128, lo: v128, hi: v128): v128 {
  return f32x4.min(f32x4.max(v, lo), hi);
}

// acc + wa*p[0] + wb*p[s] + wc*p[2s]... helpers for fixed kernels: 3 taps at stride 1.
// @ts-ignore: decorator
@inline export function taps3s1(acc: v128, p: usize, wa: v128, wb: v128, wc: v128): v128 {
  acc = f32x4.add(acc, f32x4.mul(wa, v128.load(p)));
  acc = f32x4.add(acc, f32x4.mul(wb, v128.load(p, 4)));
  return f32x4.add(acc, f32x4.mul(wc, v128.load(p, 8)));
}

// 3 taps at stride 2: lanes ix+{0,2,4,6}, +1, +2 (reads p .. p+12 floats).
// @ts-ignore: decorator
@inline export function taps3s2(acc: v128, p: usize, wa: v128, wb: v128, wc: v128): v128 {
  const v0 = v128.load(p), v1 = v128.load(p, 16), v2 = v128.load(p, 32);
  const e = v128.shuffle<f32>(v0, v1, 0, 2, 4, 6);
  const o = v128.shuffle<f32>(v0, v1, 1, 3, 5, 7);
  acc = f32x4.add(acc, f32x4.mul(wa, e));
  acc = f32x4.add(acc, f32x4.mul(wb, o));
  return f32x4.add(acc, f32x4.mul(wc, v128.shuffle<f32>(e, v2, 1, 2, 3, 4)));
}

// 5 taps at stride 1, weights at wr (5 floats).
// @ts-ignore: decorator
@inline export function taps5s1(acc: v128, p: usize, wr: usize): v128 {
  acc = f32x4.add(acc, f32x4.mul(v128.load32_splat(wr), v128.load(p)));
  acc = f32x4.add(acc, f32x4.mul(v128.load32_splat(wr, 4), v128.load(p, 4)));
  acc = f32x4.add(acc, f32x4.mul(v128.load32_splat(wr, 8), v128.load(p, 8)));
  acc = f32x4.add(acc, f32x4.mul(v128.load32_splat(wr, 12), v128.load(p, 12)));
  return f32x4.add(acc, f32x4.mul(v128.load32_splat(wr, 16), v128.load(p, 16)));
}

// 5 taps at stride 2 (reads p .. p+12 floats), weights at wr.
// @ts-ignore: decorator
@inline export function taps5s2(acc: v128, p: usize, wr: usize): v128 {
  const v0 = v128.load(p), v1 = v128.load(p, 16), v2 = v128.load(p, 32);
  const e = v128.shuffle<f32>(v0, v1, 0, 2, 4, 6);
  const o = v128.shuffle<f32>(v0, v1, 1, 3, 5, 7);
  acc = f32x4.add(acc, f32x4.mul(v128.load32_splat(wr), e));
  acc = f32x4.add(acc, f32x4.mul(v128.load32_splat(wr, 4), o));
  acc = f32x4.add(acc, f32x4.mul(v128.load32_splat(wr, 8), v128.shuffle<f32>(e, v2, 1, 2, 3, 4)));
  acc = f32x4.add(acc, f32x4.mul(v128.load32_splat(wr, 12), v128.shuffle<f32>(o, v2, 1, 2, 3, 5)));
  return f32x4.add(acc, f32x4.mul(v128.load32_splat(wr, 16), v128.shuffle<f32>(e, v2, 2, 3, 4, 6)));
}
