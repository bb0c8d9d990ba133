// f32_lstm_seq_2x16__wasmsimd_peephole: f32_lstm_seq_2x16__wasmsimd with peephole connections
// (ONNX LSTM input P), in one call per layer direction.
// Maths (gate order i, f, g, o), per time step, with a = xp[t] + W_hh h + b_hh and c the previous
// cell state:
//   i = sigmoid(a_i + p_i * c);  f = sigmoid(a_f + p_f * c);  g = tanh(a_g)
//   c' = f*c + i*g;  o = sigmoid(a_o + p_o * c');  h = o*tanh(c');  y[t] = h
// Operands: those of f32_lstm_seq_2x16__wasmsimd (f32-lstm-seq-2x16-wasmsimd.ts), plus
//   p: the peephole weights [p_i | p_f | p_o], H floats each (3H).
// Tile, preconditions: as f32_lstm_seq_2x16__wasmsimd; p != 0.
// Bounds: reads up to 16 B past p, xp rows and c (the arena pads); never writes past y rows, c, hn.
import { lstmSeq } from './f32-lstm-seq-2x16-wasmsimd';

export function f32_lstm_seq_2x16__wasmsimd_peephole(
  t: usize, b: usize, h: usize,
  xp: usize, xsT: usize, xsB: usize,
  w: usize, h0: usize, c: usize,
  y: usize, ysT: usize, ysB: usize,
  hn: usize, reverse: i32, ws: usize, p: usize,
): void {
  assert(p != 0, 'f32_lstm_seq_peephole: null p');
  lstmSeq(t, b, h, xp, xsT, xsB, w, h0, c, y, ysT, ysB, hn, reverse, ws, p);
}
