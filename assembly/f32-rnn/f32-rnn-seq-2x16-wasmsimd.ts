// f32_rnn_seq_2x16__wasmsimd: a whole Elman RNN layer direction over a sequence, in one call.
// Maths, per time step t (t = 0..T-1, or T-1..0 when reverse):
//   h = act(xp[t] + W_hh h + b_hh);  y[t] = h;  act = tanh (relu = 0) or relu (relu = 1;
//   NaN propagates as in torch.relu).
// Operands (counts and strides in elements, pointers in bytes):
//   xp: input projections X·W_ih^T + b_ih; row (t, b) at xp + 4*(t*xsT + b*xsB), H floats.
//   w:  packed W_hh + b_hh (rnn-matvec.ts strips): ceil(H/4) strips, strip s = hidden units
//       4s..4s+3.
//   h0: [B, H] initial hidden state, or 0 for zeros. y: output row (t, b) at
//       y + 4*(t*ysT + b*ysB), H floats. hn: [B, H] receives the last step's h, or 0 to skip.
//   ws: scratch of B * ceil(H/4) * 16 bytes.
//   y may alias h0 (and hn): a step reads every h row (matvec) before writing any y.
// Tile: 2 batch rows x 16 hidden units (4 strips, 8 f32x4 accumulators; the last 3 strips of a
//   group: 2 x 12); one row: 7 strips (28 units, rnn-matvec.ts).
//   Each step: the matvec of every row into ws (rnn-matvec.ts), then the activation per row.
// Preconditions: T, B, H >= 1; w, y, ws != 0 (asserted). Activation: common/vmath.ts vtanh.
// Bounds: reads up to 16 B past xp rows (the arena pads); never writes past y rows, hn.
import { vtanh } from '../common/vmath';
import { rnnMatvecBatch, storeLanes, copyFinal, stepTime, prevRows, prevStride, vclip } from './rnn-matvec';

// clip > 0: the pre-activation clamped to [-clip, clip] (f32_rnn_seq_2x16__wasmsimd_clip); the
// plain kernel passes the constant 0.
// @ts-ignore: decorator
@inline export function rnnRow(h: usize, relu: i32, acc: usize, x: usize, y: usize, clip: f32): void {
  for (let u: usize = 0; u < h; u += 4) {
    const va = vclip(f32x4.add(v128.load(acc + (u << 2)), v128.load(x + (u << 2))), clip);
    const vy = relu ? v128.bitselect(f32x4.splat(0), va, f32x4.lt(va, f32x4.splat(0))) : vtanh(va);
    storeLanes(y + (u << 2), vy, h - u);
  }
}

export function f32_rnn_seq_2x16__wasmsimd(
  t: usize, b: usize, h: usize,
  xp: usize, xsT: usize, xsB: usize,
  w: usize, h0: usize,
  y: usize, ysT: usize, ysB: usize,
  hn: usize, reverse: i32, relu: i32, ws: usize,
): void {
  rnnSeq(t, b, h, xp, xsT, xsB, w, h0, y, ysT, ysB, hn, reverse, relu, ws, 0);
}

// The sequence loop of both kernels (clip: rnnRow).
// @ts-ignore: decorator
@inline export function rnnSeq(
  t: usize, b: usize, h: usize,
  xp: usize, xsT: usize, xsB: usize,
  w: usize, h0: usize,
  y: usize, ysT: usize, ysB: usize,
  hn: usize, reverse: i32, relu: i32, ws: usize, clip: f32,
): void {
  assert(t != 0 && b != 0 && h != 0, 'f32_rnn_seq: T, B and H must be >= 1');
  assert(w != 0 && y != 0 && ws != 0, 'f32_rnn_seq: null operand');
  const ns: usize = (h + 3) >> 2; // strips of the packed W_hh
  const wsr = ns << 4; // bytes per accumulator row
  for (let s: usize = 0; s < t; s++) {
    const ti = stepTime(s, t, reverse);
    const hp = prevRows(s, ti, reverse, y, ysT, h0); // h rows of the previous step (0: zeros)
    const hs = prevStride(s, ysB, h); // bytes between them
    rnnMatvecBatch(ns, h, hp != 0 ? h : 0, w, hp, hs, b, ws, wsr);
    for (let r: usize = 0; r < b; r++) {
      rnnRow(h, relu, ws + r * wsr, xp + ((ti * xsT + r * xsB) << 2), y + ((ti * ysT + r * ysB) << 2), clip);
    }
  }
  copyFinal(b, h, y, ysT, ysB, reverse ? 0 : t - 1, hn);
}
