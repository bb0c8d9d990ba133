// f32_vmish_u8__wasmrelaxedsimd_fma: y[i] = x tanh(softplus(x)) = x q / (q + 2), q = e^x (e^x + 2); x > 20 -> x (mish(-inf) = NaN as torch's formula), i < n.
// Operands: x, y are contiguous f32 arrays of n elements (byte addresses); y may equal x (in place).
// Tile: 8 elements per iteration, then 4, then a 2/1 lane tail (shared loop: vunary-loop.ts).
// Relaxed twin of f32_vmish_u8__wasmsimd: polynomials and range reductions use f32x4.relaxed_madd
// (fused where the hardware has FMA); held to the same bound by the same tests.
// Accuracy: vexp_rr2_p6; measured max |y - ref| / (1 + |ref|) 1.4e-7 on [-20, 20] (test asserts 2.5e-7).
// Preconditions: n >= 1. Reads up to 16 B past x + 4n (the arena pads); never writes past y + 4n.
import { vunary_u8_p3, VOP_MISH } from './vunary-loop';

export function f32_vmish_u8__wasmrelaxedsimd_fma(n: usize, x: usize, y: usize): void {
  assert(n != 0, 'f32_vmish_u8__wasmrelaxedsimd_fma: n must be >= 1');
  vunary_u8_p3(VOP_MISH, true, n, x, y, f32x4.splat(0), f32x4.splat(0), f32x4.splat(0));
}
