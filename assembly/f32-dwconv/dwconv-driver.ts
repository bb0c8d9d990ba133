// The loop nest shared by every f32_dwconv_* kernel (@inline; k and s are compile-time constants
// at each call site, so the optimizer keeps one interior loop per kernel; k = 0 is the generic;
// M = Unfused | Fused picks mul+add or relaxed_madd, see dwconv-common.ts).
//   y[o][oy][ox] = clamp(bias[o] + sum_{ky,kx} w[o][ky][kx] * x[o / mult][oy*sh-ph+ky*dh][ox*sw-pw+kx*dw], lo, hi)
// Input rows are staged once each into a ring of zero-padded rows in the workspace (padding
// columns stay zero; padding rows read an all-zero row), so every output column, borders
// included, is computed 4 at a time with no bounds checks. A ragged right end is one vector
// overlapping the previous one (ow >= 4) or a partial lane store (ow < 4).
// Workspace ws: (span + 1) rows of ldws floats, span = (kh-1)*dh + 1 (ring) plus one zero row;
// ldws >= the asserted need below (dwconvWorkspace() in src/ops/conv2d.ts computes the same).
// 3x3 stride 1 takes 16, then 8 columns per step (accumulator chains over shuffled windows of 5 or
// 3 aligned loads per kernel row; then the 4-column loop), skipping the clamp when lo/hi are +-inf.
import { G_H, G_W, G_OH, G_OW, G_KH, G_KW, G_SH, G_SW, G_PH, G_PW, G_DH, G_DW, geom, load4 } from '../common/conv-geom';
import { clampV, madd, storeLanes, taps3s1, taps3s2, taps5s1, taps5s2 } from './dwconv-common';

