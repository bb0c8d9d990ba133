// f32_lstm_seq_2x16__wasmsimd: a whole LSTM layer direction over a sequence, in one call.
// Maths (PyTorch gate order i, f, g, o), per time step t (t = 0..T-1, or T-1..0 when reverse):
//   a = xp[t] + W_hh h + b_hh;  i,f,o = sigmoid(a_i, a_f, a_o);  g = tanh(a_g)
//   c = f*c + i*g;  h = o*tanh(c);  y[t] = h
// Operands (counts and strides in elements, pointers in bytes):
//   xp: input projections X·W_ih^T + b_ih; row (t, b) at xp + 4*(t*xsT + b*xsB) holds 4H floats
//       [i | f | g | o] (H each).
//   w:  packed W_hh + b_hh (rnn-matvec.ts strips): 4*ceil(H/4) strips, gate-interleaved: strips
//       4p..4p+3 are gates i, f, g, o of hidden units 4p..4p+3.
//   h0: [B, H] initial hidden state, or 0 for zeros. c: [B, H] cell state, read and updated in
//       place (c_0 in, c_T out). y: output row (t, b) at y + 4*(t*ysT + b*ysB), H floats.
//   hn: [B, H] receives the last step's h, or 0 to skip. ws: scratch of B * ceil(H/4) * 64 B.
//   y may alias h0 (and hn): a step reads every h row (matvec) before writing any y.
// Tile: 2 batch rows x 16 columns (4 strips, 8 f32x4 accumulators; the last 3 strips of a group:
//   2 x 12); one row: 7 strips (28 columns, rnn-matvec.ts).
//   Each step: the matvec of every row into ws (rnn-matvec.ts), then the fused gates per row.
// Preconditions: T, B, H >= 1; w, c, y, ws != 0 (asserted). Activations: common/vmath.ts.
// Bounds: reads up to 16 B past xp rows and c (the arena pads); never writes past y rows, c, hn.
import { vsigmoid, vtanh } from '../common/vmath';
import { rnnMatvecBatch, storeLanes, copyFinal, stepTime, prevRows, prevStride, vclip } from './rnn-matvec';

// The ONNX extras (f32_lstm_seq_2x16__wasmsimd_onnx): pp peepholes [p_i | p_f | p_o] (H each) or
// 0, clip (> 0: gate pre-activations clamped to [-clip, clip]) and ifg (input_forget: f = 1 - i).
// The plain kernel passes constant 0s, so it compiles without them.
// @ts-ignore: decorator
@inline export function lstmRow(h: usize, np: usize, acc: usize, x: usize, c: usize, y: usize, pp: usize, clip: f32, ifg: i32): void {
  const xo = h << 2; // bytes between gate blocks of an xp row
  for (let p: usize = 0; p < np; p++) {
    const u = p << 2;
    const pa = acc + (p << 6);
    const px = x + (u << 2);
    const pc = c + (u << 2);
    let ai = f32x4.add(v128.load(pa), v128.load(px));
    let af = f32x4.add(v128.load(pa, 16), v128.load(px + xo));
    const vg = vtanh(vclip(f32x4.add(v128.load(pa, 32), v128.load(px + 2 * xo)), clip));
    let ao = f32x4.add(v128.load(pa, 48), v128.load(px + 3 * xo));
    const vc0 = v128.load(pc);
    if (pp != 0) {
      const pu = pp + (u << 2);
      ai = f32x4.add(ai, f32x4.mul(v128.load(pu), vc0));
      af = f32x4.add(af, f32x4.mul(v128.load(pu + xo), vc0));
    }
    const vi = vsigmoid(vclip(ai, clip));
    const vf = ifg ? f32x4.sub(f32x4.splat(1), vi) : vsigmoid(vclip(af, clip));
    const vc = f32x4.add(f32x4.mul(vf, vc0), f32x4.mul(vi, vg));
    if (pp != 0) ao = f32x4.add(ao, f32x4.mul(v128.load(pp + (u << 2) + 2 * xo), vc));
    const vo = vsigmoid(vclip(ao, clip));
    const vh = f32x4.mul(vo, vtanh(vc));
    const rem = h - u;
    storeLanes(pc, vc, rem);
    storeLanes(y + (u << 2), vh, rem);
  }
}

export function f32_lstm_seq_2x16__wasmsimd(
  t: usize, b: usize, h: usize,
  xp: usize, xsT: usize, xsB: usize,
  w: usize, h0: usize, c: usize,
  y: usize, ysT: usize, ysB: usize,
  hn: usize, reverse: i32, ws: usize,
): void {
  lstmSeq(t, b, h, xp, xsT, xsB, w, h0, c, y, ysT, ysB, hn, reverse, ws, 0, 0, 0);
}

// The sequence loop of both LSTM kernels (pp, clip, ifg: lstmRow).
// @ts-ignore: decorator
@inline export function lstmSeq(
  t: usize, b: usize, h: usize,
  xp: usize, xsT: usize, xsB: usize,
  w: usize, h0: usize, c: usize,
  y: usize, ysT: usize, ysB: usize,
  hn: usize, reverse: i32, ws: usize, pp: usize, clip: f32, ifg: i32,
): void {
  assert(t != 0 && b != 0 && h != 0, 'f32_lstm_seq: T, B and H must be >= 1');
  assert(w != 0 && c != 0 && y != 0 && ws != 0, 'f32_lstm_seq: null operand');
  const np = (h + 3) >> 2; // blocks of 4 hidden units
  const ns: usize = np << 2; // strips of the packed W_hh
  const wsr = ns << 4; // bytes per accumulator row
  for (let s: usize = 0; s < t; s++) {
    const ti = stepTime(s, t, reverse);
    const hp = prevRows(s, ti, reverse, y, ysT, h0); // h rows of the previous step (0: zeros)
    const hs = prevStride(s, ysB, h); // bytes between them
    rnnMatvecBatch(ns, h, hp != 0 ? h : 0, w, hp, hs, b, ws, wsr);
    for (let r: usize = 0; r < b; r++) {
      lstmRow(h, np, ws + r * wsr, xp + ((ti * xsT + r * xsB) << 2), c + ((r * h) << 2), y + ((ti * ysT + r * ysB) << 2), pp, clip, ifg);
    }
  }
  copyFinal(b, h, y, ysT, ysB, reverse ? 0 : t - 1, hn);
}
