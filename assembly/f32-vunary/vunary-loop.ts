// The one loop every f32-vunary kernel shares: y[i] = op(x[i]) over n contiguous elements,
// 8 per iteration, then 4, then a 2/1 lane tail that loads one full vector (reads up to 16 B
// past x + 4n; the arena pads) and stores only the valid lanes (never writes past y + 4n).
// `op` and `fma` are compile-time constants at every call site, so each kernel inlines only its
// own arithmetic (binaryen folds the dispatch); fma = true only in __wasmrelaxedsimd_fma kernels.
import { vsigmoid, vtanh, verf_as7126, vexp_rr2_p6, vlog, vlog1p_unit, vsincos } from '../common/vmath';

// @ts-ignore: decorator
@inline export const VOP_LRELU: i32 = 1;
// @ts-ignore: decorator
@inline export const VOP_GELU: i32 = 2;
// @ts-ignore: decorator
@inline export const VOP_GELU_TANH: i32 = 3;
// @ts-ignore: decorator
@inline export const VOP_SILU: i32 = 4;
// @ts-ignore: decorator
@inline export const VOP_SIGMOID: i32 = 5;
// @ts-ignore: decorator
@inline export const VOP_TANH: i32 = 6;

// @ts-ignore: decorator
@inline export const VOP_SQRT: i32 = 7;
// @ts-ignore: decorator
@inline export const VOP_EXP: i32 = 8;
// @ts-ignore: decorator
@inline export const VOP_LOG: i32 = 9;
// @ts-ignore: decorator
@inline export const VOP_NEG: i32 = 10;
// @ts-ignore: decorator
@inline export const VOP_ABS: i32 = 11;
// @ts-ignore: decorator
@inline export const VOP_RECIPROCAL: i32 = 12;
// @ts-ignore: decorator
@inline export const VOP_FLOOR: i32 = 13;
// @ts-ignore: decorator
@inline export const VOP_CEIL: i32 = 14;
// @ts-ignore: decorator
@inline export const VOP_ROUND: i32 = 15;
// @ts-ignore: decorator
@inline export const VOP_SIGN: i32 = 16;
// @ts-ignore: decorator
@inline export const VOP_ERF: i32 = 17;
// @ts-ignore: decorator
@inline export const VOP_SIN: i32 = 18;
// @ts-ignore: decorator
@inline export const VOP_COS: i32 = 19;
// @ts-ignore: decorator
@inline export const VOP_CLAMP: i32 = 20;
// @ts-ignore: decorator
@inline export const VOP_HARDSWISH: i32 = 21;
// @ts-ignore: decorator
@inline export const VOP_HARDSIGMOID: i32 = 22;
// @ts-ignore: decorator
@inline export const VOP_MISH: i32 = 23;
// @ts-ignore: decorator
@inline export const VOP_ELU: i32 = 24;
// @ts-ignore: decorator
@inline export const VOP_SOFTPLUS: i32 = 25;
// @ts-ignore: decorator
@inline export const VOP_SOFTSIGN: i32 = 26;
// @ts-ignore: decorator
@inline export const VOP_THRESHOLD: i32 = 27;
// @ts-ignore: decorator
@inline export const VOP_SHRINK: i32 = 28;

