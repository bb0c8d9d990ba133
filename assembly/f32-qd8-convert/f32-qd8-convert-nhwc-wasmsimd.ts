// f32_qd8_convert_nhwc__wasmsimd: per-tensor dynamic 7-bit quantization of c NCHW planes of hw
//   floats, written channel-last: q[pos * ldq + ci] = clamp(nearest(x[ci][pos] * inv) + zp, 0, 127),
//   with ONE {s, zp} for all c * hw values (the rule of assembly/qd8-f32-qc8w-gemm/common.ts:
//   lo = min(0, min x), hi = max(0, max x), s = (hi - lo) / 127; a NaN or +-Inf anywhere gives
//   s = NaN, so every output computed from these codes is NaN; an all-zero input gives s = 0 and
//   codes zp = 0). The int8 convolution (src/ops/qconv.ts) quantizes each image (per group) once
//   with it, then gathers patches from the NHWC codes (x8_im2col_nhwc__wasmsimd).
// Operands: x: c planes of hw f32, contiguous (plane ci at x + ci * hw * 4); q: u8, hw pixel rows
//   of ldq bytes (ldq >= c; bytes of a row past c untouched); qp: 8 bytes {f32 s, i32 zp}.
// Tile: 16 floats per step (one v128 of codes, 16 lane stores down the pixel column), scalar tail.
// Preconditions: c, hw >= 1, ldq >= c. Reads exactly c * hw floats; writes the c codes of each of
//   the hw pixel rows and the 8 qparam bytes, nothing else.
import { range_u7, qparams_u7, vcode16_u7, code_u7 } from '../qd8-f32-qc8w-gemm/common';

export function f32_qd8_convert_nhwc__wasmsimd(c: usize, hw: usize, x: usize, q: usize, ldq: usize, qp: usize): void {
  assert(c >= 1 && hw >= 1 && ldq >= c);
  range_u7(x, c * hw, qp);
  const inv = qparams_u7(load<f32>(qp), load<f32>(qp, 4), qp);
  const zp = load<i32>(qp, 4);
  const vinv = f32x4.splat(inv);
  const vzp = i32x4.splat(zp);
  const l = ldq;
  for (let ci: usize = 0; ci < c; ci++) {
    let xs = x + ci * hw * 4;
    let d = q + ci;
    let p: usize = 0;
    for (; p + 16 <= hw; p += 16) {
      const v = vcode16_u7(xs, vinv, vzp);
      v128.store8_lane(d, v, 0);
      v128.store8_lane(d + l, v, 1);
      v128.store8_lane(d + 2 * l, v, 2);
      v128.store8_lane(d + 3 * l, v, 3);
      v128.store8_lane(d + 4 * l, v, 4);
      v128.store8_lane(d + 5 * l, v, 5);
      v128.store8_lane(d + 6 * l, v, 6);
      v128.store8_lane(d + 7 * l, v, 7);
      v128.store8_lane(d + 8 * l, v, 8);
      v128.store8_lane(d + 9 * l, v, 9);
      v128.store8_lane(d + 10 * l, v, 10);
      v128.store8_lane(d + 11 * l, v, 11);
      v128.store8_lane(d + 12 * l, v, 12);
      v128.store8_lane(d + 13 * l, v, 13);
      v128.store8_lane(d + 14 * l, v, 14);
      v128.store8_lane(d + 15 * l, v, 15);
      xs += 64;
      d += 16 * l;
    }
    for (; p < hw; p++) {
      store<u8>(d, code_u7(load<f32>(xs), inv, zp));
      xs += 4;
      d += l;
    }
  }
}
