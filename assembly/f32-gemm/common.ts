// Helpers shared by the generated f32-gemm kernels (assembly/f32-gemm/gen/): partial loads for
// N tails, the in-register epilogues (relu, clamp) and the GELU pass over a finished C tile.
// Activation codes (same in src/ops/gemm.ts): 0 none, 1 relu, 2 clamp(minv, maxv), 3 gelu (erf),
// 4 gelu (tanh approximation).
import { verf_as7126, vtanh } from '../common/vmath';

export const ACT_NONE: i32 = 0;
export const ACT_RELU: i32 = 1;
export const ACT_CLAMP: i32 = 2;
export const ACT_GELU: i32 = 3;
export const ACT_GELU_TANH: i32 = 4;

// Loads min(max(n, 0), 4) floats at p into the low lanes (others zero); never reads past p + 4n
// for n < 4 (C rows are outputs: no padding behind them).
// @ts-ignore: decorator
@inline export function vload_upto(p: usize, n: isize): v128 {
  if (n >= 4) return v128.load(p);
  if (n <= 0) return f32x4.splat(0);
  let v = f32x4.splat(0);
  if (n & 2) {
    v = v128.load64_zero(p);
    if (n & 1) v = v128.load32_lane(p, v, 2, 8);
  } else {
    v = v128.load32_zero(p);
  }
  return v;
}

// relu (NaN stays NaN, as torch.relu) or clamp (f32x4.min/max propagate NaN, as torch.clamp).
// @ts-ignore: decorator
@inline export function vact(v: v128, act: i32, vmin: v128, vmax: v128): v128 {
  if (act == ACT_RELU) return v128.bitselect(f32x4.splat(0), v, f32x4.lt(v, f32x4.splat(0)));
  if (act == ACT_CLAMP) return f32x4.min(f32x4.max(v, vmin), vmax);
  return v;
}

// gelu(x) = x/2 (1 + erf(x/sqrt2)); gelu_tanh(x) = x/2 (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
// @ts-ignore: decorator
@inline function vgelu(x: v128, act: i32): v128 {
  let t: v128;
  if (act == ACT_GELU) {
    t = verf_as7126(f32x4.mul(x, f32x4.splat(0.7071067811865476)));
  } else {
    const x3 = f32x4.mul(f32x4.mul(x, x), x);
    t = vtanh(f32x4.mul(f32x4.add(x, f32x4.mul(x3, f32x4.splat(0.044715))), f32x4.splat(0.7978845608028654)));
  }
  return f32x4.mul(f32x4.mul(x, f32x4.splat(0.5)), f32x4.add(t, f32x4.splat(1)));
}

// Applies gelu (act 3) or gelu_tanh (act 4) in place to the mr x nc window of C at c (ldc in
// bytes). Reads and writes only that window.
export function gemm_gelu_tile(mr: usize, nc: usize, c: usize, ldcBytes: usize, act: i32): void {
  for (let i: usize = 0; i < mr; i++) {
    let p = c + i * ldcBytes;
    let j = nc;
    for (; j >= 4; j -= 4) {
      v128.store(p, vgelu(v128.load(p), act));
      p += 16;
    }
    if (j != 0) {
      let v = vgelu(vload_upto(p, <isize>j), act);
      if (j & 2) {
        v128.store64_lane(p, v, 0);
        v = v128.shuffle<f32>(v, v, 2, 3, 2, 3);
        p += 8;
      }
      if (j & 1) v128.store32_lane(p, v, 0);
    }
  }
}
