// f32_col2im__wasmsimd: y[c][oy][ox] += cols[(c*kh + ky)*kw + kx][(iy - iy0)*w + ix] for every
// tap with oy = iy*sh - ph + ky*dh, ox = ix*sw - pw + kx*dw inside the output (the scatter half of
// a transposed convolution: cols = W^T x from the GEMM, one block of input rows iy0..iy0+niy).
// Operands: geometry block g (assembly/common/conv-geom.ts) with h, w = the INPUT plane of the
// transposed convolution, oh, ow = its output plane, kh..dw its window, ph / pw its top / left
// padding (may be negative: an output that extends past the full result); cols: channels*kh*kw
// rows of niy*w floats; y: channels planes oh*ow, accumulated into (the caller fills the bias).
// Tile: 4 input columns per step when sw == 1 (contiguous in cols and y), else one at a time.
// Preconditions: channels, niy >= 1, iy0 + niy <= h. Reads only inside cols; writes only inside y.
import { G_H, G_W, G_OH, G_OW, G_KH, G_KW, G_SH, G_SW, G_PH, G_PW, G_DH, G_DW, geom } from '../common/conv-geom';

export function f32_col2im__wasmsimd(g: usize, channels: usize, iy0: i32, niy: i32, cols: usize, y: usize): void {
  const h = geom(g, G_H), w = geom(g, G_W), oh = geom(g, G_OH), ow = geom(g, G_OW);
  const kh = geom(g, G_KH), kw = geom(g, G_KW), sh = geom(g, G_SH), sw = geom(g, G_SW);
  const ph = geom(g, G_PH), pw = geom(g, G_PW), dh = geom(g, G_DH), dw = geom(g, G_DW);
  assert(channels != 0 && niy > 0 && iy0 >= 0 && iy0 + niy <= h, 'f32_col2im: bad row block');
  const ld = <usize>(niy * w);
  let row = cols;
  for (let c: usize = 0; c < channels; c++) {
    const yc = y + ((c * <usize>(oh * ow)) << 2);
    for (let ky = 0; ky < kh; ky++) {
      for (let kx = 0; kx < kw; kx++) {
        // Input columns whose tap lands inside the output row: ox = ix*sw + ox0 in [0, ow).
        const ox0 = kx * dw - pw;
        const lo = ox0 >= 0 ? 0 : (-ox0 + sw - 1) / sw;
        const last = ow - 1 - ox0;
        const hi = last < 0 ? 0 : min(w, last / sw + 1);
        for (let r = 0; r < niy; r++) {
          const oy = (iy0 + r) * sh - ph + ky * dh;
          if (oy < 0 || oy >= oh || lo >= hi) continue;
          const src = row + (<usize>(r * w) << 2);
          const dst = yc + (<usize>(oy * ow) << 2);
          let ix = lo;
          if (sw == 1) {
            for (; ix + 4 <= hi; ix += 4) {
              const pd = dst + (<usize>(ix + ox0) << 2);
              v128.store(pd, f32x4.add(v128.load(pd), v128.load(src + (<usize>ix << 2))));
            }
          }
          for (; ix < hi; ix++) {
            const pd = dst + (<usize>(ix * sw + ox0) << 2);
            store<f32>(pd, load<f32>(pd) + load<f32>(src + (<usize>ix << 2)));
          }
        }
        row += ld << 2;
      }
    }
  }
}
