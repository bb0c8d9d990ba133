// f32_vsigmoid_u8__wasmsimd: y[i] = 1 / (1 + e^-x[i]) (never overflows: e^-|x| only) for i < n.
// Operands: x, y are contiguous f32 arrays of n elements (byte addresses); y may equal x (in place).
// Tile: 8 elements per iteration, then 4, then a 2/1 lane tail (shared loop: vunary-loop.ts).
// Accuracy: vsigmoid (common/vmath.ts); measured max |y - ref| / (1 + |ref|) = 5.7e-8 (max relative
// 3.5e-7) on a 400k-point grid over [-20, 20] (test/kernels/f32-vunary.test.ts asserts 1e-7).
// Preconditions: n >= 1. Reads up to 16 B past x + 4n (the arena pads); never writes past y + 4n.
import { vunary_u8, VOP_SIGMOID } from './vunary-loop';

export function f32_vsigmoid_u8__wasmsimd(n: usize, x: usize, y: usize): void {
  assert(n != 0, 'f32_vsigmoid_u8__wasmsimd: n must be >= 1');
  vunary_u8(VOP_SIGMOID, false, n, x, y, f32x4.splat(0));
}
