/**
 * f32_col2im__wasmsimd (the scatter half of a transposed convolution) against a float64 scatter
 * of the same cols over strides, dilations, negative and positive padding and row blocks, with
 * NaN-guarded output.
 */
import { describe, it } from 'vitest';
import { engineFor, runnableBuilds } from '../helpers/engines.js';
import { Rng } from '../helpers/rng.js';
import { expectClose, geomBlock } from '../helpers/geom.js';
import { input, output } from '../helpers/guarded.js';

const SEED = 9091;

describe.each(runnableBuilds())('f32_col2im [%s build]', (build) => {
  it('f32_col2im scatters every tap (strides, dilation, negative and positive padding), guards intact', async () => {
    const e = await engineFor(build);
    const rng = new Rng(SEED);
    for (const [h, w, k, s, p, d] of [[3, 5, 3, 2, 1, 1], [4, 7, 2, 1, 0, 2], [1, 9, 4, 3, -1, 1], [5, 5, 1, 1, 0, 1], [2, 13, 5, 2, 2, 1]]) {
      const oh = (h - 1) * s + d * (k - 1) + 1 - 2 * p, ow = (w - 1) * s + d * (k - 1) + 1 - 2 * p;
      const ch = 3;
      for (const [iy0, niy] of [[0, h], [h - 1, 1]]) {
        const cols = rng.f32(ch * k * k * niy * w);
        const cb = input(e, cols);
        const y = output(e, ch * oh * ow, 0);
        const g = geomBlock(e, { h, w, oh, ow, kh: k, kw: k, sh: s, sw: s, ph: p, pw: p, dh: d, dw: d });
        e.k.f32_col2im__wasmsimd(g.ptr, ch, iy0, niy, cb.ptr, y.ptr);
        const label = `seed=${SEED} col2im h=${h} w=${w} k=${k} s=${s} p=${p} d=${d} rows=${iy0}+${niy}`;
        y.checkGuards(label);
        const ref = new Float64Array(ch * oh * ow);
        for (let c = 0; c < ch; c++) for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) for (let r = 0; r < niy; r++) for (let ix = 0; ix < w; ix++) {
          const oy = (iy0 + r) * s - p + ky * d, ox = ix * s - p + kx * d;
          if (oy >= 0 && oy < oh && ox >= 0 && ox < ow) ref[(c * oh + oy) * ow + ox] += cols[(((c * k + ky) * k + kx) * niy + r) * w + ix];
        }
        expectClose(label, y.read(), ref, 1e-6);
        for (const b of [cb, y, g]) b.free();
      }
    }
  });

});
