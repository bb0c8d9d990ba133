import { describe, it } from 'vitest';
import { engineFor, runnableBuilds } from '../helpers/engines.js';
import { input, output, sizeTaxonomy } from '../helpers/guarded.js';
import { Rng } from '../helpers/rng.js';
import { expectClose, geomBlock } from '../helpers/geom.js';
import { avgPoolRef, maxPoolRef, poolOutRef } from '../reference/conv.js';
import { adaptivePoolRef } from '../reference/layers.js';

const SEED = 2718;

describe.each(runnableBuilds())('pool and channelwise kernels [%s build]', (build) => {
  it('f32_maxpool2d / f32_avgpool2d: guards intact, junk after input ignored, odd planes', async () => {
    const e = await engineFor(build);
    const rng = new Rng(SEED);
    for (const [h, w] of [[7, 5], [3, 17], [9, 33], [1, 6]]) for (const [k, s, p] of [[2, 2, 0], [3, 2, 1], [3, 1, 1], [3, 3, 1], [2, 1, 1]]) for (const ceil of [false, true]) {
      const oh = poolOutRef(h, k, s, p, 1, ceil), ow = poolOutRef(w, k, s, p, 1, ceil);
      if (oh < 1 || ow < 1) continue;
      const planes = 3;
      const xs = rng.f32(planes * h * w, -2, 2);
      const x = input(e, xs);
      const g = geomBlock(e, { h, w, oh, ow, kh: k, kw: k, sh: s, sw: s, ph: p, pw: p, dh: 1, dw: 1 });
      const spec = { planes, h, w, kh: k, kw: k, sh: s, sw: s, ph: p, pw: p, dh: 1, dw: 1, ceil };
      const label = `seed=${SEED} ${h}x${w} k=${k} s=${s} p=${p} ceil=${ceil}`;
      const y = output(e, planes * oh * ow);
      e.k.f32_maxpool2d__wasmsimd(g.ptr, planes, x.ptr, y.ptr);
      y.checkGuards(`max ${label}`);
      expectClose(`max ${label}`, y.read(), maxPoolRef(spec, xs), 0);
      for (const cip of [0, 1]) {
        e.k.f32_avgpool2d__wasmsimd(g.ptr, planes, cip, p, p, x.ptr, y.ptr);
        y.checkGuards(`avg cip=${cip} ${label}`);
        expectClose(`avg cip=${cip} ${label}`, y.read(), avgPoolRef(spec, cip === 1, xs), 1e-6);
      }
      for (const b of [x, y, g]) b.free();
    }
  });

  it('f32_gavgpool_cw and f32_vmulcaddc_cw_u8 over the size taxonomy', async () => {
    const e = await engineFor(build);
    const rng = new Rng(SEED + 1);
    for (const n of sizeTaxonomy(8)) for (const c of [1, 3]) {
      const xs = rng.f32(c * n, -2, 2);
      const x = input(e, xs);
      const y = output(e, c);
      e.k.f32_gavgpool_cw__wasmsimd(c, n, x.ptr, y.ptr);
      y.checkGuards(`gavgpool n=${n} c=${c}`);
      expectClose(`seed=${SEED + 1} gavgpool n=${n} c=${c}`, y.read(), Array.from({ length: c }, (_, i) => xs.subarray(i * n, (i + 1) * n).reduce((a, b) => a + b, 0) / n), 1e-5);
      const sc = rng.f32(c), sf = rng.f32(c);
      const scale = input(e, sc), shift = input(e, sf);
      const z = output(e, c * n);
      e.k.f32_vmulcaddc_cw_u8__wasmsimd(c, n, x.ptr, scale.ptr, shift.ptr, z.ptr);
      z.checkGuards(`vmulcaddc n=${n} c=${c}`);
      expectClose(`seed=${SEED + 1} vmulcaddc n=${n} c=${c}`, z.read(), Array.from(xs, (v, i) => v * sc[Math.floor(i / n)] + sf[Math.floor(i / n)]), 1e-6);
      for (const b of [x, y, scale, shift, z]) b.free();
    }
  });

  it('f32_adaptive_avgpool2d / f32_adaptive_maxpool2d: any output size (shrink, grow, equal, 1), NaN propagates in max', async () => {
    const e = await engineFor(build);
    const rng = new Rng(SEED + 2);
    for (const [h, w] of [[7, 5], [1, 1], [3, 17], [10, 10], [1, 9]]) for (const [oh, ow] of [[1, 1], [3, 2], [5, 7], [7, 5], [2, 13], [1, 4]]) {
      const planes = 3;
      const xs = rng.f32(planes * h * w, -2, 2);
      if (h * w > 3) xs[h * w + 1] = NaN;
      const x = input(e, xs);
      const y = output(e, planes * oh * ow);
      const label = `seed=${SEED + 2} ${h}x${w} -> ${oh}x${ow}`;
      e.k.f32_adaptive_avgpool2d__scalar(planes, h, w, oh, ow, x.ptr, y.ptr);
      y.checkGuards(`adaptive avg ${label}`);
      expectClose(`adaptive avg ${label}`, y.read(), adaptivePoolRef('avg', planes, h, w, oh, ow, xs), 1e-6);
      e.k.f32_adaptive_maxpool2d__scalar(planes, h, w, oh, ow, x.ptr, y.ptr);
      y.checkGuards(`adaptive max ${label}`);
      expectClose(`adaptive max ${label}`, y.read(), adaptivePoolRef('max', planes, h, w, oh, ow, xs), 0);
      x.free();
      y.free();
    }
  });

  it('f32_avgpool2d with asymmetric end padding in the divisor (ONNX pads)', async () => {
    const e = await engineFor(build);
    const rng = new Rng(SEED + 3);
    for (const [h, w] of [[7, 5], [4, 9]]) for (const [k, s, pb, pe] of [[3, 1, 0, 2], [3, 2, 1, 0], [2, 2, 1, 1], [4, 3, 2, 1]]) for (const cip of [0, 1]) {
      const oh = Math.floor((h + pb + pe - k) / s) + 1, ow = Math.floor((w + pb + pe - k) / s) + 1;
      const planes = 2;
      const xs = rng.f32(planes * h * w, -2, 2);
      const x = input(e, xs);
      const g = geomBlock(e, { h, w, oh, ow, kh: k, kw: k, sh: s, sw: s, ph: pb, pw: pb, dh: 1, dw: 1 });
      const y = output(e, planes * oh * ow);
      e.k.f32_avgpool2d__wasmsimd(g.ptr, planes, cip, pe, pe, x.ptr, y.ptr);
      const label = `seed=${SEED + 3} ${h}x${w} k=${k} s=${s} pads=${pb},${pe} cip=${cip}`;
      y.checkGuards(label);
      const ref = new Float64Array(planes * oh * ow);
      for (let p = 0; p < planes; p++) for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) {
        let sum = 0, cnt = 0, all = 0;
        for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) {
          const iy = oy * s - pb + ky, ix = ox * s - pb + kx;
          if (iy < h + pe && ix < w + pe) all++;
          if (iy < 0 || ix < 0 || iy >= h || ix >= w) continue;
          sum += xs[(p * h + iy) * w + ix];
          cnt++;
        }
        ref[(p * oh + oy) * ow + ox] = sum / (cip ? all : cnt);
      }
      expectClose(label, y.read(), ref, 1e-6);
      for (const b of [x, y, g]) b.free();
    }
  });
});
