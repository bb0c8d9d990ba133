// f32_im2col__wasmsimd: col[(ci*kh + ky)*kw + kx][(oy-oy0)*ow + ox] = x[ci][oy*sh-ph+ky*dh][ox*sw-pw+kx*dw]
// (0 where the tap falls in the padding), for ci < c, oy0 <= oy < oy0+noy, ox < ow.
// Operands: geometry block g (assembly/common/conv-geom.ts); x: NCHW planes of one image, c
// channels of h*w floats; col: row-major [c*kh*kw, noy*ow] (the GEMM's B as [K, N]).
// Tile: a whole output row per (ci, ky, kx); stride 1 copies 8/4 floats per step, stride 2
// gathers 4 via shuffle, other strides lane by lane.
// Preconditions: c, noy >= 1; oy0 + noy <= oh. Reads up to 16 B past x's last float; never
// writes outside col's c*kh*kw*noy*ow floats.
import { G_H, G_W, G_OH, G_OW, G_KH, G_KW, G_SH, G_SW, G_PH, G_PW, G_DH, G_DW, geom, load4 } from '../common/conv-geom';

// @ts-ignore: decorator
@inline function zeroFill(p: usize, n: i32): void {
  const z = f32x4.splat(0);
  for (; n >= 4; n -= 4) { v128.store(p, z); p += 16; }
  for (; n > 0; n--) { store<f32>(p, 0); p += 4; }
}

export function f32_im2col__wasmsimd(g: usize, c: usize, oy0: usize, noy: usize, x: usize, col: usize): void {
  const h = geom(g, G_H), w = geom(g, G_W), oh = geom(g, G_OH), ow = geom(g, G_OW);
  const kh = geom(g, G_KH), kw = geom(g, G_KW), sh = geom(g, G_SH), sw = geom(g, G_SW);
  const ph = geom(g, G_PH), pw = geom(g, G_PW), dh = geom(g, G_DH), dw = geom(g, G_DW);
  assert(c != 0 && noy != 0 && <i32>(oy0 + noy) <= oh, 'f32_im2col: bad tile');
  const swu = <usize>sw;
  let dst = col;
  for (let ci: usize = 0; ci < c; ci++) {
    const plane = x + ((ci * <usize>(h * w)) << 2);
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++) {
        // Output columns [a, b) read inside the row; the rest is padding.
        const off = kx * dw - pw;
        let a = off >= 0 ? 0 : (-off + sw - 1) / sw;
        const num = w - 1 - off;
        let b = num < 0 ? 0 : num / sw + 1;
        if (b > ow) b = ow;
        if (a > b) a = b;
        for (let oy = <i32>oy0; oy < <i32>(oy0 + noy); oy++) {
          const iy = oy * sh - ph + ky * dh;
          if (iy < 0 || iy >= h) {
            zeroFill(dst, ow);
            dst += <usize>ow << 2;
            continue;
          }
          zeroFill(dst, a);
          let d = dst + (<usize>a << 2);
          let s = plane + (<usize>(iy * w + a * sw + off) << 2);
          let n = b - a;
          if (sw == 1) {
            for (; n >= 8; n -= 8) {
              const v0 = v128.load(s);
              const v1 = v128.load(s, 16);
              v128.store(d, v0);
              v128.store(d, v1, 16);
              s += 32; d += 32;
            }
          }
          for (; n >= 4; n -= 4) {
            v128.store(d, load4(s, swu));
            s += swu << 4; d += 16;
          }
          for (; n > 0; n--) {
            store<f32>(d, load<f32>(s));
            s += swu << 2; d += 4;
          }
          zeroFill(d, ow - b);
          dst += <usize>ow << 2;
        }
      }
    }
  }
}
