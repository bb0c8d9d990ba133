// The one loop every f32-vunary kernel shares: y[i] = op(x[i]) over n contiguous elements,
// 8 per iteration, then 4, then a 2/1 lane tail that loads one full vector (reads up to 16 B
// past x + 4n; the arena pads) and stores only the valid lanes (never writes past y + 4n).
// `op` and `fma` are compile-time constants at every call site, so each kernel inlines only its
// own arithmetic (binaryen folds the dispatch); fma = true only in __wasmrelaxedsimd_fma kernels.
import { vsigmoid, vtanh, verf_as7126 } from '../common/vmath';

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
@inline function vop(op: i32, fma: bool, v: v128, vslope: v128): v128 {
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
  unreachable();
  return v;
}

// @ts-ignore: decorator
@inline export function vunary_u8(op: i32, fma: bool, n: usize, x: usize, y: usize, vslope: v128): void {
  for (; n >= 8; n -= 8) {
    const vx0123 = v128.load(x);
    const vx4567 = v128.load(x, 16);
    x += 32;
    v128.store(y, vop(op, fma, vx0123, vslope));
    v128.store(y, vop(op, fma, vx4567, vslope), 16);
    y += 32;
  }
  if (n >= 4) {
    v128.store(y, vop(op, fma, v128.load(x), vslope));
    x += 16; y += 16; n -= 4;
  }
  if (n != 0) {
    let vy = vop(op, fma, v128.load(x), vslope);
    if (n & 2) {
      v128.store64_lane(y, vy, 0);
      vy = v128.shuffle<f32>(vy, vy, 2, 3, 2, 3);
      y += 8;
    }
    if (n & 1) v128.store32_lane(y, vy, 0);
  }
}
