// @inline helpers shared by the depthwise-convolution kernels (f32_dwconv_*): row sums of the
// fixed kernels, the clamp epilogue and a partial store. No exports to JS.

// The first n (1..3) lanes of v to p.
// @ts-ignore: decorator
@inline export function storeLanes(p: usize, v: v128, n: i32): void {
  store<f32>(p, f32x4.extract_lane(v, 0));
  if (n > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (n > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

// pmax(v, lo) = v < lo ? lo : v and pmin(v, hi) = hi < v ? hi : v: NaN passes through, and each is
// one minps/maxps on x86 (f32x4.min/max need several instructions for their NaN rules).
// @ts-ignore: decorator
@inline export function clampV(v: v128, lo: v128, hi: v128): v128 {
  return f32x4.pmin(f32x4.pmax(v, lo), hi);
}

// Row sums for the fixed kernels (one kernel row, 4 output columns): each row starts its own
// accumulator so the dependency chains stay short; the driver adds the rows pairwise.
// 3 taps at stride 1: wa*p[0..3] + wb*p[1..4] + wc*p[2..5].
// @ts-ignore: decorator
@inline export function taps3s1(p: usize, wa: v128, wb: v128, wc: v128): v128 {
  return rowSum3(v128.load(p), v128.load(p, 4), v128.load(p, 8), wa, wb, wc);
}

// wa*a + wb*b + wc*c for three already-loaded shifted vectors.
// @ts-ignore: decorator
@inline export function rowSum3(a: v128, b: v128, c: v128, wa: v128, wb: v128, wc: v128): v128 {
  return f32x4.add(f32x4.add(f32x4.mul(wa, a), f32x4.mul(wb, b)), f32x4.mul(wc, c));
}

// 3 taps at stride 2: lanes ix+{0,2,4,6}, +1, +2 (reads p .. p+12 floats).
// @ts-ignore: decorator
@inline export function taps3s2(p: usize, wa: v128, wb: v128, wc: v128): v128 {
  const v0 = v128.load(p), v1 = v128.load(p, 16), v2 = v128.load(p, 32);
  const e = v128.shuffle<f32>(v0, v1, 0, 2, 4, 6);
  const o = v128.shuffle<f32>(v0, v1, 1, 3, 5, 7);
  let acc = f32x4.mul(wa, e);
  acc = f32x4.add(acc, f32x4.mul(wb, o));
  return f32x4.add(acc, f32x4.mul(wc, v128.shuffle<f32>(e, v2, 1, 2, 3, 4)));
}

// 5 taps at stride 1, weights at wr (5 floats).
// @ts-ignore: decorator
@inline export function taps5s1(p: usize, wr: usize): v128 {
  let acc = f32x4.mul(v128.load32_splat(wr), v128.load(p));
  acc = f32x4.add(acc, f32x4.mul(v128.load32_splat(wr, 4), v128.load(p, 4)));
  acc = f32x4.add(acc, f32x4.mul(v128.load32_splat(wr, 8), v128.load(p, 8)));
  acc = f32x4.add(acc, f32x4.mul(v128.load32_splat(wr, 12), v128.load(p, 12)));
  return f32x4.add(acc, f32x4.mul(v128.load32_splat(wr, 16), v128.load(p, 16)));
}

// 5 taps at stride 2 (reads p .. p+12 floats), weights at wr.
// @ts-ignore: decorator
@inline export function taps5s2(p: usize, wr: usize): v128 {
  const v0 = v128.load(p), v1 = v128.load(p, 16), v2 = v128.load(p, 32);
  const e = v128.shuffle<f32>(v0, v1, 0, 2, 4, 6);
  const o = v128.shuffle<f32>(v0, v1, 1, 3, 5, 7);
  let acc = f32x4.mul(v128.load32_splat(wr), e);
  acc = f32x4.add(acc, f32x4.mul(v128.load32_splat(wr, 4), o));
  acc = f32x4.add(acc, f32x4.mul(v128.load32_splat(wr, 8), v128.shuffle<f32>(e, v2, 1, 2, 3, 4)));
  acc = f32x4.add(acc, f32x4.mul(v128.load32_splat(wr, 12), v128.shuffle<f32>(o, v2, 1, 2, 3, 5)));
  return f32x4.add(acc, f32x4.mul(v128.load32_splat(wr, 16), v128.shuffle<f32>(e, v2, 2, 3, 4, 6)));
}
