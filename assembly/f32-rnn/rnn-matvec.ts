// Recurrent matvec shared by the f32 rnn/gru/lstm sequence kernels (@inline helpers only).
//
// Maths: for each batch row r and strip s: acc[r][s] = bias[s] + sum_{k<kc} h_r[k] * W[s][k], a
// strip being 4 consecutive columns (outputs of W_hh·h + b_hh) of the kernel's column order.
// Packed W_hh (built once by src/ops/rnn.ts packRecurrentInto): S strips in groups of 7 (the
// last group: the remaining 1..7). Group g (strips 7g .. 7g+n-1) = (H + 1) rows of n*4 floats,
// K-major: [bias][k=0] ... [k=H-1], each row the n strips' 4 columns side by side; group stride
// (H + 1) * 112 bytes; columns past the layer's end are zero. The layout does not depend on the
// batch: the matvec picks how many strips it runs together (a group of 7 for one row, 4 or 3
// strips x 2 rows for several); one pointer walks a group, loads use immediate offsets.
// Output: ws + r * wsr + s * 16 holds the accumulator of strip s for row r (16 B aligned).
// kc = 0 means h = 0 (no initial state): the accumulators are the bias alone, h is not read.
// Register budget (V8 x64 keeps 15 xmm registers for wasm and schedules the loads of an
// iteration early): one row x 7 strips = 7 acc + 7 w + 1 h (the mul overwrites its loaded w:
// no temporary); 2 rows x 4 strips = 8 + 4 + 2.
// Measured (issue 5, loaded 2-core EPYC, CPU time): one row runs at ~45 GB/s of W_hh whether W_hh
// sits in L2 (H = 256 RNN, 257 KiB) or not (LSTM, 1 MiB); the same loop without the mul and the
// splat (loads + adds only) reaches ~54 GB/s, so one row is bound by the L2 -> L1 stream. Groups
// of 6 strips measured the same as 7; a 4x8 tile over packed h for batches measured no better
// than 2 x 4 strips.
// Reads h_r[0..kc), never past; writes exactly S * 16 bytes per row of ws.

// One row, n (1..7, a constant at each call site) strips of one group at p (row stride n * 16 B,
// so every load has an immediate offset from one pointer). n independent accumulators.
// @ts-ignore: decorator
@inline function strips1(n: i32, kc: usize, p: usize, h: usize, ws: usize): void {
  const gw: usize = <usize>n << 4;
  const vz = f32x4.splat(0);
  let va0 = v128.load(p);
  let va1 = n > 1 ? v128.load(p, 16) : vz;
  let va2 = n > 2 ? v128.load(p, 32) : vz;
  let va3 = n > 3 ? v128.load(p, 48) : vz;
  let va4 = n > 4 ? v128.load(p, 64) : vz;
  let va5 = n > 5 ? v128.load(p, 80) : vz;
  let va6 = n > 6 ? v128.load(p, 96) : vz;
  let pw = p;
  const he = h + (kc << 2);
  for (let ph = h; ph < he; ph += 4) {
    pw += gw;
    const vh = v128.load32_splat(ph);
    va0 = f32x4.add(va0, f32x4.mul(v128.load(pw), vh));
    if (n > 1) va1 = f32x4.add(va1, f32x4.mul(v128.load(pw, 16), vh));
    if (n > 2) va2 = f32x4.add(va2, f32x4.mul(v128.load(pw, 32), vh));
    if (n > 3) va3 = f32x4.add(va3, f32x4.mul(v128.load(pw, 48), vh));
    if (n > 4) va4 = f32x4.add(va4, f32x4.mul(v128.load(pw, 64), vh));
    if (n > 5) va5 = f32x4.add(va5, f32x4.mul(v128.load(pw, 80), vh));
    if (n > 6) va6 = f32x4.add(va6, f32x4.mul(v128.load(pw, 96), vh));
  }
  v128.store(ws, va0);
  if (n > 1) v128.store(ws, va1, 16);
  if (n > 2) v128.store(ws, va2, 32);
  if (n > 3) v128.store(ws, va3, 48);
  if (n > 4) v128.store(ws, va4, 64);
  if (n > 5) v128.store(ws, va5, 80);
  if (n > 6) v128.store(ws, va6, 96);
}

