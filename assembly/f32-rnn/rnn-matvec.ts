// Recurrent matvec shared by the f32 rnn/gru/lstm sequence kernels (@inline helpers only).
//
// Maths: for each batch row r and panel p: acc[r][p] = bias[p] + sum_{k<kc} h_r[k] * W[p][k],
// where a "column" of a panel is one output of W_hh·h + b_hh, 4*nv columns per panel.
// Packed W_hh (built once by src/ops/rnn-pack.ts): np panels, each (H + 1) x nv v128, K-major:
//   [bias: nv v128][k=0: nv v128][k=1: nv v128] ... [k=H-1: nv v128]
// panel stride ps = (H + 1) * nv * 16 bytes; columns past the layer's end are zero.
// The column order inside a panel is the calling kernel's (gate-interleaved; see each kernel).
// Output: ws + r * wsr + p * nv * 16 holds the nv accumulators of panel p for row r (16 B aligned).
// nv is 3 or 4 and a constant at every call site (the branches on it fold away after inlining).
// kc = 0 means h = 0 (no initial state): the accumulators are the bias alone, h is not read.
// Reads h_r[0..kc), never past; writes exactly np * nv * 16 bytes per row of ws.

// One panel, two rows: 2*nv accumulators sharing each weight load. pw: the panel; ws0/ws1: where
// the rows' nv accumulators go.
// @ts-ignore: decorator
@inline function panel2(nv: i32, kc: usize, pw: usize, h0: usize, h1: usize, ws0: usize, ws1: usize): void {
  const vb: usize = <usize>nv << 4;
  let va00 = v128.load(pw);
  let va01 = v128.load(pw, 16);
  let va02 = v128.load(pw, 32);
  let va03 = nv == 4 ? v128.load(pw, 48) : f32x4.splat(0);
  let va10 = va00;
  let va11 = va01;
  let va12 = va02;
  let va13 = va03;
  pw += vb;
  let ph0 = h0;
  let ph1 = h1;
  for (let k: usize = 0; k < kc; k++) {
    const vh0 = v128.load32_splat(ph0);
    const vh1 = v128.load32_splat(ph1);
    ph0 += 4;
    ph1 += 4;
    const vw0 = v128.load(pw);
    const vw1 = v128.load(pw, 16);
    const vw2 = v128.load(pw, 32);
    va00 = f32x4.add(va00, f32x4.mul(vw0, vh0));
    va10 = f32x4.add(va10, f32x4.mul(vw0, vh1));
    va01 = f32x4.add(va01, f32x4.mul(vw1, vh0));
    va11 = f32x4.add(va11, f32x4.mul(vw1, vh1));
    va02 = f32x4.add(va02, f32x4.mul(vw2, vh0));
    va12 = f32x4.add(va12, f32x4.mul(vw2, vh1));
    if (nv == 4) {
      const vw3 = v128.load(pw, 48);
      va03 = f32x4.add(va03, f32x4.mul(vw3, vh0));
      va13 = f32x4.add(va13, f32x4.mul(vw3, vh1));
    }
    pw += vb;
  }
  v128.store(ws0, va00);
  v128.store(ws0, va01, 16);
  v128.store(ws0, va02, 32);
  v128.store(ws1, va10);
  v128.store(ws1, va11, 16);
  v128.store(ws1, va12, 32);
  if (nv == 4) {
    v128.store(ws0, va03, 48);
    v128.store(ws1, va13, 48);
  }
}

// One panel, one row (nv accumulators).
// @ts-ignore: decorator
@inline function panel1(nv: i32, kc: usize, pw: usize, h0: usize, ws0: usize): void {
  const vb: usize = <usize>nv << 4;
  let va0 = v128.load(pw);
  let va1 = v128.load(pw, 16);
  let va2 = v128.load(pw, 32);
  let va3 = nv == 4 ? v128.load(pw, 48) : f32x4.splat(0);
  pw += vb;
  let ph = h0;
  for (let k: usize = 0; k < kc; k++) {
    const vh = v128.load32_splat(ph);
    ph += 4;
    va0 = f32x4.add(va0, f32x4.mul(v128.load(pw), vh));
    va1 = f32x4.add(va1, f32x4.mul(v128.load(pw, 16), vh));
    va2 = f32x4.add(va2, f32x4.mul(v128.load(pw, 32), vh));
    if (nv == 4) va3 = f32x4.add(va3, f32x4.mul(v128.load(pw, 48), vh));
    pw += vb;
  }
  v128.store(ws0, va0);
  v128.store(ws0, va1, 16);
  v128.store(ws0, va2, 32);
  if (nv == 4) v128.store(ws0, va3, 48);
}

