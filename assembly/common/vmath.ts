// Vectorized transcendentals on f32x4, shared by every kernel family (@inline, no state).
// Each function states its algorithm and its error measured against float64 references over
// the grid in test/kernels (dense grid +-Inf/NaN/0; see the vunary tests).
//
// Every function takes a compile-time flag `fma` (default false): true (only in kernels named
// __wasmrelaxedsimd_fma) turns each multiply-add of the polynomials and range reductions into
// f32x4.relaxed_madd (vmadd below). The bounds quoted hold for both; the fma forms measured
// within them (sigmoid rel 3.0e-7, tanh rel 2.2e-7 on the 400k-point grid).
//
// vexp_rr2_p6(x): e^x. n = round(x*log2(e)) (magic-bias rounding, ties to even, n read from the
//   bits); r = x - n*ln2 (two-constant Cody-Waite reduction, |r| <= ln2/2); e^r by degree-6
//   Taylor polynomial (Horner); 2^n applied in two
//   halves so results near FLT_MAX and in the denormal range are right. x > 88.7228 -> +Inf,
//   x < -103.98 -> 0, NaN -> NaN. Measured max relative error 2.4e-7 (~2 ulp) on normal results.
//   nonpositive = true (compile-time; callers that guarantee x <= 0 or NaN, e.g. softmax's
//   x - max) drops the overflow test; results are otherwise identical.
// vexp_rr2_p5_nonpositive(x): e^x for x <= 0 (or NaN / -inf) only, as XNNPACK's rr2_p5: magic
//   bias 0x1.8000FEp23 (1.5*2^23 + 127) so z's low mantissa bits are n + 127 and s = z << 23 is
//   2^n; r = x - n*ln2 (two-constant reduction); e^r = 1 + r*(c1 + r*(c2 + ... c5)) minimax
//   degree-5 polynomial applied as (r*s)*p + s. x < -87.336548 (result denormal) -> 0 by
//   compare+andnot (-inf -> 0, NaN -> NaN);
//   flush = false (compile-time; callers that know x >= -87.336 or NaN) drops that test. x > 0 is out of contract (wrong results). About 2/3
//   the instructions of vexp_rr2_p6. Measured on a 2M-point grid of [-87.3, 0]: max relative
//   error 1.8e-7 (2.2 ulp), fma form 1.7e-7 (2.0 ulp); exact 0 / NaN on the specials.
// vsigmoid(x): 1/(1+e^-x) as z = e^-|x|, s = 1/(1+z), x<0 ? z*s : s. Never overflows.
//   Measured on [-20, 20]: max rel error 3.5e-7 (400k-point grid), max abs 9.4e-8.
// vtanh(x): |x| < 0.25: odd Taylor polynomial to x^9; else (1-t)/(1+t), t = e^(-2|x|); sign
//   restored by copysign. Never overflows; NaN -> NaN. Measured on [-20, 20]: max rel 2.3e-7.
// verf_as7126(x): |x| < 0.5: odd Taylor polynomial to x^11 (relative error < 3e-7); else
//   Abramowitz & Stegun 7.1.26: 1 - (a1 t + ... + a5 t^5) e^(-x^2), t = 1/(1 + p|x|), odd
//   extension. Measured over a 1M-point grid on [-20, 20]: max abs error 2.9e-7, max rel 5.4e-7.

// a * b + c. With fma = true (relaxed build only, in kernels named __wasmrelaxedsimd_fma) this is
// f32x4.relaxed_madd, which may or may not round once; with fma = false it is mul then add.
// `fma` is a compile-time constant at every call: the other branch is never emitted, and in the
// baseline builds (no relaxed-simd feature) the relaxed opcode is not even compiled.
// @ts-ignore: decorator
@inline export function vmadd(fma: bool, a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    if (fma) return f32x4.relaxed_madd(a, b, c);
  }
  return f32x4.add(f32x4.mul(a, b), c);
}

