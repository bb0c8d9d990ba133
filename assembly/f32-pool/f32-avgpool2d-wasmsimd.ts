// f32_avgpool2d__wasmsimd: y[c][oy][ox] = (sum of in-range x[c][oy*sh-ph+ky][ox*sw-pw+kx]) / divisor,
// divisor exactly as torch (shared/golden/README.md): with hs = oy*sh-ph, he = min(hs+kh, h+peh),
// pool = (he-hs)*(we-ws) before clipping to the input; countIncludePad ? pool : clipped area.
// peh / pew: the bottom / right padding the divisor counts (torch: = ph / pw; ONNX: pads end).
// Operands: geometry block g (assembly/common/conv-geom.ts; dilation must be 1); x: channels
// planes h*w (NCHW); y: channels planes oh*ow. cip: 1 = count_include_pad; peh, pew >= 0.
// Tile: 4 output columns per step in the interior (stride 1 one load, stride 2 load+shuffle,
// other strides lane gathers), border columns one at a time with bounds checks.
// Preconditions: channels, oh, ow >= 1, every window holds at least one input element (the caller
// enforces pad <= k/2 and the ceil-mode rule). Reads up to 16 B past x; never writes outside y.
import { G_H, G_W, G_OH, G_OW, G_KH, G_KW, G_SH, G_SW, G_PH, G_PW, G_DH, G_DW, geom, interiorLo, interiorHi, load4 } from '../common/conv-geom';

// Extent of the window [s, s+k) along one axis of size n with end padding pend: the count before
// clipping to the input (but after clipping to the padded input) when cip, else the clipped count.
// @ts-ignore: decorator
@inline function extent(s: i32, k: i32, n: i32, pend: i32, cip: i32): i32 {
  let e = s + k;
  if (e > n + pend) e = n + pend;
  if (cip) return e - s;
  return min(e, n) - max(s, 0);
}

export function f32_avgpool2d__wasmsimd(g: usize, channels: usize, cip: i32, peh: i32, pew: i32, x: usize, y: usize): void {
  const h = geom(g, G_H), w = geom(g, G_W), oh = geom(g, G_OH), ow = geom(g, G_OW);
  const kh = geom(g, G_KH), kw = geom(g, G_KW), sh = geom(g, G_SH), sw = geom(g, G_SW);
  const ph = geom(g, G_PH), pw = geom(g, G_PW);
  assert(channels != 0 && oh > 0 && ow > 0, 'f32_avgpool2d: empty problem');
  assert(geom(g, G_DH) == 1 && geom(g, G_DW) == 1, 'f32_avgpool2d: dilation must be 1');
  const xlo = interiorLo(pw, sw);
  const xhi = interiorHi(w, ow, kw, sw, pw, 1, xlo);
  const swu = <usize>sw;
  let yp = y;
  for (let c: usize = 0; c < channels; c++) {
    const xp = x + ((c * <usize>(h * w)) << 2);
    for (let oy = 0; oy < oh; oy++) {
      const iy0 = oy * sh - ph;
      const ey = extent(iy0, kh, h, peh, cip);
      const ya = max(iy0, 0), yb = min(iy0 + kh, h);
      let ox = 0;
      for (; ox < ow; ox++) {
        if (ox == xlo) {
          // Interior: every column tap is inside the row, the column extent is kw.
          const vd = f32x4.splat(<f32>(ey * kw));
          for (; ox + 4 <= xhi; ox += 4) {
            let s = f32x4.splat(0);
            for (let iy = ya; iy < yb; iy++) {
              const rp = xp + (<usize>(iy * w + ox * sw - pw) << 2);
              for (let kx = 0; kx < kw; kx++) s = f32x4.add(s, load4(rp + (<usize>kx << 2), swu));
            }
            v128.store(yp + (<usize>ox << 2), f32x4.div(s, vd));
          }
          if (ox >= ow) break;
        }
        const ix0 = ox * sw - pw;
        const xa = max(ix0, 0), xb = min(ix0 + kw, w);
        let s: f32 = 0;
        for (let iy = ya; iy < yb; iy++) {
          for (let ix = xa; ix < xb; ix++) s += load<f32>(xp + (<usize>(iy * w + ix) << 2));
        }
        store<f32>(yp + (<usize>ox << 2), s / <f32>(ey * extent(ix0, kw, w, pew, cip)));
      }
      yp += <usize>ow << 2;
    }
  }
}
