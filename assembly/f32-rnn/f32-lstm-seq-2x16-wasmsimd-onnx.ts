// f32_lstm_seq_2x16__wasmsimd_onnx: f32_lstm_seq_2x16__wasmsimd with ONNX LSTM's extras, in one
// call per layer direction: peephole connections (input P), cell clip and input_forget.
// Maths (gate order i, f, g, o), per time step, with a = xp[t] + W_hh h + b_hh, c the previous cell
// state, cl(v) = min(max(v, -clip), clip) when clip > 0 (else v), p_* = 0 when p = 0:
//   i = sigmoid(cl(a_i + p_i * c));  f = 1 - i if input_forget else sigmoid(cl(a_f + p_f * c))
//   g = tanh(cl(a_g));  c' = f*c + i*g;  o = sigmoid(cl(a_o + p_o * c'));  h = o*tanh(c')
//   (the clip as onnxruntime applies it: to every gate's pre-activation, not to c' before tanh).
// Operands: those of f32_lstm_seq_2x16__wasmsimd (f32-lstm-seq-2x16-wasmsimd.ts), plus
//   p: the peephole weights [p_i | p_f | p_o], H floats each (3H), or 0 for none;
//   clip: the threshold (<= 0: none); inputForget: 1 couples f = 1 - i, else 0.
// Tile, preconditions: as f32_lstm_seq_2x16__wasmsimd.
// Bounds: reads up to 16 B past p, xp rows and c (the arena pads); never writes past y rows, c, hn.
import { lstmSeq } from './f32-lstm-seq-2x16-wasmsimd';

export function f32_lstm_seq_2x16__wasmsimd_onnx(
  t: usize, b: usize, h: usize,
  xp: usize, xsT: usize, xsB: usize,
  w: usize, h0: usize, c: usize,
  y: usize, ysT: usize, ysB: usize,
  hn: usize, reverse: i32, ws: usize, p: usize, clip: f32, inputForget: i32,
): void {
  lstmSeq(t, b, h, xp, xsT, xsB, w, h0, c, y, ysT, ysB, hn, reverse, ws, p, clip, inputForget);
}
