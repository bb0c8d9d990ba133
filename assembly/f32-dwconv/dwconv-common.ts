// @inline helpers shared by the depthwise-convolution kernels (f32_dwconv_*): row sums of the
// fixed kernels, the clamp epilogue and a partial store. No exports to JS.
// The type parameter M picks the multiply-add: Unfused (mul then add, every build) or Fused
// (f32x4.relaxed_madd, only instantiated by the __wasmrelaxedsimd_fma kernels: the branch is
// resolved at compile time, so the baseline build never contains a relaxed opcode).

export type Unfused = u32;
export type Fused = u64;

// a * b + c.
// @ts-ignore: decorator
@inline export function madd<M>(a: v128, b: v128, c: v128): v128 {
  if (sizeof<M>() == 8) return f32x4.relaxed_madd(a, b, c);
  return f32x4.add(f32x4.mul(a, b), c);
}

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
@inline export function taps3s1<M>(p: usize, wa: v128, wb: v128, wc: v128): v128 {
  return rowSum3<M>(v128.load(p), v128.load(p, 4), v128.load(p, 8), wa, wb, wc);
}

// wa*a + wb*b + wc*c for three already-loaded shifted vectors.
// @ts-ignore: decorator
@inline export function rowSum3<M>(a: v128, b: v128, c: v128, wa: v128, wb: v128, wc: v128): v128 {
  return madd<M>(wc, c, madd<M>(wb, b, f32x4.mul(wa, a)));
}

// 3 taps at stride 2: lanes ix+{0,2,4,6}, +1, +2 (reads p .. p+12 floats).
// @ts-ignore: decorator
@inline export function taps3s2<M>(p: usize, wa: v128, wb: v128, wc: v128): v128 {
  const v0 = v128.load(p), v1 = v128.load(p, 16), v2 = v128.load(p, 32);
  const e = v128.shuffle<f32>(v0, v1, 0, 2, 4, 6);
  const o = v128.shuffle<f32>(v0, v1, 1, 3, 5, 7);
  return madd<M>(wc, v128.shuffle<f32>(e, v2, 1, 2, 3, 4), madd<M>(wb, o, f32x4.mul(wa, e)));
}

// 5 taps at stride 1, weights at wr (5 floats).
// @ts-ignore: decorator
@inline export function taps5s1<M>(p: usize, wr: usize): v128 {
  let acc = f32x4.mul(v128.load32_splat(wr), v128.load(p));
  acc = madd<M>(v128.load32_splat(wr, 4), v128.load(p, 4), acc);
  acc = madd<M>(v128.load32_splat(wr, 8), v128.load(p, 8), acc);
  acc = madd<M>(v128.load32_splat(wr, 12), v128.load(p, 12), acc);
  return madd<M>(v128.load32_splat(wr, 16), v128.load(p, 16), acc);
}

// 5 taps at stride 2 (reads p .. p+12 floats), weights at wr.
// @ts-ignore: decorator
@inline export function taps5s2<M>(p: usize, wr: usize): v128 {
  const v0 = v128.load(p), v1 = v128.load(p, 16), v2 = v128.load(p, 32);
  const e = v128.shuffle<f32>(v0, v1, 0, 2, 4, 6);
  const o = v128.shuffle<f32>(v0, v1, 1, 3, 5, 7);
  let acc = f32x4.mul(v128.load32_splat(wr), e);
  acc = madd<M>(v128.load32_splat(wr, 4), o, acc);
  acc = madd<M>(v128.load32_splat(wr, 8), v128.shuffle<f32>(e, v2, 1, 2, 3, 4), acc);
  acc = madd<M>(v128.load32_splat(wr, 12), v128.shuffle<f32>(o, v2, 1, 2, 3, 5), acc);
  return madd<M>(v128.load32_splat(wr, 16), v128.shuffle<f32>(e, v2, 2, 3, 4, 6), acc);
}
