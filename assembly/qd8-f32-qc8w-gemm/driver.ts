// The loop shared by every qd8-f32-qc8w GEMM variant (see common.ts for the maths and layouts):
// M is blocked by mcBlock rows (0 = all); per M block the rows are quantized into the workspace
// (quantize_rows_u7), then every 8-column weight panel (L1-resident) sweeps the block's row tiles.
// The variant supplies its row tile through the `tile` callback only as an inlined template, so
// this file holds the bookkeeping and each variant file holds its inner loop.
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
