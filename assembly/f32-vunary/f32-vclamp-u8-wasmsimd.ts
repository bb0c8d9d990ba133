// f32_vclamp_u8__wasmsimd: y[i] = min(max(x[i], lo), hi) (torch.clamp, hardtanh, relu6, ONNX Clip; NaN -> NaN), i < n.
// Operands: x, y are contiguous f32 arrays of n elements (byte addresses); y may equal x (in place).
// Tile: 8 elements per iteration, then 4, then a 2/1 lane tail (shared loop: vunary-loop.ts).
// Accuracy: exact.
// Preconditions: n >= 1. Reads up to 16 B past x + 4n (the arena pads); never writes past y + 4n.
import { vunary_u8_p3, VOP_CLAMP } from './vunary-loop';

export function f32_vclamp_u8__wasmsimd(n: usize, x: usize, y: usize, lo: f32, hi: f32): void {
  assert(n != 0, 'f32_vclamp_u8__wasmsimd: n must be >= 1');
  vunary_u8_p3(VOP_CLAMP, false, n, x, y, f32x4.splat(lo), f32x4.splat(hi), f32x4.splat(0));
}