// @ts-ignore: decorator
@inline export function dwconvDriver<M>(
  k: i32, s: i32,
  g: usize, channels: usize, mult: usize,
  x: usize, wts: usize, bias: usize, ws: usize, ldws: usize, y: usize, lo: f32, hi: f32,
): void {
  const h = geom(g, G_H), w = geom(g, G_W), oh = geom(g, G_OH), ow = geom(g, G_OW);
  const kh = geom(g, G_KH), kw = geom(g, G_KW), sh = geom(g, G_SH), sw = geom(g, G_SW);
  const ph = geom(g, G_PH), pw = geom(g, G_PW), dh = geom(g, G_DH), dw = geom(g, G_DW);
  assert(channels != 0 && mult != 0 && oh > 0 && ow > 0, 'f32_dwconv: empty problem');
  assert(k == 0 || (kh == k && kw == k && sw == s && dh == 1 && dw == 1), 'f32_dwconv: kernel/geometry mismatch');
  const span = (kh - 1) * dh + 1;
  // Highest padded column any vector reads (+12 covers the stride-2 shuffles' extra lanes).
  const need = max(pw + w, max(ow - 1, 3) * sw + (kw - 1) * dw + 13);
  assert(<i32>ldws >= need, 'f32_dwconv: workspace rows too short');
  const rowBytes = ldws << 2;
  const zrow = ws + <usize>span * rowBytes;
  // Zero the whole workspace once: the padding columns of the ring and the zero row stay zero.
  memory.fill(ws, 0, <usize>(span + 1) * rowBytes);
  const vlo = f32x4.splat(lo), vhi = f32x4.splat(hi);
  const unbounded = lo == -Infinity && hi == Infinity;
  const taps = <usize>(kh * kw);
  const tail = ow & 3;
  const vend = ow - tail;
  let yp = y;
  for (let o: usize = 0; o < channels; o++) {
    const xp = x + (((o / mult) * <usize>(h * w)) << 2);
    const wk = wts + ((o * taps) << 2);
    const vb = f32x4.splat(bias != 0 ? load<f32>(bias + (o << 2)) : 0);
    let w0 = vb, w1 = vb, w2 = vb, w3 = vb, w4 = vb, w5 = vb, w6 = vb, w7 = vb, w8 = vb;
    if (k == 3) {
      w0 = v128.load32_splat(wk); w1 = v128.load32_splat(wk, 4); w2 = v128.load32_splat(wk, 8);
      w3 = v128.load32_splat(wk, 12); w4 = v128.load32_splat(wk, 16); w5 = v128.load32_splat(wk, 20);
      w6 = v128.load32_splat(wk, 24); w7 = v128.load32_splat(wk, 28); w8 = v128.load32_splat(wk, 32);
    }
    let staged = -1 - span; // highest input row staged into the ring for this channel
    for (let oy = 0; oy < oh; oy++) {
      const iy0 = oy * sh - ph;
      // Stage the input rows of this window's span not yet in the ring (the span only moves down).
      const last = min(iy0 + span, h);
      for (let iy = max(max(staged + 1, iy0), 0); iy < last; iy++) {
        staged = iy;
        let d = ws + <usize>(iy % span) * rowBytes + (<usize>pw << 2);
        let src = xp + (<usize>(iy * w) << 2);
        let n = w;
        for (; n >= 4; n -= 4) { v128.store(d, v128.load(src)); d += 16; src += 16; }
        for (; n > 0; n--) { store<f32>(d, load<f32>(src)); d += 4; src += 4; }
      }
      // Rows of the window: ring slot or the zero row.
      const r0 = ringRow(ws, zrow, rowBytes, span, iy0, h), r1 = ringRow(ws, zrow, rowBytes, span, iy0 + 1, h), r2 = ringRow(ws, zrow, rowBytes, span, iy0 + 2, h);
      const r3 = ringRow(ws, zrow, rowBytes, span, iy0 + 3, h), r4 = ringRow(ws, zrow, rowBytes, span, iy0 + 4, h);
      let ox = 0;
      if (k == 3 && s == 1) {
        // 16 columns per step: four accumulator chains; per kernel row 5 aligned loads and the
        // shifted windows by shuffles (palignr). V8 hoists every load of a block to its top, so
        // fewer loads per block is what keeps it out of spills (a 9-load-per-vector tree spilled
        // half its registers: measured 1.29x faster on 128x56x56, simd build).
        for (; ox + 16 <= vend; ox += 16) {
          const p = <usize>ox << 2;
          let a0 = vb, a1 = vb, a2 = vb, a3 = vb;
          for (let ky = 0; ky < 3; ky++) {
            const rp = (ky == 0 ? r0 : ky == 1 ? r1 : r2) + p;
            const wr = wk + (<usize>(ky * 3) << 2);
            const wa = v128.load32_splat(wr), wb = v128.load32_splat(wr, 4), wc = v128.load32_splat(wr, 8);
            const v0 = v128.load(rp), v1 = v128.load(rp, 16), v2 = v128.load(rp, 32), v3 = v128.load(rp, 48), v4 = v128.load(rp, 64);
            a0 = madd<M>(wc, v128.shuffle<f32>(v0, v1, 2, 3, 4, 5), madd<M>(wb, v128.shuffle<f32>(v0, v1, 1, 2, 3, 4), madd<M>(wa, v0, a0)));
            a1 = madd<M>(wc, v128.shuffle<f32>(v1, v2, 2, 3, 4, 5), madd<M>(wb, v128.shuffle<f32>(v1, v2, 1, 2, 3, 4), madd<M>(wa, v1, a1)));
            a2 = madd<M>(wc, v128.shuffle<f32>(v2, v3, 2, 3, 4, 5), madd<M>(wb, v128.shuffle<f32>(v2, v3, 1, 2, 3, 4), madd<M>(wa, v2, a2)));
            a3 = madd<M>(wc, v128.shuffle<f32>(v3, v4, 2, 3, 4, 5), madd<M>(wb, v128.shuffle<f32>(v3, v4, 1, 2, 3, 4), madd<M>(wa, v3, a3)));
          }
          if (!unbounded) {
            a0 = clampV(a0, vlo, vhi); a1 = clampV(a1, vlo, vhi); a2 = clampV(a2, vlo, vhi); a3 = clampV(a3, vlo, vhi);
          }
          v128.store(yp + p, a0); v128.store(yp + p, a1, 16); v128.store(yp + p, a2, 32); v128.store(yp + p, a3, 48);
        }
        // Then 8 columns per step, the same way with two chains.
        for (; ox + 8 <= vend; ox += 8) {
          const p = <usize>ox << 2;
          let a0 = vb, a1 = vb;
          for (let ky = 0; ky < 3; ky++) {
            const rp = (ky == 0 ? r0 : ky == 1 ? r1 : r2) + p;
            const wr = wk + (<usize>(ky * 3) << 2);
            const wa = v128.load32_splat(wr), wb = v128.load32_splat(wr, 4), wc = v128.load32_splat(wr, 8);
            const v0 = v128.load(rp), v1 = v128.load(rp, 16), v2 = v128.load(rp, 32);
            a0 = madd<M>(wc, v128.shuffle<f32>(v0, v1, 2, 3, 4, 5), madd<M>(wb, v128.shuffle<f32>(v0, v1, 1, 2, 3, 4), madd<M>(wa, v0, a0)));
            a1 = madd<M>(wc, v128.shuffle<f32>(v1, v2, 2, 3, 4, 5), madd<M>(wb, v128.shuffle<f32>(v1, v2, 1, 2, 3, 4), madd<M>(wa, v1, a1)));
          }
          if (!unbounded) {
            a0 = clampV(a0, vlo, vhi); a1 = clampV(a1, vlo, vhi);
          }
          v128.store(yp + p, a0); v128.store(yp + p, a1, 16);
        }
      }
      for (; ox < ow; ox += 4) {
        let oc = ox;
        if (ox >= vend) oc = ow >= 4 ? ow - 4 : 0; // ragged end: overlap, or partial store below
        const p = <usize>(oc * sw) << 2;
        let acc: v128;
        if (k == 3 && s == 1) {
          acc = f32x4.add(f32x4.add(vb, taps3s1<M>(r0 + p, w0, w1, w2)), f32x4.add(taps3s1<M>(r1 + p, w3, w4, w5), taps3s1<M>(r2 + p, w6, w7, w8)));
        } else if (k == 3) {
          acc = f32x4.add(f32x4.add(vb, taps3s2<M>(r0 + p, w0, w1, w2)), f32x4.add(taps3s2<M>(r1 + p, w3, w4, w5), taps3s2<M>(r2 + p, w6, w7, w8)));
        } else if (k == 5 && s == 1) {
          acc = f32x4.add(f32x4.add(vb, taps5s1<M>(r0 + p, wk)), f32x4.add(taps5s1<M>(r1 + p, wk + 20), taps5s1<M>(r2 + p, wk + 40)));
          acc = f32x4.add(acc, f32x4.add(taps5s1<M>(r3 + p, wk + 60), taps5s1<M>(r4 + p, wk + 80)));
        } else if (k == 5) {
          acc = f32x4.add(f32x4.add(vb, taps5s2<M>(r0 + p, wk)), f32x4.add(taps5s2<M>(r1 + p, wk + 20), taps5s2<M>(r2 + p, wk + 40)));
          acc = f32x4.add(acc, f32x4.add(taps5s2<M>(r3 + p, wk + 60), taps5s2<M>(r4 + p, wk + 80)));
        } else {
          acc = vb;
          const swu = <usize>sw;
          for (let ky = 0; ky < kh; ky++) {
            const rp = ringRow(ws, zrow, rowBytes, span, iy0 + ky * dh, h) + p;
            const wr = wk + (<usize>(ky * kw) << 2);
            for (let kx = 0; kx < kw; kx++) {
              acc = madd<M>(v128.load32_splat(wr + (<usize>kx << 2)), load4(rp + (<usize>(kx * dw) << 2), swu), acc);
            }
          }
        }
        acc = clampV(acc, vlo, vhi);
        if (ow >= 4) v128.store(yp + (<usize>oc << 2), acc);
        else storeLanes(yp, acc, ow);
      }
      yp += <usize>ow << 2;
    }
  }
}

// Ring slot of input row iy, or the zero row when iy is padding.
// @ts-ignore: decorator
@inline function ringRow(ws: usize, zrow: usize, rowBytes: usize, span: i32, iy: i32, h: i32): usize {
  return iy < 0 || iy >= h ? zrow : ws + <usize>(iy % span) * rowBytes;
}
