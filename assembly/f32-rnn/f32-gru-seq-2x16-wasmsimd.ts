// f32_gru_seq_2x16__wasmsimd: a whole GRU layer direction over a sequence, in one call.
// Maths (PyTorch gate order r, z, n; b_hn inside the reset product), per time step t
// (t = 0..T-1, or T-1..0 when reverse), with a_* = W_h* h + b_h*:
//   r = sigmoid(xp_r + a_r);  z = sigmoid(xp_z + a_z);  n = tanh(xp_n + r * a_n)
//   h' = (1 - z) * n + z * h  (computed as n + z * (h - n));  y[t] = h'
// Operands (counts and strides in elements, pointers in bytes):
//   xp: input projections X·W_ih^T + b_ih; row (t, b) at xp + 4*(t*xsT + b*xsB) holds 3H floats
//       [r | z | n] (H each).
//   w:  packed W_hh + b_hh (rnn-matvec.ts strips): 3*ceil(H/4) strips, gate-interleaved: strips
//       3p..3p+2 are gates r, z, n of hidden units 4p..4p+3.
//   h0: [B, H] initial hidden state, or 0 for zeros. y: output row (t, b) at
//       y + 4*(t*ysT + b*ysB), H floats. hn: [B, H] receives the last step's h, or 0 to skip.
//   ws: scratch of B * ceil(H/4) * 48 bytes.
//   y may alias h0 (and hn): a step reads every h row (matvec) before writing any y.
// Tile: 2 batch rows x 16 columns (4 strips, 8 f32x4 accumulators; the last 3 strips of a group:
//   2 x 12); one row: 7 strips (28 columns, rnn-matvec.ts).
//   Each step: the matvec of every row into ws (rnn-matvec.ts), then the fused gates per row.
// Preconditions: T, B, H >= 1; w, y, ws != 0 (asserted). Activations: common/vmath.ts.
// Bounds: reads up to 16 B past xp rows and h rows (the arena pads); never writes past y rows, hn.
import { vsigmoid, vtanh } from '../common/vmath';
import { rnnMatvecBatch, storeLanes, copyFinal, stepTime, prevRows, prevStride, vclip } from './rnn-matvec';

// clip > 0: gate pre-activations clamped to [-clip, clip] (f32_gru_seq_2x16__wasmsimd_clip); the
// plain kernel passes the constant 0.
// @ts-ignore: decorator
@inline export function gruRow(h: usize, np: usize, acc: usize, x: usize, hp: usize, y: usize, clip: f32): void {
  const xo = h << 2;
  for (let p: usize = 0; p < np; p++) {
    const u = p << 2;
    const pa = acc + p * 48;
    const px = x + (u << 2);
    const vr = vsigmoid(vclip(f32x4.add(v128.load(pa), v128.load(px)), clip));
    const vz = vsigmoid(vclip(f32x4.add(v128.load(pa, 16), v128.load(px + xo)), clip));
    const vn = vtanh(vclip(f32x4.add(v128.load(px + 2 * xo), f32x4.mul(vr, v128.load(pa, 32))), clip));
    const vh = hp != 0 ? v128.load(hp + (u << 2)) : f32x4.splat(0);
    storeLanes(y + (u << 2), f32x4.add(vn, f32x4.mul(vz, f32x4.sub(vh, vn))), h - u);
  }
}

export function f32_gru_seq_2x16__wasmsimd(
  t: usize, b: usize, h: usize,
  xp: usize, xsT: usize, xsB: usize,
  w: usize, h0: usize,
  y: usize, ysT: usize, ysB: usize,
  hn: usize, reverse: i32, ws: usize,
): void {
  gruSeq(t, b, h, xp, xsT, xsB, w, h0, y, ysT, ysB, hn, reverse, ws, 0);
}

// The sequence loop of both kernels (clip: gruRow).
// @ts-ignore: decorator
@inline export function gruSeq(
  t: usize, b: usize, h: usize,
  xp: usize, xsT: usize, xsB: usize,
  w: usize, h0: usize,
  y: usize, ysT: usize, ysB: usize,
  hn: usize, reverse: i32, ws: usize, clip: f32,
): void {
  assert(t != 0 && b != 0 && h != 0, 'f32_gru_seq: T, B and H must be >= 1');
  assert(w != 0 && y != 0 && ws != 0, 'f32_gru_seq: null operand');
  const np = (h + 3) >> 2; // blocks of 4 hidden units
  const ns: usize = np * 3; // strips of the packed W_hh
  const wsr = ns << 4; // bytes per accumulator row
  for (let s: usize = 0; s < t; s++) {
    const ti = stepTime(s, t, reverse);
    const hp = prevRows(s, ti, reverse, y, ysT, h0); // h rows of the previous step (0: zeros)
    const hs = prevStride(s, ysB, h); // bytes between them
    rnnMatvecBatch(ns, h, hp != 0 ? h : 0, w, hp, hs, b, ws, wsr);
    for (let r: usize = 0; r < b; r++) {
      gruRow(h, np, ws + r * wsr, xp + ((ti * xsT + r * xsB) << 2), hp != 0 ? hp + r * hs : 0, y + ((ti * ysT + r * ysB) << 2), clip);
    }
  }
  copyFinal(b, h, y, ysT, ysB, reverse ? 0 : t - 1, hn);
}
