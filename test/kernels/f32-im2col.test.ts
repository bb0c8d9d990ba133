import { describe, it } from 'vitest';
import { engineFor, runnableBuilds } from '../helpers/engines.js';
import { input, output } from '../helpers/guarded.js';
import { Rng } from '../helpers/rng.js';
import { CONV_GEOMS, expectClose, geomBlock, geomCases } from '../helpers/geom.js';
import { conv2dRef } from '../reference/conv.js';

const SEED = 777;

describe.each(runnableBuilds())('f32_im2col__wasmsimd [%s build]', (build) => {
  it('column tiles times the weights equal a float64 direct convolution (odd sizes, stride, padding, dilation, row tiles)', async () => {
    const e = await engineFor(build);
    const rng = new Rng(SEED);
    let cases = 0;
    for (const c of [1, 3]) for (const gm of geomCases([[7, 5], [1, 1], [5, 13], [4, 33], [9, 2]], CONV_GEOMS.kernels, CONV_GEOMS.strides, CONV_GEOMS.dilations, CONV_GEOMS.paddings)) {
        const { h, w, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw } = gm;
        cases++;
        const k = c * kh * kw;
        const xs = rng.f32(c * h * w);
        const x = input(e, xs);
        const g = geomBlock(e, gm);
        // One output channel per column row: W = identity over K, so the conv of x with the
        // one-hot weight r equals col row r. Checked tile by tile (tile height 1 and 2 and all).
        const ws = new Float32Array(k * k);
        for (let r = 0; r < k; r++) ws[r * k + r] = 1;
        const ref = conv2dRef({ n: 1, c, h, w, o: k, kh, kw, sh, sw, ph, pw, dh, dw, groups: 1, oh, ow }, xs, ws, null);
        for (const tile of [1, 2, oh]) {
          for (let oy0 = 0; oy0 < oh; oy0 += tile) {
            const noy = Math.min(tile, oh - oy0);
            const col = output(e, k * noy * ow);
            const label = `seed=${SEED} c=${c} ${h}x${w} k=${kh}x${kw} s=${sh},${sw} d=${dh},${dw} p=${ph},${pw} tile oy0=${oy0} noy=${noy}`;
            e.k.f32_im2col__wasmsimd(g.ptr, c, oy0, noy, x.ptr, col.ptr);
            col.checkGuards(label);
            const want = new Float64Array(k * noy * ow);
            for (let r = 0; r < k; r++) want.set(ref.subarray(r * oh * ow + oy0 * ow, r * oh * ow + (oy0 + noy) * ow), r * noy * ow);
            expectClose(label, col.read(), want, 0);
            col.free();
          }
        }
        x.free();
        g.free();
      }
    if (cases < 100) throw new Error(`only ${cases} cases ran`);
  });
});
