import { describe, it } from 'vitest';
import { engineFor, runnableBuilds } from '../helpers/engines.js';
import { input, output } from '../helpers/guarded.js';
import { Rng } from '../helpers/rng.js';
import { expectClose, geomBlock } from '../helpers/geom.js';
import { conv2dRef } from '../reference/conv.js';

const SEED = 4242;
type Variant = { name: string; k: number; sw: number };
const FIXED: Variant[] = [
  { name: 'f32_dwconv_3x3s1__wasmsimd', k: 3, sw: 1 },
  { name: 'f32_dwconv_3x3s2__wasmsimd', k: 3, sw: 2 },
  { name: 'f32_dwconv_5x5s1__wasmsimd', k: 5, sw: 1 },
  { name: 'f32_dwconv_5x5s2__wasmsimd', k: 5, sw: 2 },
];
const SIZES: [number, number][] = [[7, 5], [1, 1], [5, 13], [9, 17], [3, 33], [6, 4], [4, 29], [2, 61]];

/** Workspace row length (floats) the kernels require: max(pw + w, max(ow-1, 3)*sw + (kw-1)*dw + 13). */
function wsLd(w: number, pw: number, ow: number, sw: number, kw: number, dw: number): number {
  return Math.max(pw + w, Math.max(ow - 1, 3) * sw + (kw - 1) * dw + 13);
}

interface Case { c: number; mult: number; h: number; w: number; kh: number; kw: number; sh: number; sw: number; ph: number; pw: number; dh: number; dw: number; bias: boolean; clamp: [number, number] }

function runCase(e: Awaited<ReturnType<typeof engineFor>>, fn: string, cs: Case, rng: Rng): void {
  const oh = Math.floor((cs.h + 2 * cs.ph - cs.dh * (cs.kh - 1) - 1) / cs.sh) + 1;
  const ow = Math.floor((cs.w + 2 * cs.pw - cs.dw * (cs.kw - 1) - 1) / cs.sw) + 1;
  if (oh < 1 || ow < 1) return;
  const o = cs.c * cs.mult;
  const xs = rng.f32(cs.c * cs.h * cs.w, -2, 2);
  const ws = rng.f32(o * cs.kh * cs.kw);
  const bs = cs.bias ? rng.f32(o) : null;
  const x = input(e, xs);
  const wt = input(e, ws);
  const b = bs ? input(e, bs) : null;
  const ld = wsLd(cs.w, cs.pw, ow, cs.sw, cs.kw, cs.dw);
  const zero = e.arena.alloc(((cs.kh - 1) * cs.dh + 2) * ld * 4);
  e.arena.f32(zero, ((cs.kh - 1) * cs.dh + 2) * ld).fill(NaN); // the kernel must zero what it uses
  const y = output(e, o * oh * ow);
  const g = geomBlock(e, { h: cs.h, w: cs.w, oh, ow, kh: cs.kh, kw: cs.kw, sh: cs.sh, sw: cs.sw, ph: cs.ph, pw: cs.pw, dh: cs.dh, dw: cs.dw });
  const label = `seed=${SEED} ${fn} ${JSON.stringify(cs)}`;
  (e.k as unknown as Record<string, (...a: number[]) => void>)[fn](g.ptr, o, cs.mult, x.ptr, wt.ptr, b ? b.ptr : 0, zero, ld, y.ptr, cs.clamp[0], cs.clamp[1]);
  y.checkGuards(label);
  const ref = conv2dRef({ n: 1, c: cs.c, h: cs.h, w: cs.w, o, kh: cs.kh, kw: cs.kw, sh: cs.sh, sw: cs.sw, ph: cs.ph, pw: cs.pw, dh: cs.dh, dw: cs.dw, groups: cs.c, oh, ow }, xs, ws, bs)
    .map((v) => Math.min(Math.max(v, cs.clamp[0]), cs.clamp[1]));
  expectClose(label, y.read(), ref, 1e-5);
  for (const bf of [x, wt, b, y, g]) bf?.free();
  e.arena.free(zero);
}