// Two rows, n (1..4, constant) strips at p inside a group of row stride gw bytes: 2n
// accumulators sharing each weight load.
// @ts-ignore: decorator
@inline function strips2(n: i32, kc: usize, p: usize, gw: usize, h0: usize, h1: usize, ws0: usize, ws1: usize): void {
  const vz = f32x4.splat(0);
  let va00 = v128.load(p);
  let va01 = n > 1 ? v128.load(p, 16) : vz;
  let va02 = n > 2 ? v128.load(p, 32) : vz;
  let va03 = n > 3 ? v128.load(p, 48) : vz;
  let va10 = va00;
  let va11 = va01;
  let va12 = va02;
  let va13 = va03;
  let pw = p;
  let ph1 = h1;
  const he = h0 + (kc << 2);
  for (let ph0 = h0; ph0 < he; ph0 += 4) {
    pw += gw;
    const vh0 = v128.load32_splat(ph0);
    const vh1 = v128.load32_splat(ph1);
    ph1 += 4;
    const vw0 = v128.load(pw);
    va00 = f32x4.add(va00, f32x4.mul(vw0, vh0));
    va10 = f32x4.add(va10, f32x4.mul(vw0, vh1));
    if (n > 1) {
      const vw1 = v128.load(pw, 16);
      va01 = f32x4.add(va01, f32x4.mul(vw1, vh0));
      va11 = f32x4.add(va11, f32x4.mul(vw1, vh1));
    }
    if (n > 2) {
      const vw2 = v128.load(pw, 32);
      va02 = f32x4.add(va02, f32x4.mul(vw2, vh0));
      va12 = f32x4.add(va12, f32x4.mul(vw2, vh1));
    }
    if (n > 3) {
      const vw3 = v128.load(pw, 48);
      va03 = f32x4.add(va03, f32x4.mul(vw3, vh0));
      va13 = f32x4.add(va13, f32x4.mul(vw3, vh1));
    }
  }
  v128.store(ws0, va00);
  v128.store(ws1, va10);
  if (n > 1) {
    v128.store(ws0, va01, 16);
    v128.store(ws1, va11, 16);
  }
  if (n > 2) {
    v128.store(ws0, va02, 32);
    v128.store(ws1, va12, 32);
  }
  if (n > 3) {
    v128.store(ws0, va03, 48);
    v128.store(ws1, va13, 48);
  }
}

// One row, every strip: the full groups of 7, then the last group (1..6 strips).
// @ts-ignore: decorator
@inline function rowAll(ns: usize, kc: usize, w: usize, gb: usize, h: usize, ws: usize): void {
  let s: usize = 0;
  let p = w;
  for (; s + 7 <= ns; s += 7) {
    strips1(7, kc, p, h, ws + (s << 4));
    p += gb;
  }
  const rem = ns - s;
  const o = ws + (s << 4);
  if (rem == 6) strips1(6, kc, p, h, o);
  else if (rem == 5) strips1(5, kc, p, h, o);
  else if (rem == 4) strips1(4, kc, p, h, o);
  else if (rem == 3) strips1(3, kc, p, h, o);
  else if (rem == 2) strips1(2, kc, p, h, o);
  else if (rem == 1) strips1(1, kc, p, h, o);
}

// Rows r and r+1, strips j0 .. j0+n-1 (n = 1..4) of the group at p (gw bytes per group row).
// @ts-ignore: decorator
@inline function pairPart(n: usize, kc: usize, p: usize, gw: usize, h0: usize, h1: usize, ws0: usize, ws1: usize): void {
  if (n == 4) strips2(4, kc, p, gw, h0, h1, ws0, ws1);
  else if (n == 3) strips2(3, kc, p, gw, h0, h1, ws0, ws1);
  else if (n == 2) strips2(2, kc, p, gw, h0, h1, ws0, ws1);
  else strips2(1, kc, p, gw, h0, h1, ws0, ws1);
}

