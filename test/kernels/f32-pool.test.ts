import { describe, it } from 'vitest';
import { engineFor, runnableBuilds } from '../helpers/engines.js';
import { input, output, sizeTaxonomy } from '../helpers/guarded.js';
import { Rng } from '../helpers/rng.js';
import { expectClose, geomBlock } from '../helpers/geom.js';
import { avgPoolRef, maxPoolRef, poolOutRef } from '../reference/conv.js';

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
        e.k.f32_avgpool2d__wasmsimd(g.ptr, planes, cip, x.ptr, y.ptr);
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
});
