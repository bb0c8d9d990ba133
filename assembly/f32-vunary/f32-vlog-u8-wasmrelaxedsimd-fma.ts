// f32_vlog_u8__wasmrelaxedsimd_fma: y[i] = ln x[i] (0 -> -Inf, x < 0 -> NaN, +Inf -> +Inf, NaN -> NaN), i < n.
// Operands: x, y are contiguous f32 arrays of n elements (byte addresses); y may equal x (in place).
// Tile: 8 elements per iteration, then 4, then a 2/1 lane tail (shared loop: vunary-loop.ts).
// Relaxed twin of f32_vlog_u8__wasmsimd: polynomials and range reductions use f32x4.relaxed_madd
// (fused where the hardware has FMA); held to the same bound by the same tests.
// Accuracy: vlog (common/vmath.ts, fdlibm logf); measured max relative error 7.9e-8 on [1e-3, 20] and [1e-30, 1e30] (test asserts 1.5e-7 relative; subnormals included).
// Preconditions: n >= 1. Reads up to 16 B past x + 4n (the arena pads); never writes past y + 4n.
import { vunary_u8_p3, VOP_LOG } from './vunary-loop';

export function f32_vlog_u8__wasmrelaxedsimd_fma(n: usize, x: usize, y: usize): void {
  assert(n != 0, 'f32_vlog_u8__wasmrelaxedsimd_fma: n must be >= 1');
  vunary_u8_p3(VOP_LOG, true, n, x, y, f32x4.splat(0), f32x4.splat(0), f32x4.splat(0));
}
