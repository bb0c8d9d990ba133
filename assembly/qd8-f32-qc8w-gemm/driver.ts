// The loop shared by every qd8-f32-qc8w GEMM variant (see common.ts for the maths and layouts):
// M is blocked by mcBlock rows (0 = all); per M block the rows are quantized into the workspace
// (quantize_rows_u7), then every 8-column weight panel (L1-resident) sweeps the block's row tiles.
// The variant supplies its row tile through the `tile` callback only as an inlined template, so
// this file holds the bookkeeping and each variant file holds its inner loop.
//
// The conv form of each variant (qd8_f32_qc8w_conv_<tile>__<isa>), the GEMM of the int8
// convolution (src/ops/qconv.ts):
//   C[j][i] = act(s * scale_j * sum_p (q_i[p] - zp) * wq[j][p] + bias[j]),  i < m, j < n, p < k,
// arguments (m, n, k, q, ldq, qp, w, c, ldc, act, minv, maxv): the rows are ALREADY quantized
// (u8 codes 0..127, row i at q + i * ldq bytes, ldq >= k), with ONE qparam block {f32 s, i32 zp}
// at qp shared by every row (the per-image quantization of the convolution input); W packed as
// above; C channel-major: element (row i, column j) at c + (j * ldc + i) * 4, ldc >= m (NCHW
// output planes, ldc = OH * OW). Reads kp = roundUp(k, 4) bytes of each row (up to 3 past k:
// they meet zero weights; the arena's tail padding covers the last row); never writes outside
// the n planes' first m floats. No workspace.
import { NR, PANEL_HEAD, ws_rows_offset } from './common';

// @ts-ignore: decorator
@inline export function kp_of(k: usize): usize {
  return (k + 3) & ~<usize>3;
}

// @ts-ignore: decorator
@inline export function panel_bytes(kp: usize): usize {
  return PANEL_HEAD + NR * kp;
}

// Pointer of row i of a tile of mr rows, rows past mr repeating the last one (they are computed,
// never stored).
// @ts-ignore: decorator
@inline export function row_ptr(base: usize, stride: usize, i: usize, mr: usize): usize {
  return base + (i < mr ? i : mr - 1) * stride;
}
