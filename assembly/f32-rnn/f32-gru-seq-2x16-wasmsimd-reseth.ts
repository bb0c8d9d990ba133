// f32_gru_seq_2x16__wasmsimd_reseth: a whole GRU layer direction over a sequence, in one call,
// with the reset gate applied to h BEFORE the recurrent n projection (ONNX GRU with
// linear_before_reset = 0, its default; PyTorch's form is f32_gru_seq_2x16__wasmsimd).
// Maths (gate order r, z, n), per time step t (t = 0..T-1, or T-1..0 when reverse):
//   r = sigmoid(xp_r + W_hr h + b_hr);  z = sigmoid(xp_z + W_hz h + b_hz)
//   n = tanh(xp_n + W_hn (r * h) + b_hn)
//   h' = (1 - z) * n + z * h  (computed as n + z * (h - n));  y[t] = h'
// Operands (counts and strides in elements, pointers in bytes):
//   xp: input projections X·W_ih^T + b_ih; row (t, b) at xp + 4*(t*xsT + b*xsB) holds 3H floats
//       [r | z | n] (H each).
//   w:  packed [W_hr; W_hz] + [b_hr; b_hz] (rnn-matvec.ts strips): 2*ceil(H/4) strips,
//       gate-interleaved: strips 2p, 2p+1 are gates r, z of hidden units 4p..4p+3.
//   wn: packed W_hn + b_hn: ceil(H/4) strips (strip p: gate n of units 4p..4p+3).
//   h0: [B, H] initial hidden state, or 0 for zeros. y: output row (t, b) at
//       y + 4*(t*ysT + b*ysB), H floats. hn: [B, H] receives the last step's h, or 0 to skip.
//   clip: > 0 clamps every gate pre-activation (the arguments of sigmoid and tanh above) to
//       [-clip, clip] (ONNX clip, as onnxruntime applies it); <= 0: none.
//   ws: scratch of B * ceil(H/4) * 64 bytes: the r|z accumulators (32 B per block of 4 units and
//       row), the n accumulators (16 B) and the r*h rows (16 B), each for every row.
//   y may alias h0 (and hn): a step reads every h row (both matvecs) before writing any y.
// Tile: 2 batch rows x 16 columns (rnn-matvec.ts); two matvecs per step (r|z on h, then n on
//   r*h), each followed by its part of the fused gates.
// Preconditions: T, B, H >= 1; w, wn, y, ws != 0 (asserted). Activations: common/vmath.ts.
// Bounds: reads up to 16 B past xp rows and h rows (the arena pads); never writes past y rows, hn
//   (the r*h rows are written whole, padding lanes included, inside ws).
import { vsigmoid, vtanh } from '../common/vmath';
import { rnnMatvecBatch, storeLanes, copyFinal, stepTime, prevRows, prevStride, vclip } from './rnn-matvec';

// r * h of one row into rh (whole blocks of 4; lanes past H are never read by the matvec).
// @ts-ignore: decorator
@inline function resetRow(h: usize, np: usize, acc: usize, x: usize, hp: usize, rh: usize, clip: f32): void {
  for (let p: usize = 0; p < np; p++) {
    const u = p << 2;
    const vr = vsigmoid(vclip(f32x4.add(v128.load(acc + (p << 5)), v128.load(x + (u << 2))), clip));
    v128.store(rh + (u << 2), f32x4.mul(vr, v128.load(hp + (u << 2))));
  }
}

// @ts-ignore: decorator
@inline function gateRow(h: usize, np: usize, acc: usize, accn: usize, x: usize, hp: usize, y: usize, clip: f32): void {
  const xo = h << 2;
  for (let p: usize = 0; p < np; p++) {
    const u = p << 2;
    const px = x + (u << 2);
    const vz = vsigmoid(vclip(f32x4.add(v128.load(acc + (p << 5), 16), v128.load(px + xo)), clip));
    const vn = vtanh(vclip(f32x4.add(v128.load(px + 2 * xo), v128.load(accn + (p << 4))), clip));
    const vh = hp != 0 ? v128.load(hp + (u << 2)) : f32x4.splat(0);
    storeLanes(y + (u << 2), f32x4.add(vn, f32x4.mul(vz, f32x4.sub(vh, vn))), h - u);
  }
}

export function f32_gru_seq_2x16__wasmsimd_reseth(
  t: usize, b: usize, h: usize,
  xp: usize, xsT: usize, xsB: usize,
  w: usize, wn: usize, h0: usize,
  y: usize, ysT: usize, ysB: usize,
  hn: usize, reverse: i32, ws: usize, clip: f32,
): void {
  assert(t != 0 && b != 0 && h != 0, 'f32_gru_seq_reseth: T, B and H must be >= 1');
  assert(w != 0 && wn != 0 && y != 0 && ws != 0, 'f32_gru_seq_reseth: null operand');
  const np = (h + 3) >> 2; // blocks of 4 hidden units
  const wsr = np << 5; // bytes per r|z accumulator row
  const wnr = np << 4; // bytes per n accumulator row and per r*h row
  const wsn = ws + b * wsr; // n accumulators
  const wrh = wsn + b * wnr; // r*h rows
  for (let s: usize = 0; s < t; s++) {
    const ti = stepTime(s, t, reverse);
    const hp = prevRows(s, ti, reverse, y, ysT, h0); // h rows of the previous step (0: zeros)
    const hs = prevStride(s, ysB, h); // bytes between them
    const kc = hp != 0 ? h : 0; // h = 0: both matvecs are the bias alone
    rnnMatvecBatch(np << 1, h, kc, w, hp, hs, b, ws, wsr);
    if (hp != 0) {
      for (let r: usize = 0; r < b; r++) {
        resetRow(h, np, ws + r * wsr, xp + ((ti * xsT + r * xsB) << 2), hp + r * hs, wrh + r * wnr, clip);
      }
    }
    rnnMatvecBatch(np, h, kc, wn, wrh, wnr, b, wsn, wnr);
    for (let r: usize = 0; r < b; r++) {
      gateRow(h, np, ws + r * wsr, wsn + r * wnr, xp + ((ti * xsT + r * xsB) << 2), hp != 0 ? hp + r * hs : 0, y + ((ti * ysT + r * ysB) << 2), clip);
    }
  }
  copyFinal(b, h, y, ysT, ysB, reverse ? 0 : t - 1, hn);
}