// @ts-ignore: decorator
@inline export function vexp_rr2_p6(x: v128, fma: bool = false, nonpositive: bool = false): v128 {
  const vlog2e = f32x4.splat(1.44269504088896341);
  const vln2hi = f32x4.splat(0.693145751953125);
  const vln2lo = f32x4.splat(1.42860682030941723e-6);
  // Magic-bias rounding: z = x*log2e + 1.5*2^23 rounds x*log2e to the nearest integer n (ties to
  // even, exactly as f32x4.nearest) for |x*log2e| < 2^22, and n is read from the bits of z.
  // Beyond that range the result is replaced by +Inf / 0 below.
  const vmagic = f32x4.splat(12582912.0);
  const vz = f32x4.add(f32x4.mul(x, vlog2e), vmagic);
  const vn = f32x4.sub(vz, vmagic);
  const vr = vmadd(fma, vn, f32x4.neg(vln2lo), vmadd(fma, vn, f32x4.neg(vln2hi), x));
  let vp = f32x4.splat(1.0 / 720.0);
  vp = vmadd(fma, vp, vr, f32x4.splat(1.0 / 120.0));
  vp = vmadd(fma, vp, vr, f32x4.splat(1.0 / 24.0));
  vp = vmadd(fma, vp, vr, f32x4.splat(1.0 / 6.0));
  vp = vmadd(fma, vp, vr, f32x4.splat(0.5));
  vp = vmadd(fma, vp, vr, f32x4.splat(1.0));
  vp = vmadd(fma, vp, vr, f32x4.splat(1.0));
  // 2^n = 2^(n>>1) * 2^(n - (n>>1)): both halves stay normal for |n| <= 150 (|x| <= 103.98).
  const vni = i32x4.sub(vz, vmagic);
  const vna = i32x4.shr_s(vni, 1);
  const vnb = i32x4.sub(vni, vna);
  const vsa = i32x4.shl(i32x4.add(vna, i32x4.splat(127)), 23);
  const vsb = i32x4.shl(i32x4.add(vnb, i32x4.splat(127)), 23);
  let vy = f32x4.mul(f32x4.mul(vp, vsa), vsb);
  if (!nonpositive) vy = v128.bitselect(f32x4.splat(Infinity), vy, f32x4.gt(x, f32x4.splat(88.72283935546875)));
  vy = v128.bitselect(f32x4.splat(0), vy, f32x4.lt(x, f32x4.splat(-103.972076416015625)));
  return vy;
}

// @ts-ignore: decorator
@inline export function vexp_rr2_p5_nonpositive(x: v128, fma: bool = false, flush: bool = true): v128 {
  const vmagic = f32x4.splat(12583039.0); // 0x1.8000FEp23
  let vn = vmadd(fma, x, f32x4.splat(1.44269502162933349609375), vmagic); // 0x1.715476p0
  const vs = i32x4.shl(vn, 23);
  vn = f32x4.sub(vn, vmagic);
  let vt = vmadd(fma, vn, f32x4.splat(-0.693145751953125), x); // -0x1.62E400p-1
  vt = vmadd(fma, vn, f32x4.splat(-1.428606765330187e-06), vt); // -0x1.7F7D1Cp-20
  let vp = vmadd(fma, f32x4.splat(0.008289290592074394), vt, f32x4.splat(0.04189782217144966)); // 0x1.0F9F9Cp-7, 0x1.573A1Ap-5
  vp = vmadd(fma, vp, vt, f32x4.splat(0.16667652130126953)); // 0x1.555A80p-3
  vp = vmadd(fma, vp, vt, f32x4.splat(0.4999915063381195)); // 0x1.FFFDC6p-2
  vp = vmadd(fma, vp, vt, f32x4.splat(0.9999997019767761)); // 0x1.FFFFF6p-1
  vt = f32x4.mul(vt, vs);
  const vf = vmadd(fma, vt, vp, vs);
  if (!flush) return vf;
  return v128.andnot(vf, f32x4.lt(x, f32x4.splat(-87.33654022216796875))); // -0x1.5D589Ep6
}

// @ts-ignore: decorator
@inline export function vsigmoid(x: v128, fma: bool = false): v128 {
  const vz = vexp_rr2_p6(f32x4.neg(f32x4.abs(x)), fma);
  const vs = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), vz));
  return v128.bitselect(f32x4.mul(vz, vs), vs, f32x4.lt(x, f32x4.splat(0)));
}

// @ts-ignore: decorator
@inline export function vtanh(x: v128, fma: bool = false): v128 {
  const vax = f32x4.abs(x);
  // Large branch: (1 - t) / (1 + t), t = e^(-2|x|).
  const vt = vexp_rr2_p6(f32x4.mul(vax, f32x4.splat(-2)), fma);
  const vbig = f32x4.div(f32x4.sub(f32x4.splat(1), vt), f32x4.add(f32x4.splat(1), vt));
  // Small branch: x - x^3/3 + 2x^5/15 - 17x^7/315 + 62x^9/2835.
  const vx2 = f32x4.mul(vax, vax);
  let vq = f32x4.splat(62.0 / 2835.0);
  vq = vmadd(fma, vq, vx2, f32x4.splat(-17.0 / 315.0));
  vq = vmadd(fma, vq, vx2, f32x4.splat(2.0 / 15.0));
  vq = vmadd(fma, vq, vx2, f32x4.splat(-1.0 / 3.0));
  const vsmall = f32x4.add(vax, f32x4.mul(f32x4.mul(vq, vx2), vax));
  const vabs = v128.bitselect(vsmall, vbig, f32x4.lt(vax, f32x4.splat(0.25)));
  // copysign(vabs, x); NaN stays NaN.
  const vsign = i32x4.splat(0x80000000);
  return v128.or(v128.andnot(vabs, vsign), v128.and(x, vsign));
}

