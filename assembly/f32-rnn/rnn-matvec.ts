// Recurrent matvec shared by the f32 rnn/gru/lstm sequence kernels (@inline helpers only).
//
// Maths: for each batch row r and strip s: acc[r][s] = bias[s] + sum_{k<kc} h_r[k] * W[s][k], a
// strip being 4 consecutive columns (outputs of W_hh·h + b_hh) of the kernel's column order.
// Packed W_hh (built once by src/ops/rnn.ts packRecurrentInto): S strips, strip s = (H + 1) x 4
// floats, K-major: [bias (4)][k=0 (4)][k=1 (4)] ... [k=H-1 (4)]; strip stride sb = (H + 1) * 16
// bytes; columns past the layer's end are zero. The layout does not depend on the batch: the
// matvec picks how many strips it runs together (6 for one row, 4 x 2 rows for several).
// Output: ws + r * wsr + s * 16 holds the accumulator of strip s for row r (16 B aligned).
// kc = 0 means h = 0 (no initial state): the accumulators are the bias alone, h is not read.
// Register budget (V8 x64 keeps 15 xmm registers for wasm and schedules the loads of an
// iteration early): one row x 6 strips = 6 acc + 6 w + 1 h; 2 rows x 4 strips = 8 + 4 + 2.
// Reads h_r[0..kc), never past; writes exactly S * 16 bytes per row of ws.

// One row, n (1..6, a constant at each call site) strips from p. n independent accumulators.
// @ts-ignore: decorator
@inline function strips1(n: i32, kc: usize, p: usize, sb: usize, h: usize, ws: usize): void {
  let p0 = p;
  let p1 = p + sb;
  let p2 = p + 2 * sb;
  let p3 = p + 3 * sb;
  let p4 = p + 4 * sb;
  let p5 = p + 5 * sb;
  const vz = f32x4.splat(0);
  let va0 = v128.load(p0);
  let va1 = n > 1 ? v128.load(p1) : vz;
  let va2 = n > 2 ? v128.load(p2) : vz;
  let va3 = n > 3 ? v128.load(p3) : vz;
  let va4 = n > 4 ? v128.load(p4) : vz;
  let va5 = n > 5 ? v128.load(p5) : vz;
  let ph = h;
  for (let k: usize = 0; k < kc; k++) {
    p0 += 16;
    p1 += 16;
    p2 += 16;
    p3 += 16;
    p4 += 16;
    p5 += 16;
    const vh = v128.load32_splat(ph);
    ph += 4;
    va0 = f32x4.add(va0, f32x4.mul(v128.load(p0), vh));
    if (n > 1) va1 = f32x4.add(va1, f32x4.mul(v128.load(p1), vh));
    if (n > 2) va2 = f32x4.add(va2, f32x4.mul(v128.load(p2), vh));
    if (n > 3) va3 = f32x4.add(va3, f32x4.mul(v128.load(p3), vh));
    if (n > 4) va4 = f32x4.add(va4, f32x4.mul(v128.load(p4), vh));
    if (n > 5) va5 = f32x4.add(va5, f32x4.mul(v128.load(p5), vh));
  }
  v128.store(ws, va0);
  if (n > 1) v128.store(ws, va1, 16);
  if (n > 2) v128.store(ws, va2, 32);
  if (n > 3) v128.store(ws, va3, 48);
  if (n > 4) v128.store(ws, va4, 64);
  if (n > 5) v128.store(ws, va5, 80);
}

