// f32_vhardsigmoid_u8__wasmsimd: y[i] = max(0, min(1, alpha x + beta)) (ONNX HardSigmoid; torch hardsigmoid is alpha = 1/6, beta = 1/2; NaN -> NaN), i < n.
// Operands: x, y are contiguous f32 arrays of n elements (byte addresses); y may equal x (in place).
// Tile: 8 elements per iteration, then 4, then a 2/1 lane tail (shared loop: vunary-loop.ts).
// Accuracy: one multiply-add, then clamps: within 1 ulp of the f64 value of the f32 alpha x + beta.
// Preconditions: n >= 1. Reads up to 16 B past x + 4n (the arena pads); never writes past y + 4n.
import { vunary_u8_p3, VOP_HARDSIGMOID } from './vunary-loop';

export function f32_vhardsigmoid_u8__wasmsimd(n: usize, x: usize, y: usize, alpha: f32, beta: f32): void {
  assert(n != 0, 'f32_vhardsigmoid_u8__wasmsimd: n must be >= 1');
  vunary_u8_p3(VOP_HARDSIGMOID, false, n, x, y, f32x4.splat(alpha), f32x4.splat(beta), f32x4.splat(0));
}
