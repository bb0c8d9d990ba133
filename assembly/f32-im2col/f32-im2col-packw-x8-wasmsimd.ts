// f32_im2col_packw_x8__wasmsimd: out = the GEMM's packed B (x32_packw_gemm_gio format, nr = 8) of
// col[(ci*kh + ky)*kw + kx][j] = x[ci][oy*sh-ph+ky*dh][ox*sw-pw+kx*dw], j = (oy-oy0)*ow + ox
// (0 where the tap falls in the padding), for ci < c, oy0 <= oy < oy0+noy, ox < ow: im2col
// written straight into the panels, so the conv path skips the separate pack pass.
// Operands: geometry block g (assembly/common/conv-geom.ts); x: NCHW planes of one image, c
// channels of h*w floats; out: ceil(N/8) panels, N = noy*ow, each 8 zero "bias" floats then
// K = c*kh*kw rows of 8 columns (columns past N zero): ceil(N/8) * 8 * (K+1) floats.
// Tile: per block of 8 channels, one panel (8 output positions) at a time; a panel inside one output row
// whose taps are all inside the input row copies 2 vectors (stride 1) or gathers them with
// shuffles (stride 2); any other panel (row crossing, borders, tail, other strides) goes lane
// by lane.
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
        // Lane by lane: the panel crosses output rows or is the ragged tail (or stride > 2). The
        // lanes run in segments of one output row each (iy checked once per segment).
        for (let ci = c0; ci < c1; ci++) {
          for (let ky = 0; ky < kh; ky++) {
            for (let kx = 0; kx < kw; kx++) {
              let l = 0, oyS = oy, oxS = ox0;
              while (l < 8) {
                let len = min(8 - l, ow - oxS);
                if (j0 + l >= n) len = 8 - l; // past N: zero columns
                const iy = oyS * sh - ph + ky * dh;
                if (j0 + l >= n || iy < 0 || iy >= h) {
                  for (let e = 0; e < len; e++) store<f32>(dst + (<usize>(l + e) << 2), 0);
                } else {
                  const row = plane + (<usize>(iy * w) << 2);
                  let ix = oxS * sw - pw + kx * dw;
                  for (let e = 0; e < len; e++) {
                    store<f32>(dst + (<usize>(l + e) << 2), ix >= 0 && ix < w ? load<f32>(row + (<usize>ix << 2)) : 0);
                    ix += sw;
                  }
                }
                l += len;
                oyS++;
                oxS = 0;
              }
              dst += 32;
            }
          }
          plane += planeBytes;
        }
      }
    }
  }
}
