// f32_im2col_packw_x8__wasmsimd: out = the GEMM's packed B (x32_packw_gemm_gio format, nr = 8) of
// col[(ci*kh + ky)*kw + kx][j] = x[ci][oy*sh-ph+ky*dh][ox*sw-pw+kx*dw], j = (oy-oy0)*ow + ox
// (0 where the tap falls in the padding), for ci < c, oy0 <= oy < oy0+noy, ox < ow: im2col
// written straight into the panels, so the conv path skips the separate pack pass.
// Operands: geometry block g (assembly/common/conv-geom.ts); x: NCHW planes of one image, c
// channels of h*w floats; out: ceil(N/8) panels, N = noy*ow, each 8 zero "bias" floats then
// K = c*kh*kw rows of 8 columns (columns past N zero): ceil(N/8) * 8 * (K+1) floats.
// Tile: per block of 8 channels, one panel (8 output positions) at a time; a panel inside one output row
// whose taps are all inside the input row copies 2 vectors (stride 1) or gathers them with
// shuffles (stride 2); a panel crossing output rows goes by 4-lane halves (one vector each when
// a half lies in one row), the rest (borders, tail, other strides) lane by lane.
// Preconditions: c, noy >= 1; oy0 + noy <= oh. Reads up to 16 B past x's last float; never
// writes outside out's ceil(N/8) * 8 * (K+1) floats.
import { G_H, G_W, G_OH, G_OW, G_KH, G_KW, G_SH, G_SW, G_PH, G_PW, G_DH, G_DW, geom, load4 } from '../common/conv-geom';

// Channels per block: the panels are filled block by block so the input rows one block reads
// (CB channels x the tile's rows) stay in L1 while every panel takes its CB*kh*kw rows.
const CB: usize = 8;

export function f32_im2col_packw_x8__wasmsimd(g: usize, c: usize, oy0: usize, noy: usize, x: usize, out: usize): void {
  const h = geom(g, G_H), w = geom(g, G_W), oh = geom(g, G_OH), ow = geom(g, G_OW);
  const kh = geom(g, G_KH), kw = geom(g, G_KW), sh = geom(g, G_SH), sw = geom(g, G_SW);
  const ph = geom(g, G_PH), pw = geom(g, G_PW), dh = geom(g, G_DH), dw = geom(g, G_DW);
  assert(c != 0 && noy != 0 && <i32>(oy0 + noy) <= oh, 'f32_im2col_packw_x8: bad tile');
  const n = <i32>noy * ow;
  const planeBytes = <usize>(h * w) << 2;
  const taps = <usize>(kh * kw);
  const panelBytes = (c * taps + 1) << 5;
  const swu = <usize>sw;
  const z = f32x4.splat(0);
  for (let c0: usize = 0; c0 < c; c0 += CB) {
    const c1 = min(c, c0 + CB);
    let pp = out;
    for (let j0 = 0; j0 < n; j0 += 8) {
      if (c0 == 0) {
        v128.store(pp, z);
        v128.store(pp, z, 16);
      }
      let dst = pp + ((1 + c0 * taps) << 5);
      pp += panelBytes;
      const oy = <i32>oy0 + j0 / ow;
      const ox0 = j0 % ow;
      let plane = x + c0 * planeBytes;
      if (ox0 + 8 <= ow && sw <= 2) {
        // One output row: rows of taps are 8 consecutive (stride-1) or every-other (stride-2) floats.
        const ixLast = (ox0 + 7) * sw - pw;
        const inside = sw == 1 && ox0 - pw >= 0 && ixLast + (kw - 1) * dw < w;
        for (let ci = c0; ci < c1; ci++) {
          for (let ky = 0; ky < kh; ky++) {
            const iy = oy * sh - ph + ky * dh;
            if (iy < 0 || iy >= h) {
              for (let kx = 0; kx < kw; kx++) {
                v128.store(dst, z);
                v128.store(dst, z, 16);
                dst += 32;
              }
              continue;
            }
            const row = plane + (<usize>(iy * w) << 2);
            if (inside) {
              // Interior panel at stride 1: every tap of the row is inside, 2 vectors per tap.
              let s = row + (<usize>(ox0 - pw) << 2);
              const dwb = <usize>dw << 2;
              for (let kx = 0; kx < kw; kx++) {
                v128.store(dst, v128.load(s));
                v128.store(dst, v128.load(s, 16), 16);
                s += dwb;
                dst += 32;
              }
              continue;
            }
            for (let kx = 0; kx < kw; kx++) {
              const ix0 = ox0 * sw - pw + kx * dw;
              if (ix0 >= 0 && ixLast + kx * dw < w) {
                const s = row + (<usize>ix0 << 2);
                v128.store(dst, load4(s, swu));
                v128.store(dst, load4(s + (swu << 4), swu), 16);
              } else {
                for (let l = 0; l < 8; l++) {
                  const ix = ix0 + l * sw;
                  store<f32>(dst + (<usize>l << 2), ix >= 0 && ix < w ? load<f32>(row + (<usize>ix << 2)) : 0);
                }
              }
              dst += 32;
            }
          }
          plane += planeBytes;
        }
      } else {
        // The panel crosses output rows or is the ragged tail (or stride > 2): two 4-lane halves,
        // each one load4 per tap when it lies inside one output row and the input row (ow % 4 == 0
        // widths such as 28), else lane by lane in segments of one output row.
        const jB = j0 + 4;
        const oyB = <i32>oy0 + jB / ow, oxB = jB % ow;
        const fitA = sw <= 2 && ox0 + 4 <= ow && j0 + 4 <= n;
        const fitB = sw <= 2 && oxB + 4 <= ow && jB + 4 <= n;
        for (let ci = c0; ci < c1; ci++) {
          for (let ky = 0; ky < kh; ky++) {
            for (let kx = 0; kx < kw; kx++) {
              half4(dst, fitA, j0, n, oy, ox0, plane, h, w, ow, sh, sw, ph, pw, ky * dh, kx * dw);
              half4(dst + 16, fitB, jB, n, oyB, oxB, plane, h, w, ow, sh, sw, ph, pw, ky * dh, kx * dw);
              dst += 32;
            }
          }
          plane += planeBytes;
        }
      }
    }
  }
}

