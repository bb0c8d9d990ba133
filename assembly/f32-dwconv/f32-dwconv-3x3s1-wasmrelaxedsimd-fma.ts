// f32_dwconv_3x3s1__wasmrelaxedsimd_fma: y[o][oy][ox] = clamp(bias[o] + sum_{ky,kx} w[o][ky][kx] * x[o / mult][oy*sh-ph+ky*dh][ox*sw-pw+kx*dw], lo, hi)
// (depthwise convolution, channel multiplier mult; taps in the padding contribute 0).
// Relaxed-SIMD twin of the __wasmsimd kernel: every multiply-add is f32x4.relaxed_madd (fused
// where the hardware has FMA, so results may differ from the unfused kernel in the last bits).
// Operands: geometry block g (assembly/common/conv-geom.ts); x: channels/mult input planes h*w
// (NCHW, one image); wts: [channels][kh][kw]; bias: channels floats or 0; ws: workspace of
// ((kh-1)*dh + 2) rows of ldws floats, ldws >= max(pw + w, max(ow-1, 3)*sw + (kw-1)*dw + 13)
// (asserted; overwritten); y: channels output planes oh*ow. lo/hi: clamp bounds (-inf/+inf for
// none; NaN propagates).
// Geometry: kh = kw = 3, sw = 1, dilation 1 (asserted); any sh, padding.
// Tile: 4 output columns per step over the whole row (input rows staged into zero-padded ring rows).
// Preconditions: channels, mult >= 1; oh, ow >= 1. Reads up to 16 B past x; never writes outside
// y's channels*oh*ow floats and ws.
import { dwconvDriver } from './dwconv-driver';
import { Fused } from './dwconv-common';

export function f32_dwconv_3x3s1__wasmrelaxedsimd_fma(
  g: usize, channels: usize, mult: usize,
  x: usize, wts: usize, bias: usize, ws: usize, ldws: usize, y: usize, lo: f32, hi: f32,
): void {
  dwconvDriver<Fused>(3, 1, g, channels, mult, x, wts, bias, ws, ldws, y, lo, hi);
}
