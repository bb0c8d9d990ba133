// f32_maxpool2d__wasmsimd: y[c][oy][ox] = max over in-range taps of x[c][oy*sh-ph+ky*dh][ox*sw-pw+kx*dw]
// (padding is -inf: never selected; NaN in a window -> NaN, as torch).
// Operands: geometry block g (assembly/common/conv-geom.ts); x: channels planes h*w (NCHW);
// y: channels planes oh*ow.
// Tile: 4 output columns per step in the interior (stride 1 one load, stride 2 load+shuffle,
// other strides lane gathers), border columns one at a time with bounds checks.
// Preconditions: channels, oh, ow >= 1 and every window holds at least one input element (the
// caller enforces pad <= k/2 and the ceil-mode rule). Reads up to 16 B past x; never writes
// outside y's channels*oh*ow floats.
import { G_H, G_W, G_OH, G_OW, G_KH, G_KW, G_SH, G_SW, G_PH, G_PW, G_DH, G_DW, geom, interiorLo, interiorHi, load4 } from '../common/conv-geom';

// @ts-ignore: decorator
@inline function maxPixel(g: usize, xp: usize, iy0: i32, ix0: i32): f32 {
  const h = geom(g, G_H), w = geom(g, G_W), kh = geom(g, G_KH), kw = geom(g, G_KW);
  const dh = geom(g, G_DH), dw = geom(g, G_DW);
  let m: f32 = -Infinity;
  for (let ky = 0; ky < kh; ky++) {
    const iy = iy0 + ky * dh;
    if (iy < 0 || iy >= h) continue;
    for (let kx = 0; kx < kw; kx++) {
      const ix = ix0 + kx * dw;
      if (ix < 0 || ix >= w) continue;
      m = max(m, load<f32>(xp + (<usize>(iy * w + ix) << 2)));
    }
  }
  return m;
}

export function f32_maxpool2d__wasmsimd(g: usize, channels: usize, x: usize, y: usize): void {
  const h = geom(g, G_H), w = geom(g, G_W), oh = geom(g, G_OH), ow = geom(g, G_OW);
  const kh = geom(g, G_KH), kw = geom(g, G_KW), sh = geom(g, G_SH), sw = geom(g, G_SW);
  const ph = geom(g, G_PH), pw = geom(g, G_PW), dh = geom(g, G_DH), dw = geom(g, G_DW);
  assert(channels != 0 && oh > 0 && ow > 0, 'f32_maxpool2d: empty problem');
  const xlo = interiorLo(pw, sw);
  const xhi = interiorHi(w, ow, kw, sw, pw, dw, xlo);
  const swu = <usize>sw;
  let yp = y;
  for (let c: usize = 0; c < channels; c++) {
    const xp = x + ((c * <usize>(h * w)) << 2);
    for (let oy = 0; oy < oh; oy++) {
      const iy0 = oy * sh - ph;
      let ox = 0;
      for (; ox < xlo && ox < ow; ox++) store<f32>(yp + (<usize>ox << 2), maxPixel(g, xp, iy0, ox * sw - pw));
      for (; ox + 4 <= xhi; ox += 4) {
        let m = f32x4.splat(-Infinity);
        for (let ky = 0; ky < kh; ky++) {
          const iy = iy0 + ky * dh;
          if (iy < 0 || iy >= h) continue;
          const rp = xp + (<usize>(iy * w + ox * sw - pw) << 2);
          for (let kx = 0; kx < kw; kx++) m = f32x4.max(m, load4(rp + (<usize>(kx * dw) << 2), swu));
        }
        v128.store(yp + (<usize>ox << 2), m);
      }
      for (; ox < ow; ox++) store<f32>(yp + (<usize>ox << 2), maxPixel(g, xp, iy0, ox * sw - pw));
      yp += <usize>ow << 2;
    }
  }
}
