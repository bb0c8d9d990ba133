// qd8_f32_qc8w_{lstm,gru,rnn}_seq__wasmsimd: the int8 twins of assembly/f32-rnn's sequence
// kernels (same maths, gates and operand layouts; see f32-lstm-seq-2x16-wasmsimd.ts and friends),
// with the recurrent matvec W_hh h + b_hh done by the qd8-f32-qc8w GEMM: per step the B rows of
// h are quantized dynamically (7-bit codes, per-row zero point) and multiplied with int8 W_hh
// (per-channel scales) into the f32 accumulator rows the gate functions read.
// Operands as the f32 kernels, except w: W_hh + b_hh packed as qc8w panels (assembly/
//   qd8-f32-qc8w-gemm/common.ts) whose ns*4 output columns are in the f32 kernels' strip order
//   (column 4s + q = gate s % G of hidden unit 4 floor(s / G) + q; zero weights, scale and bias
//   past H), ns = G * ceil(H/4), so the GEMM writes the accumulator rows directly.
// Workspace ws: B * ns * 16 bytes of accumulators, then B * H floats (zero h rows when h0 = 0),
//   then the GEMM's workspace: ws_rows_offset(B) + B * roundUp(H, 4) bytes.
// Tile: the GEMM's (2x8, SIMD128 dot16x2; 1x8 for B = 1). NaN in h propagates to the whole row.
// Preconditions: T, B, H >= 1; w, y, ws != 0 (and c for LSTM). Bounds as the f32 kernels.
import { lstmRow } from '../f32-rnn/f32-lstm-seq-2x16-wasmsimd';
import { gruRow } from '../f32-rnn/f32-gru-seq-2x16-wasmsimd';
import { rnnRow } from '../f32-rnn/f32-rnn-seq-2x16-wasmsimd';
import { copyFinal, stepTime, prevRows, prevStride } from '../f32-rnn/rnn-matvec';
import { qd8_f32_qc8w_gemm_2x8__wasmsimd_dot16x2 } from '../qd8-f32-qc8w-gemm/qd8-f32-qc8w-gemm-2x8-wasmsimd-dot16x2';

const MODE_RNN: i32 = 0;
const MODE_GRU: i32 = 1;
const MODE_LSTM: i32 = 2;

// @ts-ignore: decorator
@inline function seq(
  mode: i32, t: usize, b: usize, h: usize, xp: usize, xsT: usize, xsB: usize, w: usize, h0: usize, c: usize,
  y: usize, ysT: usize, ysB: usize, hn: usize, reverse: i32, relu: i32, ws: usize,
): void {
  const np = (h + 3) >> 2;
  const ns: usize = mode == MODE_LSTM ? np << 2 : mode == MODE_GRU ? np * 3 : np;
  const wsr = ns << 4;
  const zeros = ws + b * wsr;
  const qws = zeros + ((b * h * 4 + 15) & ~<usize>15);
  memory.fill(zeros, 0, b * h * 4);
  for (let s: usize = 0; s < t; s++) {
    const ti = stepTime(s, t, reverse);
    const hp = prevRows(s, ti, reverse, y, ysT, h0);
    const hs = prevStride(s, ysB, h);
    qd8_f32_qc8w_gemm_2x8__wasmsimd_dot16x2(b, ns << 2, h, hp != 0 ? hp : zeros, hs >> 2, w, ws, ns << 2, 0, 0, 0, 0, qws);
    for (let r: usize = 0; r < b; r++) {
      const acc = ws + r * wsr;
      const x = xp + ((ti * xsT + r * xsB) << 2);
      const yr = y + ((ti * ysT + r * ysB) << 2);
      if (mode == MODE_LSTM) lstmRow(h, np, acc, x, c + ((r * h) << 2), yr, 0, 0, 0);
      else if (mode == MODE_GRU) gruRow(h, np, acc, x, hp != 0 ? hp + r * hs : 0, yr, 0);
      else rnnRow(h, relu, acc, x, yr, 0);
    }
  }
  copyFinal(b, h, y, ysT, ysB, reverse ? 0 : t - 1, hn);
}

export function qd8_f32_qc8w_lstm_seq__wasmsimd(
  t: usize, b: usize, h: usize, xp: usize, xsT: usize, xsB: usize, w: usize, h0: usize, c: usize,
  y: usize, ysT: usize, ysB: usize, hn: usize, reverse: i32, ws: usize,
): void {
  assert(t != 0 && b != 0 && h != 0 && w != 0 && c != 0 && y != 0 && ws != 0);
  seq(MODE_LSTM, t, b, h, xp, xsT, xsB, w, h0, c, y, ysT, ysB, hn, reverse, 0, ws);
}

export function qd8_f32_qc8w_gru_seq__wasmsimd(
  t: usize, b: usize, h: usize, xp: usize, xsT: usize, xsB: usize, w: usize, h0: usize,
  y: usize, ysT: usize, ysB: usize, hn: usize, reverse: i32, ws: usize,
): void {
  assert(t != 0 && b != 0 && h != 0 && w != 0 && y != 0 && ws != 0);
  seq(MODE_GRU, t, b, h, xp, xsT, xsB, w, h0, 0, y, ysT, ysB, hn, reverse, 0, ws);
}

export function qd8_f32_qc8w_rnn_seq__wasmsimd(
  t: usize, b: usize, h: usize, xp: usize, xsT: usize, xsB: usize, w: usize, h0: usize,
  y: usize, ysT: usize, ysB: usize, hn: usize, reverse: i32, relu: i32, ws: usize,
): void {
  assert(t != 0 && b != 0 && h != 0 && w != 0 && y != 0 && ws != 0);
  seq(MODE_RNN, t, b, h, xp, xsT, xsB, w, h0, 0, y, ysT, ysB, hn, reverse, relu, ws);
}
