// f32_velu_u8__wasmsimd: y[i] = x > 0 ? scale x : scale alpha (e^(x inv) - 1) (ELU: alpha, 1, 1; SELU: 1.6733, 1.0507, 1; CELU: alpha, 1, 1/alpha; NaN -> NaN), i < n.
// Operands: x, y are contiguous f32 arrays of n elements (byte addresses); y may equal x (in place).
// Tile: 8 elements per iteration, then 4, then a 2/1 lane tail (shared loop: vunary-loop.ts).
// Accuracy: vexp_rr2_p6 (e^x - 1, not expm1: relative error near 0 grows, absolute stays); measured max |y - ref| / (1 + |ref|) 1.3e-7 on [-20, 20] (test asserts 2.5e-7).
// Preconditions: n >= 1. Reads up to 16 B past x + 4n (the arena pads); never writes past y + 4n.
import { vunary_u8_p3, VOP_ELU } from './vunary-loop';

export function f32_velu_u8__wasmsimd(n: usize, x: usize, y: usize, alpha: f32, scale: f32, inv: f32): void {
  assert(n != 0, 'f32_velu_u8__wasmsimd: n must be >= 1');
  vunary_u8_p3(VOP_ELU, false, n, x, y, f32x4.splat(alpha), f32x4.splat(scale), f32x4.splat(inv));
}
