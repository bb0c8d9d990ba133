// qd8_f32_qc8w_gemm_2x8__wasmsimd_dot16x2:
//   C[i][j] = act(s_i * scale_j * sum_p (q_i[p] - zp_i) * wq[j][p] + bias[j]),  i < m, j < n, p < k,
//   with (q_i, s_i, zp_i) the dynamic 7-bit quantization of row i of A (common.ts).
// Operands: A f32 row-major m x k, leading dimension lda (elements); W packed qc8w panels
//   (common.ts); C f32 row-major, ldc elements.
// Tile: 2x8, SIMD128 only. Per 4-k block the 32 weight bytes are sign-extended to four i16x8
//   (columns {0,1}, {2,3}, {4,5}, {6,7} x 4 k) and the row's 4 codes (splat) to one i16x8;
//   i32x4.dot_i16x8_s gives half-sums (k0+k1, k2+k3) per column, folded by one shuffle-add per 4
//   columns at the end. 8 i32x4 accumulators. Exact int32 (|partial| <= 2 * 127 * 128).
//   m == 1 takes a 1x8 tile (same loop, one row).
// Workspace ws: ws_rows_offset(mcb) + mcb * kp bytes, mcb = min(m, mcBlock or m), kp = roundUp(k, 4).
// act: 0 none, 1 relu, 2 clamp(minv, maxv), 3 gelu, 4 gelu_tanh (src/ops/gemm.ts codes).
// Preconditions: m, n, k >= 1; lda >= k; ldc >= n. Reads exactly the m x k window of A, the packed
//   panels and the workspace (no over-read); never writes outside C's m x n window.
import { NR, PANEL_HEAD, quantize_rows_u7, store_row_8, store_4x8_t, gelu_tile, ws_rows_offset } from './common';
import { kp_of, panel_bytes, row_ptr } from './driver';

// [c0, c1, c2, c3] from half-sum accumulators of columns {0,1} and {2,3}.
// @ts-ignore: decorator
@inline function fold(v01: v128, v23: v128): v128 {
  return i32x4.add(v128.shuffle<i32>(v01, v23, 0, 2, 4, 6), v128.shuffle<i32>(v01, v23, 1, 3, 5, 7));
}

// @ts-ignore: decorator
@inline
function tile_2x8(
  TR: bool, mr: usize, kp: usize, q: usize, ldq: usize, qp: usize, qs: usize, w: usize, c: usize, ldcB: usize, nc: usize,
  act: i32, vmin: v128, vmax: v128,
): void {
  const a0 = q;
  const a1 = row_ptr(q, ldq, 1, mr);
  let vacc0x01 = i32x4.splat(0), vacc0x23 = i32x4.splat(0), vacc0x45 = i32x4.splat(0), vacc0x67 = i32x4.splat(0);
  let vacc1x01 = i32x4.splat(0), vacc1x23 = i32x4.splat(0), vacc1x45 = i32x4.splat(0), vacc1x67 = i32x4.splat(0);
  let wk = w + PANEL_HEAD;
  for (let p: usize = 0; p < kp; p += 4) {
    const vw0123 = v128.load(wk);
    const vw4567 = v128.load(wk, 16);
    wk += 32;
    const vw01 = i16x8.extend_low_i8x16_s(vw0123);
    const vw23 = i16x8.extend_high_i8x16_s(vw0123);
    const vw45 = i16x8.extend_low_i8x16_s(vw4567);
    const vw67 = i16x8.extend_high_i8x16_s(vw4567);
    const va0 = i16x8.extend_low_i8x16_u(v128.load32_splat(a0 + p));
    vacc0x01 = i32x4.add(vacc0x01, i32x4.dot_i16x8_s(vw01, va0));
    vacc0x23 = i32x4.add(vacc0x23, i32x4.dot_i16x8_s(vw23, va0));
    vacc0x45 = i32x4.add(vacc0x45, i32x4.dot_i16x8_s(vw45, va0));
    vacc0x67 = i32x4.add(vacc0x67, i32x4.dot_i16x8_s(vw67, va0));
    if (mr > 1) {
      const va1 = i16x8.extend_low_i8x16_u(v128.load32_splat(a1 + p));
      vacc1x01 = i32x4.add(vacc1x01, i32x4.dot_i16x8_s(vw01, va1));
      vacc1x23 = i32x4.add(vacc1x23, i32x4.dot_i16x8_s(vw23, va1));
      vacc1x45 = i32x4.add(vacc1x45, i32x4.dot_i16x8_s(vw45, va1));
      vacc1x67 = i32x4.add(vacc1x67, i32x4.dot_i16x8_s(vw67, va1));
    }
  }
  if (TR) {
    const r0x0 = fold(vacc0x01, vacc0x23), r0x1 = fold(vacc0x45, vacc0x67);
    const r1x0 = fold(vacc1x01, vacc1x23), r1x1 = fold(vacc1x45, vacc1x67);
    store_4x8_t(r0x0, r0x1, r1x0, r1x1, r1x0, r1x1, r1x0, r1x1, w, qp, qs, c, ldcB, mr, nc, act, vmin, vmax);
    return;
  }
  store_row_8(fold(vacc0x01, vacc0x23), fold(vacc0x45, vacc0x67), w, load<f32>(qp), load<i32>(qp, 4), c, nc, act, vmin, vmax);
  if (mr > 1) store_row_8(fold(vacc1x01, vacc1x23), fold(vacc1x45, vacc1x67), w, load<f32>(qp + qs), load<i32>(qp + qs, 4), c + ldcB, nc, act, vmin, vmax);
}

