// f32_conv2d_4x8__wasmrelaxedsimd_fma: y[oc][oy][ox] = clamp(bias[oc] + sum_{ci,ky,kx} w[oc][ci][ky][kx] * x[ci][oy*sh-ph+ky*dh][ox*sw-pw+kx*dw], lo, hi)
// (direct convolution, one group of one image; taps in the padding contribute 0).
// Relaxed-SIMD twin of f32_conv2d_4x8__wasmsimd: every multiply-add is f32x4.relaxed_madd (fused
// where the hardware has FMA, so results may differ from the unfused kernel in the last bits). Meant for a
// small reduction K = c*kh*kw (the RGB stem: K = 27), where im2col + GEMM is dominated by the
// column pass.
// Operands: geometry block g (assembly/common/conv-geom.ts); x: c input planes h*w (NCHW);
// w: [o][c*kh*kw] row-major (PyTorch's layout); bias: o floats or 0; y: o output planes oh*ow;
// ws: workspace of f32_conv2d_4x8_ws_floats(...) floats, 16 B aligned (overwritten): the weights
// repacked as ceil(o/4) blocks of [4 bias, 4 unused][K x (4 weights, tap offset, 3 unused)], and per output row the
// c*kh input rows staged zero-padded and split into sw stride phases (phase p holds padded
// columns p, p+sw, ...), so every tap of 8 output columns is 2 contiguous vector loads.
// lo/hi: clamp bounds (-inf/+inf for none; NaN propagates).
// Tile: 4 output channels x 8 output columns (8 accumulators), one tap per step: 2 loads of the
// staged row, 4 weight splats. The ragged right end stores lane by lane.
// Preconditions: c, o >= 1; oh, ow >= 1. Reads up to 16 B past x's last float (stride-2
// gathers); never writes outside y's
// o*oh*ow floats and ws.
import { conv2dDriver4x8 } from './conv2d-4x8-driver';
import { Fused } from '../f32-dwconv/dwconv-common';

export function f32_conv2d_4x8__wasmrelaxedsimd_fma(
  g: usize, c: usize, o: usize, x: usize, w: usize, bias: usize, ws: usize, y: usize, lo: f32, hi: f32,
): void {
  conv2dDriver4x8<Fused>(g, c, o, x, w, bias, ws, y, lo, hi);
}
