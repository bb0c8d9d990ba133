// f32_vtanh_u8__wasmrelaxedsimd_fma: y[i] = tanh(x[i]) (never overflows; +-inf -> +-1) for i < n.
// Operands: x, y are contiguous f32 arrays of n elements (byte addresses); y may equal x (in place).
// Tile: 8 elements per iteration, then 4, then a 2/1 lane tail (shared loop: vunary-loop.ts).
// Relaxed twin of f32_vtanh_u8__wasmsimd: polynomials and range reductions use f32x4.relaxed_madd
// (fused where the hardware has FMA); held to the same bound by the same tests.
// Accuracy: vtanh (common/vmath.ts); measured max |y - ref| / (1 + |ref|) = 7.5e-8 (max relative
// 2.3e-7) on a 400k-point grid over [-20, 20] (test/kernels/f32-vunary.test.ts asserts 1.5e-7).
// Preconditions: n >= 1. Reads up to 16 B past x + 4n (the arena pads); never writes past y + 4n.
import { vunary_u8, VOP_TANH } from './vunary-loop';

export function f32_vtanh_u8__wasmrelaxedsimd_fma(n: usize, x: usize, y: usize): void {
  assert(n != 0, 'f32_vtanh_u8__wasmrelaxedsimd_fma: n must be >= 1');
  vunary_u8(VOP_TANH, true, n, x, y, f32x4.splat(0));
}
