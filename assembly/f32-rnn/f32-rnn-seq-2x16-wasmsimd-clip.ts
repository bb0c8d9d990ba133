// f32_rnn_seq_2x16__wasmsimd_clip: f32_rnn_seq_2x16__wasmsimd with ONNX's cell clip, in one call
// per layer direction.
// Maths: h = act(cl(xp[t] + W_hh h + b_hh)), cl(v) = min(max(v, -clip), clip) when clip > 0 (else
//   v); act = tanh (relu = 0) or relu (relu = 1).
// Operands, tile, preconditions, bounds: those of f32_rnn_seq_2x16__wasmsimd
// (f32-rnn-seq-2x16-wasmsimd.ts), plus clip (f32, <= 0: none).
import { rnnSeq } from './f32-rnn-seq-2x16-wasmsimd';

export function f32_rnn_seq_2x16__wasmsimd_clip(
  t: usize, b: usize, h: usize,
  xp: usize, xsT: usize, xsB: usize,
  w: usize, h0: usize,
  y: usize, ysT: usize, ysB: usize,
  hn: usize, reverse: i32, relu: i32, ws: usize, clip: f32,
): void {
  rnnSeq(t, b, h, xp, xsT, xsB, w, h0, y, ysT, ysB, hn, reverse, relu, ws, clip);
}