// Every row of a batch: h rows at h + r*hs bytes, accumulator rows at ws + r*wsr bytes.
// hk = H (the packed layout's K; kc is H or 0). Several rows: 4 strips of a group (then the
// other 3; 16 KB for H = 256, kept in L1) at a time while every row pair streams past it, sharing each weight load
// between the pair; an odd last row runs alone.
// @ts-ignore: decorator
@inline export function rnnMatvecBatch(
  ns: usize, hk: usize, kc: usize, w: usize,
  h: usize, hs: usize, b: usize, ws: usize, wsr: usize,
): void {
  const gb = (hk + 1) * 112; // bytes per full group
  if (b == 1) {
    rowAll(ns, kc, w, gb, h, ws);
    return;
  }
  const pairs = b >> 1;
  for (let s: usize = 0; s < ns; s += 7) {
    const ng = min<usize>(ns - s, 7);
    const gw = ng << 4;
    const p = w + (s / 7) * gb;
    for (let j: usize = 0; j < ng; j += 4) {
      const n = min<usize>(ng - j, 4);
      const o = (s + j) << 4;
      for (let q: usize = 0; q < pairs; q++) {
        const r = q << 1;
        pairPart(n, kc, p + (j << 4), gw, h + r * hs, h + (r + 1) * hs, ws + r * wsr + o, ws + (r + 1) * wsr + o);
      }
    }
  }
  if (b & 1) rowAll(ns, kc, w, gb, h + (b - 1) * hs, ws + (b - 1) * wsr);
}

// Stores the first `rem` lanes of v at p (rem >= 4: all four). Never writes past p + 4*min(rem,4).
// @ts-ignore: decorator
@inline export function storeLanes(p: usize, v: v128, rem: usize): void {
  if (rem >= 4) {
    v128.store(p, v);
  } else {
    if (rem & 2) {
      v128.store64_lane(p, v, 0);
      v = v128.shuffle<f32>(v, v, 2, 3, 2, 3);
      p += 8;
    }
    if (rem & 1) v128.store32_lane(p, v, 0);
  }
}

// Time index of step s (reverse: T-1-s) and the h rows it reads: the previous step's y rows
// (stride ysB) or, at s = 0, h0 (stride H; 0 = zeros).
// @ts-ignore: decorator
@inline export function stepTime(s: usize, t: usize, reverse: i32): usize {
  return reverse ? t - 1 - s : s;
}

// @ts-ignore: decorator
@inline export function prevRows(s: usize, ti: usize, reverse: i32, y: usize, ysT: usize, h0: usize): usize {
  return s != 0 ? y + (((reverse ? ti + 1 : ti - 1) * ysT) << 2) : h0;
}

// @ts-ignore: decorator
@inline export function prevStride(s: usize, ysB: usize, h: usize): usize {
  return s != 0 ? ysB << 2 : h << 2;
}

// Copies the final hidden rows (time index tl) of y into hn ([B, H] contiguous) unless hn is 0.
// @ts-ignore: decorator
@inline export function copyFinal(b: usize, h: usize, y: usize, ysT: usize, ysB: usize, tl: usize, hn: usize): void {
  if (hn == 0) return;
  for (let r: usize = 0; r < b; r++) {
    const src = y + ((tl * ysT + r * ysB) << 2);
    const dst = hn + ((r * h) << 2);
    if (src != dst) memory.copy(dst, src, h << 2);
  }
}

// ONNX cell clip of a gate pre-activation: min(max(v, -c), c) when c > 0, else v unchanged. The
// plain kernels pass the constant 0 (the clamp compiles away); the ONNX variants a runtime value.
// @ts-ignore: decorator
@inline export function vclip(v: v128, c: f32): v128 {
  if (c > 0) {
    const vc = f32x4.splat(c);
    return f32x4.min(f32x4.max(v, f32x4.neg(vc)), vc);
  }
  return v;
}