// Four lanes of one tap row: columns j .. j+3 of the tile, the first at output (oyH, oxH). fit:
// all four in one output row with stride <= 2 (then one load4 when the taps are inside the row).
// @ts-ignore: decorator
@inline function half4(d: usize, fit: bool, j: i32, n: i32, oyH: i32, oxH: i32, plane: usize, h: i32, w: i32, ow: i32, sh: i32, sw: i32, ph: i32, pw: i32, kyd: i32, kxd: i32): void {
  if (fit) {
    const iy = oyH * sh - ph + kyd;
    if (iy < 0 || iy >= h) {
      v128.store(d, f32x4.splat(0));
      return;
    }
    const row = plane + (<usize>(iy * w) << 2);
    const ix0 = oxH * sw - pw + kxd;
    if (ix0 >= 0 && ix0 + 3 * sw < w) {
      v128.store(d, load4(row + (<usize>ix0 << 2), <usize>sw));
      return;
    }
    for (let l = 0; l < 4; l++) {
      const ix = ix0 + l * sw;
      store<f32>(d + (<usize>l << 2), ix >= 0 && ix < w ? load<f32>(row + (<usize>ix << 2)) : 0);
    }
    return;
  }
  let l = 0, oyS = oyH, oxS = oxH;
  while (l < 4) {
    let len = min(4 - l, ow - oxS);
    const past = j + l >= n; // past N: zero columns
    if (past) len = 4 - l;
    const iy = oyS * sh - ph + kyd;
    if (past || iy < 0 || iy >= h) {
      for (let e = 0; e < len; e++) store<f32>(d + (<usize>(l + e) << 2), 0);
    } else {
      const row = plane + (<usize>(iy * w) << 2);
      let ix = oxS * sw - pw + kxd;
      for (let e = 0; e < len; e++) {
        store<f32>(d + (<usize>(l + e) << 2), ix >= 0 && ix < w ? load<f32>(row + (<usize>ix << 2)) : 0);
        ix += sw;
      }
    }
    l += len;
    oyS++;
    oxS = 0;
  }
}
