// qd8_f32_qc8w_gemm_1x1__scalar: the scalar reference twin of the qd8-f32-qc8w GEMMs (same
//   arguments, same packed layout, same quantization and epilogue: common.ts), one output at a
//   time with plain i32 multiply-adds; bit-identical to the SIMD variants by construction.
//   The row quantization is the shared quantize_rows_u7 (SIMD128, present in every build).
// Tile: 1x1. Workspace and bounds: as the SIMD variants (reads exactly A's m x k window).
import { NR, PANEL_HEAD, quantize_rows_u7, ws_rows_offset } from './common';
import { kp_of, panel_bytes } from './driver';
import { gemm_gelu_tile, ACT_RELU, ACT_CLAMP, ACT_GELU } from '../f32-gemm/common';

export function qd8_f32_qc8w_gemm_1x1__scalar(
  m: usize, n: usize, k: usize, a: usize, lda: usize, w: usize, c: usize, ldc: usize,
  act: i32, minv: f32, maxv: f32, mcBlock: usize, ws: usize,
): void {
  assert(m >= 1 && n >= 1 && k >= 1 && lda >= k && ldc >= n);
  const kp = kp_of(k);
  const pb = panel_bytes(kp);
  const mcb = mcBlock == 0 || mcBlock > m ? m : mcBlock;
  const qp = ws;
  const qrows = ws + ws_rows_offset(mcb);
  for (let m0: usize = 0; m0 < m; m0 += mcb) {
    const mb = min(mcb, m - m0);
    quantize_rows_u7(mb, k, a + m0 * lda * 4, lda, kp, qrows, qp);
    for (let i: usize = 0; i < mb; i++) {
      const s = load<f32>(qp + i * 8);
      const zp = load<i32>(qp + i * 8, 4);
      const cr = c + (m0 + i) * ldc * 4;
      for (let j: usize = 0; j < n; j++) {
        const panel = w + (j / NR) * pb;
        const jj = j % NR;
        const col = panel + PANEL_HEAD + (jj >> 2) * 16 + (jj & 3) * 4;
        let acc: i32 = 0;
        for (let p: usize = 0; p < k; p++) {
          acc += <i32>load<u8>(qrows + i * kp + p) * <i32>load<i8>(col + (p >> 2) * 32 + (p & 3));
        }
        const ksum = load<i32>(panel + jj * 4);
        const scale = load<f32>(panel + 32 + jj * 4);
        const bias = load<f32>(panel + 64 + jj * 4);
        let y: f32 = <f32>(acc - zp * ksum) * (s * scale) + bias;
        if (act == ACT_RELU) y = y < 0 ? <f32>0 : y;
        else if (act == ACT_CLAMP) y = min<f32>(max<f32>(y, minv), maxv);
        store<f32>(cr + j * 4, y);
      }
      if (act >= ACT_GELU) gemm_gelu_tile(1, n, cr, ldc * 4, act);
    }
  }
}

// qd8_f32_qc8w_conv_1x1__scalar: the scalar twin of the conv form (pre-quantized rows, one shared
// qparam block, channel-major output: contract in driver.ts). Reads exactly k bytes of each row.
export function qd8_f32_qc8w_conv_1x1__scalar(
  m: usize, n: usize, k: usize, q: usize, ldq: usize, qp: usize, w: usize, c: usize, ldc: usize,
  act: i32, minv: f32, maxv: f32,
): void {
  assert(m >= 1 && n >= 1 && k >= 1 && ldq >= k && ldc >= m);
  const pb = panel_bytes(kp_of(k));
  const s = load<f32>(qp);
  const zp = load<i32>(qp, 4);
  for (let j: usize = 0; j < n; j++) {
    const panel = w + (j / NR) * pb;
    const jj = j % NR;
    const col = panel + PANEL_HEAD + (jj >> 2) * 16 + (jj & 3) * 4;
    const ksum = load<i32>(panel + jj * 4);
    const scale = load<f32>(panel + 32 + jj * 4);
    const bias = load<f32>(panel + 64 + jj * 4);
    const cr = c + j * ldc * 4;
    for (let i: usize = 0; i < m; i++) {
      const qr = q + i * ldq;
      let acc: i32 = 0;
      for (let p: usize = 0; p < k; p++) acc += <i32>load<u8>(qr + p) * <i32>load<i8>(col + (p >> 2) * 32 + (p & 3));
      let y: f32 = <f32>(acc - zp * ksum) * (s * scale) + bias;
      if (act == ACT_RELU) y = y < 0 ? <f32>0 : y;
      else if (act == ACT_CLAMP) y = min<f32>(max<f32>(y, minv), maxv);
      store<f32>(cr + i * 4, y);
    }
  }
  if (act >= ACT_GELU) gemm_gelu_tile(n, m, c, ldc * 4, act);
}
