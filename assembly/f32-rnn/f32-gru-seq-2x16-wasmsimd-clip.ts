// f32_gru_seq_2x16__wasmsimd_clip: f32_gru_seq_2x16__wasmsimd (PyTorch's GRU form, ONNX
// linear_before_reset = 1) with ONNX's cell clip, in one call per layer direction.
// Maths (gate order r, z, n), with a_* = W_h* h + b_h* and cl(v) = min(max(v, -clip), clip) when
// clip > 0 (else v), as onnxruntime applies it (to every gate pre-activation):
//   r = sigmoid(cl(xp_r + a_r));  z = sigmoid(cl(xp_z + a_z));  n = tanh(cl(xp_n + r * a_n))
//   h' = (1 - z) * n + z * h;  y[t] = h'
// Operands, tile, preconditions, bounds: those of f32_gru_seq_2x16__wasmsimd
// (f32-gru-seq-2x16-wasmsimd.ts), plus clip (f32, <= 0: none).
import { gruSeq } from './f32-gru-seq-2x16-wasmsimd';

export function f32_gru_seq_2x16__wasmsimd_clip(
  t: usize, b: usize, h: usize,
  xp: usize, xsT: usize, xsB: usize,
  w: usize, h0: usize,
  y: usize, ysT: usize, ysB: usize,
  hn: usize, reverse: i32, ws: usize, clip: f32,
): void {
  gruSeq(t, b, h, xp, xsT, xsB, w, h0, y, ysT, ysB, hn, reverse, ws, clip);
}
