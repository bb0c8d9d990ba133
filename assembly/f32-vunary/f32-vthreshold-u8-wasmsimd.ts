// f32_vthreshold_u8__wasmsimd: y[i] = x <= threshold ? value : x (torch threshold; ThresholdedRelu is value = 0; NaN -> NaN), i < n.
// Operands: x, y are contiguous f32 arrays of n elements (byte addresses); y may equal x (in place).
// Tile: 8 elements per iteration, then 4, then a 2/1 lane tail (shared loop: vunary-loop.ts).
// Accuracy: exact.
// Preconditions: n >= 1. Reads up to 16 B past x + 4n (the arena pads); never writes past y + 4n.
import { vunary_u8_p3, VOP_THRESHOLD } from './vunary-loop';

export function f32_vthreshold_u8__wasmsimd(n: usize, x: usize, y: usize, threshold: f32, value: f32): void {
  assert(n != 0, 'f32_vthreshold_u8__wasmsimd: n must be >= 1');
  vunary_u8_p3(VOP_THRESHOLD, false, n, x, y, f32x4.splat(threshold), f32x4.splat(value), f32x4.splat(0));
}
