// Geometry block shared by the convolution and pooling kernels (im2col, dwconv, pool): 12 u32 at
// a 4-byte-aligned address, all in ELEMENTS, written by src/ops/conv-geom.ts (keep in step).
//   [0] h  [1] w      input plane          [2] oh [3] ow   output plane
//   [4] kh [5] kw     window               [6] sh [7] sw   stride
//   [8] ph [9] pw     top / left padding   [10] dh [11] dw dilation
// Bottom/right padding is implicit: every tap outside [0,h)x[0,w) is padding. Also @inline
// helpers: the interior column range and a 4-lane strided gather.

export const G_H: usize = 0;
export const G_W: usize = 4;
export const G_OH: usize = 8;
export const G_OW: usize = 12;
export const G_KH: usize = 16;
export const G_KW: usize = 20;
export const G_SH: usize = 24;
export const G_SW: usize = 28;
export const G_PH: usize = 32;
export const G_PW: usize = 36;
export const G_DH: usize = 40;
export const G_DW: usize = 44;

// @ts-ignore: decorator
@inline export function geom(g: usize, off: usize): i32 {
  return load<i32>(g + off);
}

// First output column whose every tap (kx = 0..kw-1) lies at ix >= 0.
// @ts-ignore: decorator
@inline export function interiorLo(pw: i32, sw: i32): i32 {
  return (pw + sw - 1) / sw;
}

// One past the last output column whose every tap lies at ix < w (clamped to [lo, ow]).
// @ts-ignore: decorator
@inline export function interiorHi(w: i32, ow: i32, kw: i32, sw: i32, pw: i32, dw: i32, lo: i32): i32 {
  const num = w - 1 - (kw - 1) * dw + pw;
  let hi = num < 0 ? 0 : num / sw + 1;
  if (hi > ow) hi = ow;
  if (hi < lo) hi = lo;
  return hi;
}

// Four floats at p, p+s, p+2s, p+3s (s = stride in elements). Stride 1: one load; stride 2: two
// loads and a shuffle (reads p .. p+8 floats: up to 4 B past the last lane used).
// @ts-ignore: decorator
@inline export function load4(p: usize, s: usize): v128 {
  if (s == 1) return v128.load(p);
  if (s == 2) return v128.shuffle<f32>(v128.load(p), v128.load(p, 16), 0, 2, 4, 6);
  const sb = s << 2;
  let v = f32x4.splat(load<f32>(p));
  v = f32x4.replace_lane(v, 1, load<f32>(p + sb));
  v = f32x4.replace_lane(v, 2, load<f32>(p + 2 * sb));
  return f32x4.replace_lane(v, 3, load<f32>(p + 3 * sb));
}
