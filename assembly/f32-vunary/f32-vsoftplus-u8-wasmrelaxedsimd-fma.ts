// f32_vsoftplus_u8__wasmrelaxedsimd_fma: y[i] = beta x > threshold ? x : (max(beta x, 0) + log1p(e^-|beta x|)) / beta (torch softplus; never overflows; NaN -> NaN), i < n.
// Operands: x, y are contiguous f32 arrays of n elements (byte addresses); y may equal x (in place).
// Tile: 8 elements per iteration, then 4, then a 2/1 lane tail (shared loop: vunary-loop.ts).
// Relaxed twin of f32_vsoftplus_u8__wasmsimd: polynomials and range reductions use f32x4.relaxed_madd
// (fused where the hardware has FMA); held to the same bound by the same tests.
// Accuracy: vexp_rr2_p6 + vlog1p_unit; measured max |y - ref| / (1 + |ref|) 7.8e-8 on [-20, 20] (test asserts 2e-7).
// Preconditions: n >= 1. Reads up to 16 B past x + 4n (the arena pads); never writes past y + 4n.
import { vunary_u8_p3, VOP_SOFTPLUS } from './vunary-loop';

export function f32_vsoftplus_u8__wasmrelaxedsimd_fma(n: usize, x: usize, y: usize, beta: f32, threshold: f32): void {
  assert(n != 0, 'f32_vsoftplus_u8__wasmrelaxedsimd_fma: n must be >= 1');
  vunary_u8_p3(VOP_SOFTPLUS, true, n, x, y, f32x4.splat(beta), f32x4.splat(threshold), f32x4.splat(0));
}
