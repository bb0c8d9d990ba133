// bf16_f32_vcvt_u8__wasmsimd: y[i] = float32(x[i]) for i < n, x[i] bfloat16 bits: the bits become the
// high half of the float32 (exact, NaN payload kept).
// Operands: x is n little-endian u16 (byte address, any alignment), y is n f32 (16-byte aligned).
//   In-place widening is allowed when x = y + 2n (as f16_f32_vcvt: loads of x[i..i+7] precede the
//   stores to y[i..i+7], which land below x + 2(i+8)).
// Tile: 8 elements per iteration (one 16 B load, two 16 B stores), then 4, then a 2/1 lane tail.
// Preconditions: n >= 1. Reads up to 16 B past x + 2n; never writes past y + 4n.

export function bf16_f32_vcvt_u8__wasmsimd(n: usize, x: usize, y: usize): void {
  assert(n != 0, 'bf16_f32_vcvt: n must be >= 1');
  for (; n >= 8; n -= 8) {
    const vh = v128.load(x);
    x += 16;
    const vy0123 = i32x4.shl(i32x4.extend_low_i16x8_u(vh), 16);
    const vy4567 = i32x4.shl(i32x4.extend_high_i16x8_u(vh), 16);
    v128.store(y, vy0123);
    v128.store(y, vy4567, 16);
    y += 32;
  }
  if (n >= 4) {
    v128.store(y, i32x4.shl(i32x4.extend_low_i16x8_u(v128.load64_zero(x)), 16));
    x += 8; y += 16; n -= 4;
  }
  if (n != 0) {
    let vy = i32x4.shl(i32x4.extend_low_i16x8_u(v128.load64_zero(x)), 16);
    if (n & 2) {
      v128.store64_lane(y, vy, 0);
      vy = v128.shuffle<f32>(vy, vy, 2, 3, 2, 3);
      y += 8;
    }
    if (n & 1) v128.store32_lane(y, vy, 0);
  }
}
