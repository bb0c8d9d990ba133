// x8_im2col_nhwc__wasmsimd: the patch rows of an int8 convolution from NHWC byte codes:
//   out[(oy - oy0) * ow + ox][(ky * kw + kx) * c + ci] = q[(iy * w + ix) * ldq + ci]
//   with iy = oy*sh - ph + ky*dh, ix = ox*sw - pw + kx*dw, and the byte `pad` where the tap falls in
//   the padding (the zero point: the code of 0.0), for oy0 <= oy < oy0 + noy, ox < ow, ci < c;
//   bytes [kh*kw*c, kp) of each row are 0 (they meet the zero-padded K of the int8 weight panels).
// Operands: geometry block g (assembly/common/conv-geom.ts); q: h*w pixel rows of ldq bytes (one
//   group's channels start at q; ldq = all channels); out: noy*ow rows of kp bytes.
// Tile: one tap (c bytes) per step as 16-byte copies that may run past the tap: the next tap, the
//   row's zero tail or the next row overwrite the excess, so the kernel WRITES UP TO 16 B PAST the
//   last row (size out as noy*ow*kp + 16) and reads up to 16 B past a pixel's c bytes (the arena's
//   tail padding covers the last pixel).
// Preconditions: c, noy >= 1; oy0 + noy <= oh; kp >= kh*kw*c, kp % 4 == 0; ldq >= c; pad < 128.
import { G_H, G_W, G_OW, G_OH, G_KH, G_KW, G_SH, G_SW, G_PH, G_PW, G_DH, G_DW, geom } from '../common/conv-geom';

export function x8_im2col_nhwc__wasmsimd(g: usize, c: usize, q: usize, ldq: usize, oy0: usize, noy: usize, pad: i32, kp: usize, out: usize): void {
  const h = geom(g, G_H), w = geom(g, G_W), oh = geom(g, G_OH), ow = geom(g, G_OW);
  const kh = geom(g, G_KH), kw = geom(g, G_KW), sh = geom(g, G_SH), sw = geom(g, G_SW);
  const ph = geom(g, G_PH), pw = geom(g, G_PW), dh = geom(g, G_DH), dw = geom(g, G_DW);
  const kk = <usize>(kh * kw) * c;
  assert(c != 0 && noy != 0 && <i32>(oy0 + noy) <= oh && kp >= kk && (kp & 3) == 0 && ldq >= c && pad >= 0 && pad < 128, 'x8_im2col_nhwc: bad tile');
  const vpad = i8x16.splat(<i8>pad);
  const vzero = i8x16.splat(0);
  let row = out;
  for (let oy = <i32>oy0; oy < <i32>(oy0 + noy); oy++) {
    for (let ox = 0; ox < ow; ox++) {
      let d = row;
      for (let ky = 0; ky < kh; ky++) {
        const iy = oy * sh - ph + ky * dh;
        const rowIn = iy >= 0 && iy < h;
        for (let kx = 0; kx < kw; kx++) {
          const ix = ox * sw - pw + kx * dw;
          if (rowIn && ix >= 0 && ix < w) {
            let s = q + <usize>(iy * w + ix) * ldq;
            let dd = d;
            for (let n = <isize>c; n > 0; n -= 16) {
              v128.store(dd, v128.load(s));
              s += 16;
              dd += 16;
            }
          } else {
            let dd = d;
            for (let n = <isize>c; n > 0; n -= 16) {
              v128.store(dd, vpad);
              dd += 16;
            }
          }
          d += c;
        }
      }
      for (let n = <isize>(kp - kk); n > 0; n -= 16) {
        v128.store(d, vzero);
        d += 16;
      }
      row += kp;
    }
  }
}
