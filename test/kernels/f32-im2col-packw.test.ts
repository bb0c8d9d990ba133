import { describe, it } from 'vitest';
import { engineFor, runnableBuilds } from '../helpers/engines.js';
import { input, output } from '../helpers/guarded.js';
import { Rng } from '../helpers/rng.js';
import { CONV_GEOMS, expectClose, geomBlock, geomCases } from '../helpers/geom.js';
import { conv2dRef } from '../reference/conv.js';

const SEED = 777;

describe.each(runnableBuilds())('f32_im2col_packw_x8__wasmsimd [%s build]', (build) => {
  it('packed panels hold the float64 direct convolution columns, zero bias row and zero padding columns (odd sizes, stride, padding, dilation, row tiles, channel blocks)', async () => {
    const e = await engineFor(build);
    const rng = new Rng(SEED);
    let cases = 0;
    for (const c of [1, 3, 9]) for (const gm of geomCases([[7, 5], [1, 1], [5, 13], [4, 33], [9, 2], [3, 28], [4, 12]], CONV_GEOMS.kernels, CONV_GEOMS.strides, CONV_GEOMS.dilations, CONV_GEOMS.paddings)) {
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
            const n = noy * ow;
            const panels = Math.ceil(n / 8);
            const col = output(e, panels * 8 * (k + 1));
            const label = `seed=${SEED} c=${c} ${h}x${w} k=${kh}x${kw} s=${sh},${sw} d=${dh},${dw} p=${ph},${pw} tile oy0=${oy0} noy=${noy}`;
            e.k.f32_im2col_packw_x8__wasmsimd(g.ptr, c, oy0, noy, x.ptr, col.ptr);
            col.checkGuards(label);
            // Panel q: 8 bias floats (0), then row r holds columns q*8 .. q*8+7 (0 past n).
            const want = new Float64Array(panels * 8 * (k + 1));
            for (let q = 0; q < panels; q++) for (let r = 0; r < k; r++) for (let l = 0; l < 8; l++) {
              const j = q * 8 + l;
              if (j < n) want[q * 8 * (k + 1) + 8 + r * 8 + l] = ref[r * oh * ow + oy0 * ow + j];
            }
            expectClose(label, col.read(), want, 0);
            col.free();
          }
        }
        x.free();
        g.free();
      }
    if (cases < 150) throw new Error(`only ${cases} cases ran`);
  });
});