export function qd8_f32_qc8w_gemm_2x8__wasmsimd_dot16x2(
  m: usize, n: usize, k: usize, a: usize, lda: usize, w: usize, c: usize, ldc: usize,
  act: i32, minv: f32, maxv: f32, mcBlock: usize, ws: usize,
): void {
  assert(m >= 1 && n >= 1 && k >= 1 && lda >= k && ldc >= n);
  const kp = kp_of(k);
  const pb = panel_bytes(kp);
  const mcb = mcBlock == 0 || mcBlock > m ? m : mcBlock;
  const qp = ws;
  const qrows = ws + ws_rows_offset(mcb);
  const ldcB = ldc * 4;
  const vmin = f32x4.splat(minv);
  const vmax = f32x4.splat(maxv);
  for (let m0: usize = 0; m0 < m; m0 += mcb) {
    const mb = min(mcb, m - m0);
    quantize_rows_u7(mb, k, a + m0 * lda * 4, lda, kp, qrows, qp);
    const cb = c + m0 * ldcB;
    let wp = w;
    for (let j0: usize = 0; j0 < n; j0 += NR) {
      const nc = min(NR, n - j0);
      const cj = cb + j0 * 4;
      if (mb == 1) {
        tile_2x8(false, 1, kp, qrows, kp, qp, 8, wp, cj, ldcB, nc, act, vmin, vmax);
      } else {
        for (let i: usize = 0; i < mb; i += 2) {
          tile_2x8(false, min(2, mb - i), kp, qrows + i * kp, kp, qp + i * 8, 8, wp, cj + i * ldcB, ldcB, nc, act, vmin, vmax);
        }
      }
      gelu_tile(mb, nc, cj, ldcB, act);
      wp += pb;
    }
  }
}

// qd8_f32_qc8w_conv_2x8__wasmsimd_dot16x2: the same tile over pre-quantized rows with
// channel-major output (the int8 convolution's GEMM; contract in driver.ts).
export function qd8_f32_qc8w_conv_2x8__wasmsimd_dot16x2(
  m: usize, n: usize, k: usize, q: usize, ldq: usize, qp: usize, w: usize, c: usize, ldc: usize,
  act: i32, minv: f32, maxv: f32,
): void {
  assert(m >= 1 && n >= 1 && k >= 1 && ldq >= k && ldc >= m);
  const kp = kp_of(k);
  const pb = panel_bytes(kp);
  const ldcB = ldc * 4;
  const vmin = f32x4.splat(minv);
  const vmax = f32x4.splat(maxv);
  let wp = w;
  for (let j0: usize = 0; j0 < n; j0 += NR) {
    const nc = min(NR, n - j0);
    const cj = c + j0 * ldcB;
    for (let i: usize = 0; i < m; i += 2) {
      tile_2x8(true, min(2, m - i), kp, q + i * ldq, ldq, qp, 0, wp, cj + i * 4, ldcB, nc, act, vmin, vmax);
    }
    gelu_tile(nc, m, cj, ldcB, act);
    wp += pb;
  }
}
