// f32_vexp_u8__wasmsimd: y[i] = e^x[i] (x > 88.72 -> +Inf, x < -103.97 -> 0, NaN -> NaN), i < n.
// Operands: x, y are contiguous f32 arrays of n elements (byte addresses); y may equal x (in place).
// Tile: 8 elements per iteration, then 4, then a 2/1 lane tail (shared loop: vunary-loop.ts).
// Accuracy: vexp_rr2_p6 (common/vmath.ts); measured max relative error 2.4e-7 on a 400k-point grid of [-87, 88] (test/kernels/f32-vunary-math.test.ts asserts 3e-7).
// Preconditions: n >= 1. Reads up to 16 B past x + 4n (the arena pads); never writes past y + 4n.
import { vunary_u8_p3, VOP_EXP } from './vunary-loop';

export function f32_vexp_u8__wasmsimd(n: usize, x: usize, y: usize): void {
  assert(n != 0, 'f32_vexp_u8__wasmsimd: n must be >= 1');
  vunary_u8_p3(VOP_EXP, false, n, x, y, f32x4.splat(0), f32x4.splat(0), f32x4.splat(0));
}