// @ts-ignore: decorator
@inline export function verf_as7126(x: v128, fma: bool = false): v128 {
  const vax = f32x4.abs(x);
  const vt = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.splat(1), f32x4.mul(vax, f32x4.splat(0.3275911))));
  let vp = f32x4.splat(1.061405429);
  vp = vmadd(fma, vp, vt, f32x4.splat(-1.453152027));
  vp = vmadd(fma, vp, vt, f32x4.splat(1.421413741));
  vp = vmadd(fma, vp, vt, f32x4.splat(-0.284496736));
  vp = vmadd(fma, vp, vt, f32x4.splat(0.254829592));
  vp = f32x4.mul(vp, vt);
  const ve = vexp_rr2_p6(f32x4.neg(f32x4.mul(vax, vax)), fma);
  const vbig = f32x4.sub(f32x4.splat(1), f32x4.mul(vp, ve));
  // 2/sqrt(pi) * (x - x^3/3 + x^5/10 - x^7/42 + x^9/216 - x^11/1320)
  const vx2 = f32x4.mul(vax, vax);
  let vq = f32x4.splat(-1.0 / 1320.0);
  vq = vmadd(fma, vq, vx2, f32x4.splat(1.0 / 216.0));
  vq = vmadd(fma, vq, vx2, f32x4.splat(-1.0 / 42.0));
  vq = vmadd(fma, vq, vx2, f32x4.splat(1.0 / 10.0));
  vq = vmadd(fma, vq, vx2, f32x4.splat(-1.0 / 3.0));
  vq = vmadd(fma, vq, vx2, f32x4.splat(1.0));
  const vsmall = f32x4.mul(f32x4.mul(vq, vax), f32x4.splat(1.1283791670955126));
  const vabs = v128.bitselect(vsmall, vbig, f32x4.lt(vax, f32x4.splat(0.5)));
  const vsign = i32x4.splat(0x80000000);
  return v128.or(v128.andnot(vabs, vsign), v128.and(x, vsign));
}

// vlog(x): ln x as musl/fdlibm logf: x = 2^k * m with m in [sqrt(1/2), sqrt(2)) (exponent bits
//   shifted by the bits of sqrt(1/2); subnormal x first scaled by 2^23), f = m - 1, s = f/(2+f),
//   log(1+f) = f - hfsq + s*(hfsq + R(s^2)), R a degree-4 minimax in z = s^2 (Lg1..Lg4), plus
//   k*ln2 in two parts. x = +-0 -> -Inf, x < 0 -> NaN, +Inf -> +Inf, NaN -> NaN.
//   Measured max relative error 7.9e-8 (~1 ulp) over 400k-point grids of [1e-3, 20] and
//   [1e-30, 1e30] (test/kernels/f32-vunary-math.test.ts, which also checks subnormals).
// @ts-ignore: decorator
@inline export function vlog(x: v128, fma: bool = false): v128 {
  const vsub = f32x4.lt(x, f32x4.splat(1.17549435e-38)); // subnormal, zero or negative
  const vxs = v128.bitselect(f32x4.mul(x, f32x4.splat(8388608.0)), x, vsub);
  let vix = i32x4.add(vxs, i32x4.splat(0x3f800000 - 0x3f3504f3));
  const vk = i32x4.sub(i32x4.sub(i32x4.shr_u(vix, 23), i32x4.splat(0x7f)), v128.and(vsub, i32x4.splat(23)));
  vix = i32x4.add(v128.and(vix, i32x4.splat(0x007fffff)), i32x4.splat(0x3f3504f3));
  const vf = f32x4.sub(vix, f32x4.splat(1));
  const vs = f32x4.div(vf, f32x4.add(f32x4.splat(2), vf));
  const vz = f32x4.mul(vs, vs);
  const vw = f32x4.mul(vz, vz);
  const vt1 = f32x4.mul(vw, vmadd(fma, vw, f32x4.splat(0.242790788412094116), f32x4.splat(0.400009721517562866)));
  const vt2 = f32x4.mul(vz, vmadd(fma, vw, f32x4.splat(0.284987866878509521), f32x4.splat(0.666666626930236816)));
  const vr = f32x4.add(vt2, vt1);
  const vhfsq = f32x4.mul(f32x4.mul(f32x4.splat(0.5), vf), vf);
  const vdk = f32x4.convert_i32x4_s(vk);
  let vy = vmadd(fma, vs, f32x4.add(vhfsq, vr), f32x4.mul(vdk, f32x4.splat(9.05800061445916e-06)));
  vy = f32x4.add(f32x4.add(f32x4.sub(vy, vhfsq), vf), f32x4.mul(vdk, f32x4.splat(0.693138122558593750)));
  // Specials: NaN and +Inf pass through, 0 -> -Inf, negative -> NaN.
  vy = v128.bitselect(x, vy, v128.or(f32x4.ne(x, x), f32x4.eq(x, f32x4.splat(Infinity))));
  vy = v128.bitselect(f32x4.splat(-Infinity), vy, f32x4.eq(x, f32x4.splat(0)));
  return v128.bitselect(f32x4.splat(NaN), vy, f32x4.lt(x, f32x4.splat(0)));
}