// Every row of a batch: h rows at h + r*hs bytes, accumulator rows at ws + r*wsr bytes.
// One row: two panels at a time. Several rows: panel by panel (the panel stays in L1 while every
// row pair streams past it), rows two at a time sharing each weight load.
// @ts-ignore: decorator
@inline export function rnnMatvecBatch(
  nv: i32, np: usize, kc: usize, w: usize, ps: usize,
  h: usize, hs: usize, b: usize, ws: usize, wsr: usize,
): void {
  if (b == 1) {
    rnnMatvec1(nv, np, kc, w, ps, h, ws);
    return;
  }
  const vb: usize = <usize>nv << 4;
  for (let p: usize = 0; p < np; p++) {
    const pw = w + p * ps;
    const o = p * vb;
    let r: usize = 0;
    for (; r + 2 <= b; r += 2) {
      panel2(nv, kc, pw, h + r * hs, h + (r + 1) * hs, ws + r * wsr + o, ws + (r + 1) * wsr + o);
    }
    if (r < b) panel1(nv, kc, pw, h + r * hs, ws + r * wsr + o);
  }
}

// One row, two panels at a time (2*nv independent accumulators hide the add latency).
// @ts-ignore: decorator
@inline export function rnnMatvec1(nv: i32, np: usize, kc: usize, w: usize, ps: usize, h0: usize, ws0: usize): void {
  const vb: usize = <usize>nv << 4;
  let p: usize = 0;
  for (; p + 2 <= np; p += 2) {
    let pa = w + p * ps;
    let pb = pa + ps;
    let va0 = v128.load(pa);
    let va1 = v128.load(pa, 16);
    let va2 = v128.load(pa, 32);
    let va3 = nv == 4 ? v128.load(pa, 48) : f32x4.splat(0);
    let vb0 = v128.load(pb);
    let vb1 = v128.load(pb, 16);
    let vb2 = v128.load(pb, 32);
    let vb3 = nv == 4 ? v128.load(pb, 48) : f32x4.splat(0);
    pa += vb;
    pb += vb;
    let ph = h0;
    for (let k: usize = 0; k < kc; k++) {
      const vh = v128.load32_splat(ph);
      ph += 4;
      va0 = f32x4.add(va0, f32x4.mul(v128.load(pa), vh));
      vb0 = f32x4.add(vb0, f32x4.mul(v128.load(pb), vh));
      va1 = f32x4.add(va1, f32x4.mul(v128.load(pa, 16), vh));
      vb1 = f32x4.add(vb1, f32x4.mul(v128.load(pb, 16), vh));
      va2 = f32x4.add(va2, f32x4.mul(v128.load(pa, 32), vh));
      vb2 = f32x4.add(vb2, f32x4.mul(v128.load(pb, 32), vh));
      if (nv == 4) {
        va3 = f32x4.add(va3, f32x4.mul(v128.load(pa, 48), vh));
        vb3 = f32x4.add(vb3, f32x4.mul(v128.load(pb, 48), vh));
      }
      pa += vb;
      pb += vb;
    }
    const o = p * vb;
    v128.store(ws0 + o, va0);
    v128.store(ws0 + o, va1, 16);
    v128.store(ws0 + o, va2, 32);
    v128.store(ws0 + o + vb, vb0);
    v128.store(ws0 + o + vb, vb1, 16);
    v128.store(ws0 + o + vb, vb2, 32);
    if (nv == 4) {
      v128.store(ws0 + o, va3, 48);
      v128.store(ws0 + o + vb, vb3, 48);
    }
  }
  if (p < np) panel1(nv, kc, w + p * ps, h0, ws0 + p * vb);
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
