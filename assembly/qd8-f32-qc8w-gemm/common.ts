// Shared pieces of the qd8-f32-qc8w GEMM family: dynamic per-row quantization of f32 activations
// to 7-bit unsigned codes, and the f32 epilogue. Layouts (same in src/ops/qgemm.ts):
//
// Activation rows (quantized, "qd8" with the 7-bit range 0..127, as torch's reduce_range):
//   per row i: lo = min(0, min_p x[p]), hi = max(0, max_p x[p]) (NaN propagates),
//   s = (hi - lo) / 127 (f32); a row whose s is not finite (NaN, +-Inf inputs, or a range past
//   f32) gets s = NaN, so every output of that row is NaN (never a silent finite number);
//   inv = 1 / s (f32), set to 0 when not finite (s == 0: an all-zero row; s NaN; s denormal), so
//   then every code is zp (0 for the all-zero row: its outputs are exactly the bias);
//   zp = clamp(nearest(-lo * inv), 0, 127), q[p] = clamp(nearest(x[p] * inv) + zp, 0, 127)
//   (nearest = ties to even; f32 products), so x[p] ~= s * (q[p] - zp).
//   Stored as u8 rows of kp = roundUp(k, 4) bytes (codes past k are 0), and qparams: per row
//   8 bytes {f32 s, i32 zp}.
// Packed weights (qc8w, per output channel symmetric int8 in [-127, 127]), NR = 8:
//   ceil(n/8) panels of 96 + 8*kp bytes: ksum i32[8] (sum_p wq[j][p]), scale f32[8], bias f32[8],
//   then kp/4 blocks of 32 bytes: columns j0..j0+3 x 4 k (16 B: col j0 k0..3, col j0+1 k0..3, ...),
//   then columns j0+4..j0+7 x 4 k. Columns past n and k past k are zero.
// Epilogue (exact order, so references reproduce it bit for bit):
//   y = act(f32(acc - zp * ksum) * f32(s * scale) + bias), f32 ops, no FMA; acc = int32
//   sum_p q[p] * wq[j][p] (exact: |acc| <= 127 * 127 * kp < 2^31 for kp < 133144).
import { vact, gemm_gelu_tile, ACT_GELU } from '../f32-gemm/common';

export const NR: usize = 8;
export const PANEL_HEAD: usize = 96;

// Quantizes rows [0, m) of x (f32, leading dimension ldx elements) into q (u8 rows of kp bytes)
// and qp (8 bytes per row). Reads nothing past each row's k floats; writes m*kp + 8m bytes.
export function quantize_rows_u7(m: usize, k: usize, x: usize, ldx: usize, kp: usize, q: usize, qp: usize): void {
  const vzero = f32x4.splat(0);
  for (let i: usize = 0; i < m; i++) {
    const xr = x + i * ldx * 4;
    const qr = q + i * kp;
    let vlo = vzero;
    let vhi = vzero;
    let p: usize = 0;
    for (; p + 4 <= k; p += 4) {
      const v = v128.load(xr + p * 4);
      vlo = f32x4.min(vlo, v);
      vhi = f32x4.max(vhi, v);
    }
    let lo = min(min(f32x4.extract_lane(vlo, 0), f32x4.extract_lane(vlo, 1)), min(f32x4.extract_lane(vlo, 2), f32x4.extract_lane(vlo, 3)));
    let hi = max(max(f32x4.extract_lane(vhi, 0), f32x4.extract_lane(vhi, 1)), max(f32x4.extract_lane(vhi, 2), f32x4.extract_lane(vhi, 3)));
    for (; p < k; p++) {
      const v = load<f32>(xr + p * 4);
      lo = min(lo, v);
      hi = max(hi, v);
    }
    let s: f32 = (hi - lo) / <f32>127;
    if (!(s - s == 0)) s = NaN;
    let inv: f32 = <f32>1 / s;
    if (!(inv - inv == 0)) inv = 0; // s == 0, NaN, or so small that 1/s overflows: codes = zp
    const zf = nearest<f32>(-lo * inv);
    const zp: i32 = zf == zf ? <i32>min<f32>(max<f32>(zf, 0), 127) : 0;
    store<f32>(qp + i * 8, s);
    store<i32>(qp + i * 8, zp, 4);
    const vinv = f32x4.splat(inv);
    const vzp = i32x4.splat(zp);
    const vmin = i32x4.splat(0);
    const vmax = i32x4.splat(127);
    p = 0;
    for (; p + 16 <= k; p += 16) {
      const q0 = i32x4.min_s(i32x4.max_s(i32x4.add(i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(xr + p * 4), vinv))), vzp), vmin), vmax);
      const q1 = i32x4.min_s(i32x4.max_s(i32x4.add(i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(xr + p * 4, 16), vinv))), vzp), vmin), vmax);
      const q2 = i32x4.min_s(i32x4.max_s(i32x4.add(i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(xr + p * 4, 32), vinv))), vzp), vmin), vmax);
      const q3 = i32x4.min_s(i32x4.max_s(i32x4.add(i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(xr + p * 4, 48), vinv))), vzp), vmin), vmax);
      v128.store(qr + p, i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(q0, q1), i16x8.narrow_i32x4_s(q2, q3)));
    }
    for (; p + 4 <= k; p += 4) {
      const q0 = i32x4.min_s(i32x4.max_s(i32x4.add(i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v128.load(xr + p * 4), vinv))), vzp), vmin), vmax);
      const b = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(q0, q0), i16x8.narrow_i32x4_s(q0, q0));
      v128.store32_lane(qr + p, b, 0);
    }
    for (; p < k; p++) {
      const f = nearest<f32>(load<f32>(xr + p * 4) * inv); // |f| <= 128 unless NaN (row NaN: s NaN, inv 0)
      let c: i32 = f == f ? <i32>f + zp : zp;
      if (c < 0) c = 0;
      if (c > 127) c = 127;
      store<u8>(qr + p, <u8>c);
    }
    for (; p < kp; p++) store<u8>(qr + p, 0);
  }
}