// vlog1p_unit(t): ln(1 + t) for t in [0, 1] (or NaN) without cancellation: u = 1 + t,
//   ln(u) * t / (u - 1) (the rounding of u cancels to first order), t itself when u == 1.
//   Relative error ~ vlog's (2e-7).
// @ts-ignore: decorator
@inline export function vlog1p_unit(t: v128, fma: bool = false): v128 {
  const vu = f32x4.add(f32x4.splat(1), t);
  const vd = f32x4.sub(vu, f32x4.splat(1));
  const vl = f32x4.div(f32x4.mul(vlog(vu, fma), t), vd);
  return v128.bitselect(t, vl, f32x4.eq(vd, f32x4.splat(0)));
}

// vsincos(x, cos): sin x (cos = false) or cos x (cos = true), cephes sinf/cosf: n = round(x*2/pi),
//   r = x - n*pi/2 by a three-constant Cody-Waite reduction (pi/2 = 1.5703125 + 4.8375129699707e-4
//   + 7.5497899548918822e-8; n*1.5703125 exact for |n| < 2^16), |r| <= pi/4; sin r and cos r by
//   the cephes minimax polynomials (degree 7 odd, degree 8 even); quadrant (n + cos) & 3 picks
//   +-sin r / +-cos r. +-Inf and NaN -> NaN. Measured max |y - ref| 5.3e-8 on 400k-point grids of
//   [-20, 20] and [-1e4, 1e4]; beyond |x| ~ 1e5 the reduction loses digits (the error
//   grows with |x| * 2^-48), and past |x| = 2^31 (n saturates) the result is meaningless.
// @ts-ignore: decorator
@inline export function vsincos(x: v128, cos: bool, fma: bool = false): v128 {
  const vn = f32x4.nearest(f32x4.mul(x, f32x4.splat(0.636619772367581343)));
  let vr = vmadd(fma, vn, f32x4.splat(-1.5703125), x);
  vr = vmadd(fma, vn, f32x4.splat(-4.837512969970703125e-4), vr);
  vr = vmadd(fma, vn, f32x4.splat(-7.54978995489188216e-8), vr);
  let vq = i32x4.trunc_sat_f32x4_s(vn);
  if (cos) vq = i32x4.add(vq, i32x4.splat(1));
  const vz = f32x4.mul(vr, vr);
  let vps = vmadd(fma, vz, f32x4.splat(-1.9515295891e-4), f32x4.splat(8.3321608736e-3));
  vps = vmadd(fma, vz, vps, f32x4.splat(-1.6666654611e-1));
  const vsin = vmadd(fma, f32x4.mul(vr, vz), vps, vr);
  let vpc = vmadd(fma, vz, f32x4.splat(2.443315711809948e-5), f32x4.splat(-1.388731625493765e-3));
  vpc = vmadd(fma, vz, vpc, f32x4.splat(4.166664568298827e-2));
  const vcos = vmadd(fma, f32x4.mul(vz, vz), vpc, vmadd(fma, vz, f32x4.splat(-0.5), f32x4.splat(1)));
  const vodd = i32x4.ne(v128.and(vq, i32x4.splat(1)), i32x4.splat(0));
  let vy = v128.xor(v128.bitselect(vcos, vsin, vodd), i32x4.shl(v128.and(vq, i32x4.splat(2)), 30));
  // sin(-0) = -0 (the reduction r = x - n*pi/2 turns -0 into +0).
  if (!cos) vy = v128.bitselect(x, vy, f32x4.eq(x, f32x4.splat(0)));
  return vy;
}