// p0, p1, p2: the op's splatted f32 parameters (unused ones are 0), named in each branch.
// @ts-ignore: decorator
@inline function vop(op: i32, fma: bool, v: v128, p0: v128, p1: v128, p2: v128): v128 {
  const vslope = p0;
  if (op == VOP_LRELU) {
    // x < 0 ? x * slope : x. NaN fails the test and passes through unchanged.
    return v128.bitselect(f32x4.mul(v, vslope), v, f32x4.lt(v, f32x4.splat(0)));
  }
  if (op == VOP_GELU) {
    // 0.5 x (1 + erf(x / sqrt 2)), PyTorch's formula: gelu(-inf) = -inf * 0 = NaN as in torch.
    const ve = verf_as7126(f32x4.mul(v, f32x4.splat(0.7071067811865476)), fma);
    return f32x4.mul(f32x4.mul(v, f32x4.splat(0.5)), f32x4.add(f32x4.splat(1), ve));
  }
  if (op == VOP_GELU_TANH) {
    // 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))); x^3 may overflow to +-inf: tanh saturates.
    const vx3 = f32x4.mul(f32x4.mul(v, v), v);
    const vin = f32x4.mul(f32x4.add(v, f32x4.mul(vx3, f32x4.splat(0.044715))), f32x4.splat(0.7978845608028654));
    return f32x4.mul(f32x4.mul(v, f32x4.splat(0.5)), f32x4.add(f32x4.splat(1), vtanh(vin, fma)));
  }
  if (op == VOP_SILU) {
    // x * sigmoid(x): silu(-inf) = NaN as in torch (x / (1 + e^-x) = -inf / inf).
    return f32x4.mul(v, vsigmoid(v, fma));
  }
  if (op == VOP_SIGMOID) return vsigmoid(v, fma);
  if (op == VOP_TANH) return vtanh(v, fma);
  if (op == VOP_SQRT) return f32x4.sqrt(v);
  if (op == VOP_EXP) return vexp_rr2_p6(v, fma);
  if (op == VOP_LOG) return vlog(v, fma);
  if (op == VOP_NEG) return f32x4.neg(v);
  if (op == VOP_ABS) return f32x4.abs(v);
  if (op == VOP_RECIPROCAL) return f32x4.div(f32x4.splat(1), v);
  if (op == VOP_FLOOR) return f32x4.floor(v);
  if (op == VOP_CEIL) return f32x4.ceil(v);
  if (op == VOP_ROUND) return f32x4.nearest(v); // half to even, as torch.round and ONNX Round
  if (op == VOP_SIGN) {
    // torch.sign: (x > 0) - (x < 0): +1 / -1 by the sign bit of x; 0, -0 and NaN give +0.
    const vone = v128.or(f32x4.splat(1), v128.and(v, i32x4.splat(0x80000000)));
    return v128.and(vone, v128.or(f32x4.gt(v, f32x4.splat(0)), f32x4.lt(v, f32x4.splat(0))));
  }
  if (op == VOP_ERF) return verf_as7126(v, fma);
  if (op == VOP_SIN) return vsincos(v, false, fma);
  if (op == VOP_COS) return vsincos(v, true, fma);
  if (op == VOP_CLAMP) {
    // min(max(x, lo), hi) with p0 = lo, p1 = hi; NaN propagates (f32x4.max/min, not pmax).
    return f32x4.min(f32x4.max(v, p0), p1);
  }
  if (op == VOP_HARDSWISH) {
    // torch: x * min(max(x + 3, 0), 6) / 6.
    const vr6 = f32x4.min(f32x4.max(f32x4.add(v, f32x4.splat(3)), f32x4.splat(0)), f32x4.splat(6));
    return f32x4.div(f32x4.mul(v, vr6), f32x4.splat(6));
  }
  if (op == VOP_HARDSIGMOID) {
    // max(0, min(1, alpha x + beta)), p0 = alpha, p1 = beta (ONNX HardSigmoid; torch: 1/6, 1/2).
    return f32x4.max(f32x4.min(f32x4.add(f32x4.mul(v, p0), p1), f32x4.splat(1)), f32x4.splat(0));
  }
  if (op == VOP_MISH) {
    // x tanh(softplus(x)) = x q / (q + 2), q = e^x (e^x + 2); x > 20 -> x (tanh(softplus) == 1 in f32).
    const vn = vexp_rr2_p6(f32x4.min(v, f32x4.splat(20)), fma);
    const vq = f32x4.mul(vn, f32x4.add(vn, f32x4.splat(2)));
    const vy = f32x4.div(f32x4.mul(v, vq), f32x4.add(vq, f32x4.splat(2)));
    return v128.bitselect(v, vy, f32x4.gt(v, f32x4.splat(20)));
  }
  if (op == VOP_ELU) {
    // x > 0 ? scale x : scale alpha (e^(x inv) - 1); p0 = alpha, p1 = scale, p2 = inv
    // (ELU: alpha, 1, 1; SELU: 1.6733, 1.0507, 1; CELU: alpha, 1, 1/alpha). NaN -> NaN.
    const vneg = f32x4.mul(f32x4.mul(p0, p1), f32x4.sub(vexp_rr2_p6(f32x4.mul(v, p2), fma), f32x4.splat(1)));
    return v128.bitselect(f32x4.mul(v, p1), vneg, f32x4.gt(v, f32x4.splat(0)));
  }
  if (op == VOP_SOFTPLUS) {
    // torch softplus(beta = p0, threshold = p1): z = beta x; z > threshold ? x :
    // (max(z, 0) + log1p(e^-|z|)) / beta (never overflows). NaN -> NaN, -inf -> 0.
    const vz = f32x4.mul(v, p0);
    const ve = vexp_rr2_p6(f32x4.neg(f32x4.abs(vz)), fma, true);
    const vsp = f32x4.div(f32x4.add(f32x4.max(vz, f32x4.splat(0)), vlog1p_unit(ve, fma)), p0);
    return v128.bitselect(v, vsp, f32x4.gt(vz, p1));
  }
  if (op == VOP_SOFTSIGN) return f32x4.div(v, f32x4.add(f32x4.splat(1), f32x4.abs(v)));
  if (op == VOP_THRESHOLD) {
    // torch threshold(threshold = p0, value = p1): x <= threshold ? value : x (NaN -> NaN).
    return v128.bitselect(p1, v, f32x4.le(v, p0));
  }
  if (op == VOP_SHRINK) {
    // ONNX Shrink(lambd = p0, bias = p1): |x| <= lambd ? 0 : x > 0 ? x - bias : x + bias
    // (hardshrink: bias 0; softshrink: bias lambd). NaN -> 0 when p2 != 0 (ONNX's formula and
    // torch.softshrink), NaN -> NaN when p2 == 0 (torch.hardshrink).
    const vy = f32x4.sub(v, v128.bitselect(p1, f32x4.neg(p1), f32x4.gt(v, f32x4.splat(0))));
    const vnan0 = v128.and(f32x4.ne(v, v), f32x4.ne(p2, f32x4.splat(0)));
    return v128.andnot(vy, v128.or(f32x4.le(f32x4.abs(v), p0), vnan0));
  }
  unreachable();
  return v;
}

