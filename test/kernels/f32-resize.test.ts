/**
 * f32_resize_taps2d__scalar against a float64 evaluation of the same tap tables: 1, 2 and 4 taps
 * per axis (nearest, linear, cubic), shrink and grow, odd planes, guarded output, -0 and inf kept
 * by 1-tap copies.
 */
import { describe, expect, it } from 'vitest';
import { engineFor, runnableBuilds } from '../helpers/engines.js';
import { input, output } from '../helpers/guarded.js';
import { Rng } from '../helpers/rng.js';
import { expectClose } from '../helpers/geom.js';

const SEED = 777;

describe.each(runnableBuilds())('f32_resize_taps2d [%s build]', (build) => {
  it('matches the float64 tap sum over taps 1/2/4, sizes 1..13', async () => {
    const e = await engineFor(build);
    const rng = new Rng(SEED);
    for (const [h, w, oh, ow] of [[1, 1, 1, 1], [3, 4, 7, 9], [8, 9, 5, 3], [1, 7, 1, 13], [5, 5, 5, 5], [2, 13, 4, 1]]) for (const [th, tw] of [[1, 1], [2, 2], [4, 4], [1, 2], [4, 1]]) {
      const planes = 3;
      const xs = rng.f32(planes * h * w, -2, 2);
      const iy = Int32Array.from({ length: oh * th }, () => rng.int(0, h - 1));
      const wy = rng.f32(oh * th);
      const ix = Int32Array.from({ length: ow * tw }, () => rng.int(0, w - 1));
      const wx = rng.f32(ow * tw);
      const tabN = 2 * oh * th + 2 * ow * tw;
      const tab = e.arena.alloc(tabN * 4);
      e.arena.i32(tab, oh * th).set(iy);
      e.arena.f32(tab + oh * th * 4, oh * th).set(wy);
      e.arena.i32(tab + 2 * oh * th * 4, ow * tw).set(ix);
      e.arena.f32(tab + (2 * oh * th + ow * tw) * 4, ow * tw).set(wx);
      const x = input(e, xs);
      const y = output(e, planes * oh * ow);
      e.k.f32_resize_taps2d__scalar(planes, h, w, oh, ow, th, tw, x.ptr, y.ptr, tab);
      const label = `seed=${SEED} ${h}x${w} -> ${oh}x${ow} taps ${th}x${tw}`;
      y.checkGuards(label);
      const ref = new Float64Array(planes * oh * ow);
      for (let p = 0; p < planes; p++) for (let oy = 0; oy < oh; oy++) for (let ox = 0; ox < ow; ox++) {
        let acc = 0;
        for (let t = 0; t < th; t++) {
          let r = 0;
          for (let u = 0; u < tw; u++) r += wx[ox * tw + u] * xs[(p * h + iy[oy * th + t]) * w + ix[ox * tw + u]];
          acc += wy[oy * th + t] * r;
        }
        ref[(p * oh + oy) * ow + ox] = acc;
      }
      expectClose(label, y.read(), ref, 1e-5);
      for (const b of [x, y]) b.free();
      e.arena.free(tab);
    }
  });

  it('a 1-tap table of weight 1 copies -0, inf and NaN exactly', async () => {
    const e = await engineFor(build);
    const xs = new Float32Array([-0, Infinity, -Infinity, NaN]);
    const tab = e.arena.alloc(16 * 4);
    e.arena.i32(tab, 1).set([0]);
    e.arena.f32(tab + 4, 1).set([1]);
    e.arena.i32(tab + 8, 4).set([0, 1, 2, 3]);
    e.arena.f32(tab + 24, 4).set([1, 1, 1, 1]);
    const x = input(e, xs);
    const y = output(e, 4);
    e.k.f32_resize_taps2d__scalar(1, 1, 4, 1, 4, 1, 1, x.ptr, y.ptr, tab);
    const got = y.read();
    expect(Object.is(got[0], -0)).toBe(true);
    expect([got[1], got[2]]).toEqual([Infinity, -Infinity]);
    expect(Number.isNaN(got[3])).toBe(true);
    x.free();
    y.free();
    e.arena.free(tab);
  });
});