describe.each(runnableBuilds())('f32_dwconv kernels [%s build]', (build) => {
  // The relaxed build also carries the fused-multiply-add twins: same cases, same tolerance.
  const isa = build === 'relaxed' ? ['__wasmsimd', '__wasmrelaxedsimd_fma'] : ['__wasmsimd'];
  const fixed = isa.flatMap((suffix) => FIXED.map((v) => ({ ...v, name: v.name.replace('__wasmsimd', suffix) })));
  const generics = isa.map((suffix) => `f32_dwconv_generic${suffix}`);
  for (const v of fixed) {
    it(`${v.name} matches a float64 direct convolution (odd sizes, padding, multiplier, row stride, clamp)`, async () => {
      const e = await engineFor(build);
      const rng = new Rng(SEED);
      for (const [h, w] of SIZES) for (const c of [1, 3, 5]) for (const mult of [1, 2]) for (const sh of [1, 2]) for (const [ph, pw] of [[0, 0], [1, 1], [2, 1], [0, 2]]) {
        const clamp: [number, number] = (c + ph) % 3 === 0 ? [0, Infinity] : (c + ph) % 3 === 1 ? [-0.5, 0.75] : [-Infinity, Infinity];
        runCase(e, v.name, { c, mult, h, w, kh: v.k, kw: v.k, sh, sw: v.sw, ph, pw, dh: 1, dw: 1, bias: (h + c) % 2 === 0, clamp }, rng);
      }
    });
  }
  for (const gen of generics) it(`${gen} matches a float64 direct convolution (any kernel, stride, dilation)`, async () => {
    const e = await engineFor(build);
    const rng = new Rng(SEED + 1);
    for (const [h, w] of SIZES) for (const [kh, kw] of [[1, 1], [3, 3], [2, 3], [5, 5], [3, 7]]) for (const [sh, sw] of [[1, 1], [2, 2], [1, 3], [3, 2]]) for (const [dh, dw] of [[1, 1], [2, 2], [1, 3]]) {
      for (const [ph, pw] of [[0, 0], [1, 2]]) {
        runCase(e, gen, { c: 3, mult: (kh + sw) % 2 + 1, h, w, kh, kw, sh, sw, ph, pw, dh, dw, bias: true, clamp: [-Infinity, Infinity] }, rng);
      }
    }
  });
  it('propagates NaN and keeps inf out of padded taps', async () => {
    const e = await engineFor(build);
    const rng = new Rng(SEED + 2);
    for (const v of [...fixed, ...generics.map((name) => ({ name, k: 3, sw: 3 }))]) {
      const h = 6, w = 11;
      const cs: Case = { c: 2, mult: 1, h, w, kh: v.k, kw: v.k, sh: 1, sw: v.sw, ph: 1, pw: 1, dh: 1, dw: 1, bias: true, clamp: [0, Infinity] };
      const oh = Math.floor((h + 2 - (v.k - 1) - 1) / 1) + 1;
      const ow = Math.floor((w + 2 - (v.k - 1) - 1) / v.sw) + 1;
      const xs = rng.f32(2 * h * w);
      xs[3 * w + 5] = NaN;
      xs[h * w] = Infinity; // corner of plane 1: taps of the padding around it must not make 0*inf
      const ws = rng.f32(2 * v.k * v.k);
      const bs = rng.f32(2);
      const x = input(e, xs), wt = input(e, ws), b = input(e, bs);
      const ld = wsLd(w, 1, ow, v.sw, v.k, 1);
      const zero = e.arena.alloc((v.k + 1) * ld * 4);
      const y = output(e, 2 * oh * ow);
      const g = geomBlock(e, { h, w, oh, ow, kh: v.k, kw: v.k, sh: 1, sw: v.sw, ph: 1, pw: 1, dh: 1, dw: 1 });
      (e.k as unknown as Record<string, (...a: number[]) => void>)[v.name](g.ptr, 2, 1, x.ptr, wt.ptr, b.ptr, zero, ld, y.ptr, cs.clamp[0], cs.clamp[1]);
      const ref = conv2dRef({ n: 1, c: 2, h, w, o: 2, kh: v.k, kw: v.k, sh: 1, sw: v.sw, ph: 1, pw: 1, dh: 1, dw: 1, groups: 2, oh, ow }, xs, ws, bs).map((r) => (Number.isNaN(r) ? NaN : Math.max(r, 0)));
      expectClose(`seed=${SEED + 2} ${v.name} NaN/inf`, y.read(), ref, 1e-5);
      y.checkGuards(v.name);
      for (const bf of [x, wt, b, y, g]) bf.free();
      e.arena.free(zero);
    }
  });
});
