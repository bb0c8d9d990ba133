// f16_f32_vcvt_u8__wasmsimd_int32: y[i] = float32(x[i]) for i < n, x[i] IEEE binary16 bits. Exact for
// every input: zeros keep their sign, subnormals are renormalised, inf stays inf, NaN keeps its payload.
// Operands: x is n little-endian u16 (byte address, any alignment), y is n f32 (16-byte aligned).
//   In-place widening is allowed when x = y + 2n (data staged in the upper half of y's block): every
//   store to y[i..i+7] happens after the loads of x[i..i+7] and lands below x + 2(i+8).
// Tile: 8 elements per iteration (one 16 B load, two 16 B stores), then 4, then a 2/1 lane tail.
// Method (integer, no float rounding except an exact subtraction): ns = (h & 0x7fff) << 13;
//   normal = ns + (112 << 23); inf/NaN (ns >= 0x0f800000) add 112 << 23 again;
//   subnormal (ns < 1 << 23): asfloat(ns + (113 << 23)) - 2^-14, exact by Sterbenz; then OR the sign.
// Preconditions: n >= 1. Reads up to 16 B past x + 2n; never writes past y + 4n.

// @ts-ignore: decorator
@inline function cvt(w: v128): v128 {
  const sign = v128.and(i32x4.shl(w, 16), i32x4.splat(i32.MIN_VALUE));
  const ns = i32x4.shl(v128.and(w, i32x4.splat(0x7fff)), 13);
  const normal = i32x4.add(ns, i32x4.splat(0x38000000));
  const infnan = i32x4.add(normal, i32x4.splat(0x38000000));
  const sub = f32x4.sub(i32x4.add(ns, i32x4.splat(0x38800000)), f32x4.splat(6.103515625e-5));
  let r = v128.bitselect(infnan, normal, i32x4.gt_s(ns, i32x4.splat(0x0f7fffff)));
  r = v128.bitselect(sub, r, i32x4.lt_s(ns, i32x4.splat(0x00800000)));
  return v128.or(r, sign);
}

export function f16_f32_vcvt_u8__wasmsimd_int32(n: usize, x: usize, y: usize): void {
  assert(n != 0, 'f16_f32_vcvt: n must be >= 1');
  for (; n >= 8; n -= 8) {
    const vh = v128.load(x);
    x += 16;
    const vy0123 = cvt(i32x4.extend_low_i16x8_u(vh));
    const vy4567 = cvt(i32x4.extend_high_i16x8_u(vh));
    v128.store(y, vy0123);
    v128.store(y, vy4567, 16);
    y += 32;
  }
  if (n >= 4) {
    v128.store(y, cvt(i32x4.extend_low_i16x8_u(v128.load64_zero(x))));
    x += 8; y += 16; n -= 4;
  }
  if (n != 0) {
    let vy = cvt(i32x4.extend_low_i16x8_u(v128.load64_zero(x)));
    if (n & 2) {
      v128.store64_lane(y, vy, 0);
      vy = v128.shuffle<f32>(vy, vy, 2, 3, 2, 3);
      y += 8;
    }
    if (n & 1) v128.store32_lane(y, vy, 0);
  }
}
