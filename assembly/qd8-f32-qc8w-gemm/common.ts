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

// lo = min(0, min x[p]), hi = max(0, max x[p]) over n floats at x (NaN propagates), stored at
// out as two f32. Reads exactly n floats.
// @ts-ignore: decorator
@inline export function range_u7(x: usize, n: usize, out: usize): void {
  const vzero = f32x4.splat(0);
  let vlo = vzero;
  let vhi = vzero;
  let p: usize = 0;
  for (; p + 4 <= n; p += 4) {
    const v = v128.load(x + p * 4);
    vlo = f32x4.min(vlo, v);
    vhi = f32x4.max(vhi, v);
  }
  let lo = min(min(f32x4.extract_lane(vlo, 0), f32x4.extract_lane(vlo, 1)), min(f32x4.extract_lane(vlo, 2), f32x4.extract_lane(vlo, 3)));
  let hi = max(max(f32x4.extract_lane(vhi, 0), f32x4.extract_lane(vhi, 1)), max(f32x4.extract_lane(vhi, 2), f32x4.extract_lane(vhi, 3)));
  for (; p < n; p++) {
    const v = load<f32>(x + p * 4);
    lo = min(lo, v);
    hi = max(hi, v);
  }
  store<f32>(out, lo);
  store<f32>(out, hi, 4);
}

// The qparams of a range (lo <= 0 <= hi or NaN): stores {f32 s, i32 zp} at qp, returns inv
// (0 when s is 0, NaN, or so small that 1/s overflows: then every code is zp).
// @ts-ignore: decorator
@inline export function qparams_u7(lo: f32, hi: f32, qp: usize): f32 {
  let s: f32 = (hi - lo) / <f32>127;
  if (!(s - s == 0)) s = NaN;
  let inv: f32 = <f32>1 / s;
  if (!(inv - inv == 0)) inv = 0;
  const zf = nearest<f32>(-lo * inv);
  const zp: i32 = zf == zf ? <i32>min<f32>(max<f32>(zf, 0), 127) : 0;
  store<f32>(qp, s);
  store<i32>(qp, zp, 4);
  return inv;
}

// Codes of 4 floats: clamp(nearest(v * inv) + zp, 0, 127) as i32x4 (NaN -> zp: inv is 0 then).
// @ts-ignore: decorator
@inline export function vcode_u7(v: v128, vinv: v128, vzp: v128): v128 {
  return i32x4.min_s(i32x4.max_s(i32x4.add(i32x4.trunc_sat_f32x4_s(f32x4.nearest(f32x4.mul(v, vinv))), vzp), i32x4.splat(0)), i32x4.splat(127));
}

// Codes of 16 floats at x as 16 bytes.
// @ts-ignore: decorator
@inline export function vcode16_u7(x: usize, vinv: v128, vzp: v128): v128 {
  const q0 = vcode_u7(v128.load(x), vinv, vzp);
  const q1 = vcode_u7(v128.load(x, 16), vinv, vzp);
  const q2 = vcode_u7(v128.load(x, 32), vinv, vzp);
  const q3 = vcode_u7(v128.load(x, 48), vinv, vzp);
  return i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(q0, q1), i16x8.narrow_i32x4_s(q2, q3));
}

// The code of one float (scalar tails).
// @ts-ignore: decorator
@inline export function code_u7(v: f32, inv: f32, zp: i32): u8 {
  const f = nearest<f32>(v * inv); // |f| <= 128 unless NaN (row NaN: s NaN, inv 0)
  let c: i32 = f == f ? <i32>f + zp : zp;
  if (c < 0) c = 0;
  if (c > 127) c = 127;
  return <u8>c;
}