// Two rows, n (1..4, constant) strips from p: 2n accumulators sharing each weight load.
// @ts-ignore: decorator
@inline function strips2(n: i32, kc: usize, p: usize, sb: usize, h0: usize, h1: usize, ws0: usize, ws1: usize): void {
  let p0 = p;
  let p1 = p + sb;
  let p2 = p + 2 * sb;
  let p3 = p + 3 * sb;
  const vz = f32x4.splat(0);
  let va00 = v128.load(p0);
  let va01 = n > 1 ? v128.load(p1) : vz;
  let va02 = n > 2 ? v128.load(p2) : vz;
  let va03 = n > 3 ? v128.load(p3) : vz;
  let va10 = va00;
  let va11 = va01;
  let va12 = va02;
  let va13 = va03;
  let ph0 = h0;
  let ph1 = h1;
  for (let k: usize = 0; k < kc; k++) {
    p0 += 16;
    p1 += 16;
    p2 += 16;
    p3 += 16;
    const vh0 = v128.load32_splat(ph0);
    const vh1 = v128.load32_splat(ph1);
    ph0 += 4;
    ph1 += 4;
    const vw0 = v128.load(p0);
    va00 = f32x4.add(va00, f32x4.mul(vw0, vh0));
    va10 = f32x4.add(va10, f32x4.mul(vw0, vh1));
    if (n > 1) {
      const vw1 = v128.load(p1);
      va01 = f32x4.add(va01, f32x4.mul(vw1, vh0));
      va11 = f32x4.add(va11, f32x4.mul(vw1, vh1));
    }
    if (n > 2) {
      const vw2 = v128.load(p2);
      va02 = f32x4.add(va02, f32x4.mul(vw2, vh0));
      va12 = f32x4.add(va12, f32x4.mul(vw2, vh1));
    }
    if (n > 3) {
      const vw3 = v128.load(p3);
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

// One row, every strip: 6 at a time, then the rest.
// @ts-ignore: decorator
@inline function rowAll(ns: usize, kc: usize, w: usize, sb: usize, h: usize, ws: usize): void {
  let s: usize = 0;
  for (; s + 6 <= ns; s += 6) strips1(6, kc, w + s * sb, sb, h, ws + (s << 4));
  const rem = ns - s;
  if (rem >= 4) {
    strips1(rem == 5 ? 5 : 4, kc, w + s * sb, sb, h, ws + (s << 4));
  } else if (rem == 3) {
    strips1(3, kc, w + s * sb, sb, h, ws + (s << 4));
  } else if (rem == 2) {
    strips1(2, kc, w + s * sb, sb, h, ws + (s << 4));
  } else if (rem == 1) {
    strips1(1, kc, w + s * sb, sb, h, ws + (s << 4));
  }
}

// Every row of a batch: h rows at h + r*hs bytes, accumulator rows at ws + r*wsr bytes.
// Several rows: 4 strips at a time (16 KB for H = 256, kept in L1) while every row pair streams
// past them, sharing each weight load between the pair; an odd last row runs alone.
// @ts-ignore: decorator
@inline export function rnnMatvecBatch(
  ns: usize, kc: usize, w: usize, sb: usize,
  h: usize, hs: usize, b: usize, ws: usize, wsr: usize,
): void {
  const pairs = b >> 1;
  let s: usize = 0;
  for (; s + 4 <= ns; s += 4) {
    for (let q: usize = 0; q < pairs; q++) {
      const r = q << 1;
      strips2(4, kc, w + s * sb, sb, h + r * hs, h + (r + 1) * hs, ws + r * wsr + (s << 4), ws + (r + 1) * wsr + (s << 4));
    }
  }
  const rem = ns - s;
  if (rem != 0) {
    for (let q: usize = 0; q < pairs; q++) {
      const r = q << 1;
      const o = s << 4;
      if (rem == 3) strips2(3, kc, w + s * sb, sb, h + r * hs, h + (r + 1) * hs, ws + r * wsr + o, ws + (r + 1) * wsr + o);
      else if (rem == 2) strips2(2, kc, w + s * sb, sb, h + r * hs, h + (r + 1) * hs, ws + r * wsr + o, ws + (r + 1) * wsr + o);
      else strips2(1, kc, w + s * sb, sb, h + r * hs, h + (r + 1) * hs, ws + r * wsr + o, ws + (r + 1) * wsr + o);
    }
  }
  if (b & 1) rowAll(ns, kc, w, sb, h + (b - 1) * hs, ws + (b - 1) * wsr);
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