// @ts-ignore: decorator
@inline export function vunary_u8(op: i32, fma: bool, n: usize, x: usize, y: usize, vslope: v128): void {
  vunary_u8_p3(op, fma, n, x, y, vslope, f32x4.splat(0), f32x4.splat(0));
}

// vunary_u8 with up to three splatted parameters (p0, p1, p2) for the parametrized ops.
// @ts-ignore: decorator
@inline export function vunary_u8_p3(op: i32, fma: bool, n: usize, x: usize, y: usize, p0: v128, p1: v128, p2: v128): void {
  for (; n >= 8; n -= 8) {
    const vx0123 = v128.load(x);
    const vx4567 = v128.load(x, 16);
    x += 32;
    v128.store(y, vop(op, fma, vx0123, p0, p1, p2));
    v128.store(y, vop(op, fma, vx4567, p0, p1, p2), 16);
    y += 32;
  }
  if (n >= 4) {
    v128.store(y, vop(op, fma, v128.load(x), p0, p1, p2));
    x += 16; y += 16; n -= 4;
  }
  if (n != 0) {
    let vy = vop(op, fma, v128.load(x), p0, p1, p2);
    if (n & 2) {
      v128.store64_lane(y, vy, 0);
      vy = v128.shuffle<f32>(vy, vy, 2, 3, 2, 3);
      y += 8;
    }
    if (n & 1) v128.store32_lane(y, vy, 0);
  }
}
