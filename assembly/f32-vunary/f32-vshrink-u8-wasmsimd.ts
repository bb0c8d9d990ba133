// f32_vshrink_u8__wasmsimd: y[i] = |x| <= lambd ? 0 : x > 0 ? x - bias : x + bias (ONNX Shrink; hardshrink: bias = 0, softshrink: bias = lambd); NaN -> 0 when nanToZero != 0 (ONNX, torch softshrink), else NaN (torch hardshrink), i < n.
// Operands: x, y are contiguous f32 arrays of n elements (byte addresses); y may equal x (in place).
// Tile: 8 elements per iteration, then 4, then a 2/1 lane tail (shared loop: vunary-loop.ts).
// Accuracy: one f32 subtraction: correctly rounded.
// Preconditions: n >= 1. Reads up to 16 B past x + 4n (the arena pads); never writes past y + 4n.
import { vunary_u8_p3, VOP_SHRINK } from './vunary-loop';

export function f32_vshrink_u8__wasmsimd(n: usize, x: usize, y: usize, lambd: f32, bias: f32, nanToZero: f32): void {
  assert(n != 0, 'f32_vshrink_u8__wasmsimd: n must be >= 1');
  vunary_u8_p3(VOP_SHRINK, false, n, x, y, f32x4.splat(lambd), f32x4.splat(bias), f32x4.splat(nanToZero));
}