// Stores the f32 epilogue of one row for 8 columns (nc <= 8 of them valid): vacc0 = columns 0..3,
// vacc1 = 4..7 (int32 dots); hd = panel head (ksum, scale, bias); s, zp the row's qparams.
// @ts-ignore: decorator
@inline export function store_row_8(
  vacc0: v128, vacc1: v128, hd: usize, s: f32, zp: i32, c: usize, nc: usize, act: i32, vmin: v128, vmax: v128,
): void {
  const vzp = i32x4.splat(zp);
  const vs = f32x4.splat(s);
  let y0 = f32x4.convert_i32x4_s(i32x4.sub(vacc0, i32x4.mul(vzp, v128.load(hd))));
  let y1 = f32x4.convert_i32x4_s(i32x4.sub(vacc1, i32x4.mul(vzp, v128.load(hd, 16))));
  y0 = f32x4.add(f32x4.mul(y0, f32x4.mul(vs, v128.load(hd, 32))), v128.load(hd, 64));
  y1 = f32x4.add(f32x4.mul(y1, f32x4.mul(vs, v128.load(hd, 48))), v128.load(hd, 80));
  store_f32x8(c, vact(y0, act, vmin, vmax), vact(y1, act, vmin, vmax), nc);
}

// Stores y0 (columns 0..3) and y1 (4..7) at c, only the first nc <= 8 columns (lane stores).
// @ts-ignore: decorator
@inline export function store_f32x8(c: usize, y0: v128, y1: v128, nc: usize): void {
  if (nc >= 8) {
    v128.store(c, y0);
    v128.store(c, y1, 16);
    return;
  }
  let p = c;
  let v = y0;
  if (nc & 4) {
    v128.store(p, y0);
    v = y1;
    p += 16;
  }
  if (nc & 2) {
    v128.store64_lane(p, v, 0);
    v = v128.shuffle<f32>(v, v, 2, 3, 2, 3);
    p += 8;
  }
  if (nc & 1) v128.store32_lane(p, v, 0);
}

// gelu / gelu_tanh (act 3, 4) over a finished mr x nc tile of C (ldc in bytes).
// @ts-ignore: decorator
@inline export function gelu_tile(mr: usize, nc: usize, c: usize, ldcBytes: usize, act: i32): void {
  if (act >= ACT_GELU) gemm_gelu_tile(mr, nc, c, ldcBytes, act);
}

// Bytes of the workspace a driver call needs: qparams of mcb rows (rounded to 16) + mcb rows of kp.
// @ts-ignore: decorator
@inline export function ws_rows_offset(mcb: usize): usize {
  return (mcb * 8 + 15) & ~<usize>15;
}
