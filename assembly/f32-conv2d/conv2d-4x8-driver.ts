// The body of f32_conv2d_4x8__wasmsimd and its __wasmrelaxedsimd_fma twin (@inline; M = Unfused |
// Fused picks mul+add or relaxed_madd, see assembly/f32-dwconv/dwconv-common.ts), and the
// workspace size helper f32_conv2d_4x8_ws_floats. Contract: see the kernel files.
import { G_H, G_W, G_OH, G_OW, G_KH, G_KW, G_SH, G_SW, G_PH, G_PW, G_DH, G_DW, geom, load4 } from '../common/conv-geom';
import { madd } from '../f32-dwconv/dwconv-common';

// Floats of one phase of a staged row: columns ox + (kx*dw)/sw for ox < roundUp(ow, 8).
// @ts-ignore: decorator
@inline function phaseLen(ow: i32, kw: i32, sw: i32, dw: i32): i32 {
  return ((((ow + 7) & ~7) + ((kw - 1) * dw) / sw + 3) & ~3);
}

// Workspace floats the kernel needs (src/ops/conv2d.ts computes the same).
export function f32_conv2d_4x8_ws_floats(g: usize, c: usize, o: usize): usize {
  const ow = geom(g, G_OW), kh = geom(g, G_KH), kw = geom(g, G_KW), sw = geom(g, G_SW), dw = geom(g, G_DW);
  const k = c * <usize>(kh * kw);
  return ((o + 3) >> 2) * (k + 1) * 8 + c * <usize>kh * <usize>sw * <usize>phaseLen(ow, kw, sw, dw);
}

// @ts-ignore: decorator
@inline function storeCols(p: usize, v0: v128, v1: v128, n: i32): void {
  if (n >= 8) { v128.store(p, v0); v128.store(p, v1, 16); return; }
  let v = v0;
  if (n >= 4) { v128.store(p, v0); v = v1; p += 16; n -= 4; }
  if (n > 0) store<f32>(p, f32x4.extract_lane(v, 0));
  if (n > 1) store<f32>(p, f32x4.extract_lane(v, 1), 4);
  if (n > 2) store<f32>(p, f32x4.extract_lane(v, 2), 8);
}

// @ts-ignore: decorator
@inline function clamp2(v: v128, lo: v128, hi: v128, bounded: bool): v128 {
  return bounded ? f32x4.pmin(f32x4.pmax(v, lo), hi) : v;
}

