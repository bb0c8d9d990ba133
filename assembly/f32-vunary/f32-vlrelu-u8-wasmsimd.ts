// f32_vlrelu_u8__wasmsimd: y[i] = x[i] < 0 ? x[i] * slope : x[i] (torch leaky_relu; NaN -> NaN) for i < n.
// Operands: x, y are contiguous f32 arrays of n elements (byte addresses); y may equal x (in place).
// Tile: 8 elements per iteration, then 4, then a 2/1 lane tail (shared loop: vunary-loop.ts).
// Accuracy: exact: one f32 multiply by the f32 slope (torch's float32 kernel; its float64 reference
// multiplies by the double slope, which differs by at most 1 ulp).
// Preconditions: n >= 1. Reads up to 16 B past x + 4n (the arena pads); never writes past y + 4n.
import { vunary_u8, VOP_LRELU } from './vunary-loop';

export function f32_vlrelu_u8__wasmsimd(n: usize, x: usize, y: usize, slope: f32): void {
  assert(n != 0, 'f32_vlrelu_u8__wasmsimd: n must be >= 1');
  vunary_u8(VOP_LRELU, false, n, x, y, f32x4.splat(slope));
}