// Quantizes rows [0, m) of x (f32, leading dimension ldx elements) into q (u8 rows of kp bytes)
// and qp (8 bytes per row). Reads nothing past each row's k floats; writes m*kp + 8m bytes.
export function quantize_rows_u7(m: usize, k: usize, x: usize, ldx: usize, kp: usize, q: usize, qp: usize): void {
  for (let i: usize = 0; i < m; i++) {
    const xr = x + i * ldx * 4;
    const qr = q + i * kp;
    range_u7(xr, k, qp + i * 8);
    const inv = qparams_u7(load<f32>(qp + i * 8), load<f32>(qp + i * 8, 4), qp + i * 8);
    const zp = load<i32>(qp + i * 8, 4);
    const vinv = f32x4.splat(inv);
    const vzp = i32x4.splat(zp);
    let p: usize = 0;
    for (; p + 16 <= k; p += 16) v128.store(qr + p, vcode16_u7(xr + p * 4, vinv, vzp));
    for (; p + 4 <= k; p += 4) {
      const q0 = vcode_u7(v128.load(xr + p * 4), vinv, vzp);
      const b = i8x16.narrow_i16x8_u(i16x8.narrow_i32x4_s(q0, q0), i16x8.narrow_i32x4_s(q0, q0));
      v128.store32_lane(qr + p, b, 0);
    }
    for (; p < k; p++) store<u8>(qr + p, code_u7(load<f32>(xr + p * 4), inv, zp));
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

// The f32 epilogue of 4 columns of one row (columns 0..3 when hi = 0, 4..7 when hi = 16 bytes).
// @ts-ignore: decorator
@inline function epi4(vacc: v128, hd: usize, hi: usize, qpr: usize, act: i32, vmin: v128, vmax: v128): v128 {
  const vzp = i32x4.splat(load<i32>(qpr, 4));
  const vs = f32x4.splat(load<f32>(qpr));
  let y = f32x4.convert_i32x4_s(i32x4.sub(vacc, i32x4.mul(vzp, v128.load(hd + hi))));
  y = f32x4.add(f32x4.mul(y, f32x4.mul(vs, v128.load(hd + hi, 32))), v128.load(hd + hi, 64));
  return vact(y, act, vmin, vmax);
}

// Stores the first cnt <= 4 lanes of v at p.
// @ts-ignore: decorator
@inline function store_lanes(p: usize, v: v128, cnt: usize): void {
  if (cnt >= 4) {
    v128.store(p, v);
    return;
  }
  if (cnt & 2) {
    v128.store64_lane(p, v, 0);
    v = v128.shuffle<f32>(v, v, 2, 3, 2, 3);
    p += 8;
  }
  if (cnt & 1) v128.store32_lane(p, v, 0);
}

// Transposes rows r0..r3 (4 columns each) and stores column j (4 rows) at c + j * ldcB, j < nc,
// only the first mr rows.
// @ts-ignore: decorator
@inline function store_t4(r0: v128, r1: v128, r2: v128, r3: v128, c: usize, ldcB: usize, mr: usize, nc: usize): void {
  const u0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
  const u1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
  const u2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
  const u3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  store_lanes(c, v128.shuffle<f32>(u0, u2, 0, 1, 4, 5), mr);
  if (nc > 1) store_lanes(c + ldcB, v128.shuffle<f32>(u0, u2, 2, 3, 6, 7), mr);
  if (nc > 2) store_lanes(c + 2 * ldcB, v128.shuffle<f32>(u1, u3, 0, 1, 4, 5), mr);
  if (nc > 3) store_lanes(c + 3 * ldcB, v128.shuffle<f32>(u1, u3, 2, 3, 6, 7), mr);
}

// Channel-major ("transposed", NCHW) store of a 4x8 tile: row i (qparams at qp + i * qs) column j
// goes to c + j * ldcB + i * 4, i < mr <= 4, j < nc <= 8. Rows past mr are computed, not stored
// (their accumulators may repeat a valid row). hd = panel head (ksum, scale, bias).
// @ts-ignore: decorator
@inline export function store_4x8_t(
  a0x0: v128, a0x1: v128, a1x0: v128, a1x1: v128, a2x0: v128, a2x1: v128, a3x0: v128, a3x1: v128,
  hd: usize, qp: usize, qs: usize, c: usize, ldcB: usize, mr: usize, nc: usize, act: i32, vmin: v128, vmax: v128,
): void {
  const q1 = qp + (mr > 1 ? qs : 0);
  const q2 = qp + (mr > 2 ? 2 * qs : 0);
  const q3 = qp + (mr > 3 ? 3 * qs : 0);
  store_t4(epi4(a0x0, hd, 0, qp, act, vmin, vmax), epi4(a1x0, hd, 0, q1, act, vmin, vmax), epi4(a2x0, hd, 0, q2, act, vmin, vmax), epi4(a3x0, hd, 0, q3, act, vmin, vmax), c, ldcB, mr, nc);
  if (nc > 4) store_t4(epi4(a0x1, hd, 16, qp, act, vmin, vmax), epi4(a1x1, hd, 16, q1, act, vmin, vmax), epi4(a2x1, hd, 16, q2, act, vmin, vmax), epi4(a3x1, hd, 16, q3, act, vmin, vmax), c + 4 * ldcB, ldcB, mr, nc - 4);
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