// @ts-ignore: decorator
@inline export function conv2dDriver4x8<M>(
  g: usize, c: usize, o: usize, x: usize, w: usize, bias: usize, ws: usize, y: usize, lo: f32, hi: f32,
): void {
  const h = geom(g, G_H), iw = geom(g, G_W), oh = geom(g, G_OH), ow = geom(g, G_OW);
  const kh = geom(g, G_KH), kw = geom(g, G_KW), sh = geom(g, G_SH), sw = geom(g, G_SW);
  const ph = geom(g, G_PH), pw = geom(g, G_PW), dh = geom(g, G_DH), dw = geom(g, G_DW);
  assert(c != 0 && o != 0 && oh > 0 && ow > 0 && (ws & 15) == 0, 'f32_conv2d_4x8: bad arguments');
  const k = c * <usize>(kh * kw);
  const blocks = (o + 3) >> 2;
  // 1. Weights and tap offsets: per block of 4 output channels, 8 floats [4 bias, 0 x 4], then per
  // tap t (k of them) 8 slots [4 weights][byte offset of the tap's staged data][3 unused]: one
  // pointer walks both. Zero past o. Staged row r = ci*kh + ky, then phase (kx*dw) % sw and
  // shift (kx*dw) / sw inside it.
  const L = phaseLen(ow, kw, sw, dw);
  const rowBytes = <usize>(sw * L) << 2;
  const rows = c * <usize>kh;
  const blockBytes = (k + 1) << 5;
  let d = ws;
  for (let ob: usize = 0; ob < blocks; ob++) {
    for (let i: usize = 0; i < 4; i++) {
      const oc = ob * 4 + i;
      store<f32>(d + (i << 2), oc < o && bias != 0 ? load<f32>(bias + (oc << 2)) : 0);
      store<f32>(d + ((4 + i) << 2), 0);
      for (let r: usize = 0; r < k; r++) store<f32>(d + ((r + 1) << 5) + (i << 2), oc < o ? load<f32>(w + ((oc * k + r) << 2)) : 0);
    }
    for (let r: usize = 0; r < rows; r++) {
      for (let kx = 0; kx < kw; kx++) {
        const tp = d + ((r * <usize>kw + <usize>kx + 1) << 5);
        store<u32>(tp, <u32>(r * rowBytes) + <u32>((((kx * dw) % sw) * L + (kx * dw) / sw) << 2), 16);
        store<u32>(tp, 0, 20); store<u32>(tp, 0, 24); store<u32>(tp, 0, 28);
      }
    }
    d += blockBytes;
  }
  const stage = d;
  const bounded = !(lo == -Infinity && hi == Infinity);
  const vlo = f32x4.splat(lo), vhi = f32x4.splat(hi);
  const planeIn = <usize>(h * iw) << 2;
  const planeOut = <usize>(oh * ow) << 2;
  for (let oy = 0; oy < oh; oy++) {
    // 3. Stage the c*kh input rows of this output row: phase p, column j = padded column j*sw + p.
    // Per phase the columns inside the input row are one strided run: copied by vectors
    // (stride 1: loads; stride 2: load4 gathers), the padding columns around it zeroed.
    let sd = stage;
    for (let ci: usize = 0; ci < c; ci++) {
      for (let ky = 0; ky < kh; ky++) {
        const iy = oy * sh - ph + ky * dh;
        if (iy < 0 || iy >= h) {
          memory.fill(sd, 0, rowBytes);
          sd += rowBytes;
          continue;
        }
        const src = x + ci * planeIn + (<usize>(iy * iw) << 2);
        for (let p = 0; p < sw; p++) {
          // Columns j with 0 <= j*sw + p - pw < iw.
          const jlo = min(L, pw > p ? (pw - p + sw - 1) / sw : 0);
          const top = iw - 1 - p + pw;
          const jhi = max(jlo, min(L, top < 0 ? 0 : top / sw + 1));
          let j = 0;
          for (; j < jlo; j++) store<f32>(sd + (<usize>j << 2), 0);
          let sp = src + (<usize>(jlo * sw + p - pw) << 2);
          if (sw == 1) {
            for (; j + 4 <= jhi; j += 4) { v128.store(sd + (<usize>j << 2), v128.load(sp)); sp += 16; }
          } else if (sw == 2) {
            for (; j + 4 <= jhi; j += 4) { v128.store(sd + (<usize>j << 2), load4(sp, 2)); sp += 32; }
          }
          for (; j < jhi; j++) { store<f32>(sd + (<usize>j << 2), load<f32>(sp)); sp += <usize>sw << 2; }
          for (; j < L; j++) store<f32>(sd + (<usize>j << 2), 0);
          sd += <usize>L << 2;
        }
      }
    }
    // 4. 4 output channels x 8 columns per tile, one tap per step.
    let wb = ws;
    for (let ob: usize = 0; ob < blocks; ob++) {
      const nrow = <i32>min<usize>(4, o - ob * 4);
      const yb = y + ob * 4 * planeOut + (<usize>(oy * ow) << 2);
      for (let ox0 = 0; ox0 < ow; ox0 += 8) {
        const b0 = v128.load32_splat(wb), b1 = v128.load32_splat(wb, 4), b2 = v128.load32_splat(wb, 8), b3 = v128.load32_splat(wb, 12);
        let a00 = b0, a01 = b0, a10 = b1, a11 = b1, a20 = b2, a21 = b2, a30 = b3, a31 = b3;
        const rp = stage + (<usize>ox0 << 2);
        const wend = wb + blockBytes;
        for (let wp = wb + 32; wp < wend; wp += 32) {
          const s = rp + <usize>load<u32>(wp, 16);
          const v0 = v128.load(s), v1 = v128.load(s, 16);
          let wv = v128.load32_splat(wp);
          a00 = madd<M>(wv, v0, a00); a01 = madd<M>(wv, v1, a01);
          wv = v128.load32_splat(wp, 4);
          a10 = madd<M>(wv, v0, a10); a11 = madd<M>(wv, v1, a11);
          wv = v128.load32_splat(wp, 8);
          a20 = madd<M>(wv, v0, a20); a21 = madd<M>(wv, v1, a21);
          wv = v128.load32_splat(wp, 12);
          a30 = madd<M>(wv, v0, a30); a31 = madd<M>(wv, v1, a31);
        }
        const n = ow - ox0;
        const yp = yb + (<usize>ox0 << 2);
        storeCols(yp, clamp2(a00, vlo, vhi, bounded), clamp2(a01, vlo, vhi, bounded), n);
        if (nrow > 1) storeCols(yp + planeOut, clamp2(a10, vlo, vhi, bounded), clamp2(a11, vlo, vhi, bounded), n);
        if (nrow > 2) storeCols(yp + 2 * planeOut, clamp2(a20, vlo, vhi, bounded), clamp2(a21, vlo, vhi, bounded), n);
        if (nrow > 3) storeCols(yp + 3 * planeOut, clamp2(a30, vlo, vhi, bounded), clamp2(a31, vlo, vhi, bounded), n);
      }
      wb += blockBytes;
    }
  }
}
