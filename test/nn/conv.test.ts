import { describe, expect, it } from 'vitest';
import { F, nn, Tensor, ArgumentError, ShapeError } from '../../dist/src/entries/node.js';
import { convNd, planConv2d, runConv, type ConvSpec } from '../../dist/src/ops/conv2d.js';
import { runnableBuilds, useBuild } from '../helpers/engines.js';
import { Rng } from '../helpers/rng.js';
import { expectClose } from '../helpers/geom.js';
import { conv2dRef } from '../reference/conv.js';

const SEED = 99;

function outSize(n: number, k: number, s: number, pt: number, d: number) {
  return Math.floor((n + pt - d * (k - 1) - 1) / s) + 1;
}

describe.each(runnableBuilds())('Conv2d / Conv1d [%s build]', (build) => {
  it('F.conv2d matches a float64 direct convolution (groups, depthwise multiplier, stride, padding, dilation, odd sizes)', async () => {
    await useBuild(build);
    const rng = new Rng(SEED);
    const configs: [number, number, number, number, number, number, number, number, number, number][] = [
      // c, o, groups, kh, kw, s, p, d, h, w
      [3, 5, 1, 3, 3, 1, 1, 1, 7, 5],
      [5, 7, 1, 3, 3, 2, 1, 1, 7, 5],
      [6, 9, 3, 3, 2, 1, 0, 2, 7, 5],
      [4, 6, 2, 5, 5, 2, 2, 1, 9, 11],
      [5, 5, 5, 3, 3, 1, 1, 1, 7, 5],
      [3, 9, 3, 3, 3, 2, 1, 1, 7, 5],
      [7, 14, 7, 5, 5, 1, 2, 1, 13, 6],
      [6, 6, 6, 3, 3, 2, 2, 2, 7, 5],
      [5, 3, 1, 1, 1, 1, 0, 1, 7, 5],
      [6, 4, 2, 1, 1, 1, 0, 1, 3, 17],
      [5, 3, 1, 1, 1, 2, 0, 1, 7, 5],
      [3, 2, 1, 7, 7, 2, 3, 1, 17, 13],
      [1, 3, 1, 3, 3, 3, 0, 1, 7, 5],
    ];
    for (const [c, o, groups, kh, kw, s, p, d, h, w] of configs) {
      const n = 2;
      const xs = rng.f32(n * c * h * w), ws = rng.f32(o * (c / groups) * kh * kw), bs = rng.f32(o);
      const x = Tensor.from(xs, [n, c, h, w]), wt = Tensor.from(ws, [o, c / groups, kh, kw]), b = Tensor.from(bs, [o]);
      const y = F.conv2d(x, wt, b, s, p, d, groups);
      const oh = outSize(h, kh, s, 2 * p, d), ow = outSize(w, kw, s, 2 * p, d);
      expect(y.shape).toEqual([n, o, oh, ow]);
      const ref = conv2dRef({ n, c, h, w, o, kh, kw, sh: s, sw: s, ph: p, pw: p, dh: d, dw: d, groups, oh, ow }, xs, ws, bs);
      expectClose(`seed=${SEED} ${build} conv2d c=${c} o=${o} g=${groups} k=${kh}x${kw} s=${s} p=${p} d=${d} ${h}x${w}`, y.toFloat32Array(), ref, 1e-5);
      for (const t of [x, wt, b, y]) t.dispose();
    }
  });

  it('the 1x1 and direct paths equal the im2col path, and results do not depend on the tile size', async () => {
    const e = await useBuild(build);
    const rng = new Rng(SEED + 1);
    for (const [c, o, groups, h, w, kh, s] of [[7, 5, 1, 7, 5, 1, 1], [6, 9, 3, 3, 11, 1, 1], [5, 6, 1, 9, 7, 3, 1], [4, 4, 2, 11, 5, 3, 2]]) {
      const n = 2, p = kh === 1 ? 0 : 1;
      const oh = outSize(h, kh, s, 2 * p, 1), ow = outSize(w, kh, s, 2 * p, 1);
      const spec: ConvSpec = { n, c, o, groups, h, w, oh, ow, kh, kw: kh, sh: s, sw: s, ph: p, pw: p, dh: 1, dw: 1 };
      const x = Tensor.from(rng.f32(n * c * h * w), [n, c, h, w]), wt = Tensor.from(rng.f32(o * (c / groups) * kh * kh), [o, c / groups, kh, kh]), b = Tensor.from(rng.f32(o), [o]);
      const run = (plan: ReturnType<typeof planConv2d>) => {
        const y = Tensor.empty([n, o, oh, ow]);
        runConv(e, spec, x.ptr, wt.ptr, b.ptr, y.ptr, 'none', plan);
        const v = y.toFloat32Array();
        y.dispose();
        return v;
      };
      const base = run({ path: 'im2col', tile: oh, workspaceBytes: 0 });
      const label = `seed=${SEED + 1} c=${c} o=${o} g=${groups} ${h}x${w} k=${kh} s=${s}`;
      expectClose(`${label} im2col tile 1 vs all rows`, run({ path: 'im2col', tile: 1, workspaceBytes: 0 }), base, 0);
      expectClose(`${label} im2col tile 2 vs all rows`, run({ path: 'im2col', tile: 2, workspaceBytes: 0 }), base, 0);
      expectClose(`${label} direct path vs im2col`, run({ path: 'direct', tile: 0, workspaceBytes: 0 }), base, 1e-5);
      if (kh === 1) {
        expect(planConv2d(spec).path).toBe('1x1');
        expectClose(`${label} 1x1 path vs im2col`, run(planConv2d(spec)), base, 1e-6);
        expectClose(`${label} 1x1 path, 16-column tiles`, run({ path: '1x1', tile: 16, workspaceBytes: 0 }), base, 1e-6);
      }
      for (const t of [x, wt, b]) t.dispose();
    }
  });

  it('workspace is bounded independently of image height (plan and measured high water)', async () => {
    const e = await useBuild(build);
    const rng = new Rng(SEED + 2);
    const measure = (c: number, o: number, h: number, w: number, k: number, groups: number) => {
      const x = Tensor.from(rng.f32(c * h * w), [1, c, h, w]), wt = Tensor.from(rng.f32(o * (c / groups) * k * k), [o, c / groups, k, k]);
      const y = Tensor.empty([1, o, h, w]);
      const spec: ConvSpec = { n: 1, c, o, groups, h, w, oh: h, ow: w, kh: k, kw: k, sh: 1, sw: 1, ph: (k - 1) / 2, pw: (k - 1) / 2, dh: 1, dw: 1 };
      e.arena.resetHighWater();
      const before = e.arena.stats().inUseBytes;
      runConv(e, spec, x.ptr, wt.ptr, 0, y.ptr);
      const peak = e.arena.stats().highWaterBytes - before;
      for (const t of [x, wt, y]) t.dispose();
      return { peak, plan: planConv2d(spec).workspaceBytes };
    };
    for (const [c, o, k, g] of [[32, 16, 3, 1], [64, 64, 1, 1], [16, 16, 3, 16], [3, 16, 3, 1]]) {
      // Both heights exceed one tile (the 1x1 path tiles 2048+ positions, im2col ~18 rows here).
      const small = measure(c, o, 120, 24, k, g);
      const tall = measure(c, o, 480, 24, k, g);
      expect(tall.plan, `c=${c} k=${k} g=${g}`).toBe(small.plan);
      expect(tall.peak, `c=${c} k=${k} g=${g}: measured peak`).toBe(small.peak);
      expect(small.peak).toBeLessThanOrEqual(small.plan);
    }
  });

  it('fused activation (relu, clamp) on the im2col, 1x1 and depthwise paths', async () => {
    await useBuild(build);
    const rng = new Rng(SEED + 4);
    for (const [c, o, groups, k] of [[3, 5, 1, 3], [6, 4, 1, 1], [5, 10, 5, 3]]) {
      const xs = rng.f32(c * 7 * 5, -2, 2), ws = rng.f32(o * (c / groups) * k * k), bs = rng.f32(o);
      const x = Tensor.from(xs, [1, c, 7, 5]), wt = Tensor.from(ws, [o, c / groups, k, k]), b = Tensor.from(bs, [o]);
      const p = (k - 1) / 2;
      const ref = conv2dRef({ n: 1, c, h: 7, w: 5, o, kh: k, kw: k, sh: 1, sw: 1, ph: p, pw: p, dh: 1, dw: 1, groups, oh: 7, ow: 5 }, xs, ws, bs);
      for (const [act, lo, hi] of [['relu', 0, Infinity], [{ clamp: [-0.5, 0.5] as [number, number] }, -0.5, 0.5]] as const) {
        const y = convNd('conv2d', 2, x, wt, b, { padding: p, groups, act });
        expectClose(`seed=${SEED + 4} act=${JSON.stringify(act)} c=${c} o=${o} g=${groups} k=${k}`, y.toFloat32Array(), ref.map((v) => Math.min(Math.max(v, lo), hi)), 1e-5);
      }
    }
  });

  it('gelu on a direct-path convolution falls back to im2col (the GEMM epilogue)', async () => {
    const e = await useBuild(build);
    const rng = new Rng(SEED + 5);
    const spec: ConvSpec = { n: 1, c: 3, o: 5, groups: 1, h: 7, w: 9, oh: 7, ow: 9, kh: 3, kw: 3, sh: 1, sw: 1, ph: 1, pw: 1, dh: 1, dw: 1 };
    expect(planConv2d(spec).path).toBe('direct');
    const x = Tensor.from(rng.f32(3 * 7 * 9), [1, 3, 7, 9]), wt = Tensor.from(rng.f32(5 * 27), [5, 3, 3, 3]), b = Tensor.from(rng.f32(5), [5]);
    const y = convNd('conv2d', 2, x, wt, b, { padding: 1, act: 'gelu' });
    const want = Tensor.empty([1, 5, 7, 9]);
    runConv(e, spec, x.ptr, wt.ptr, b.ptr, want.ptr, 'gelu', { path: 'im2col', tile: 7, workspaceBytes: 0 });
    expectClose(`seed=${SEED + 5} gelu direct-planned vs im2col`, y.toFloat32Array(), want.toFloat32Array(), 0);
    for (const t of [x, wt, b, y, want]) t.dispose();
  });

  it('nn.Conv2d and nn.Conv1d: PyTorch keys and shapes, same padding, unbatched input, errors', async () => {
    await useBuild(build);
    const rng = new Rng(SEED + 3);
    const m = new nn.Conv2d(4, 6, [3, 2], { padding: 'same', dilation: 2, groups: 2 });
    expect(Object.keys(m.stateDict())).toEqual(['weight', 'bias']);
    expect(m.weight.shape).toEqual([6, 2, 3, 2]);
    const xs = rng.f32(4 * 7 * 5);
    const y = m.forward(Tensor.from(xs, [4, 7, 5]));
    expect(y.shape).toEqual([6, 7, 5]);
    // 'same': total d*(k-1) = 4 rows / 2 cols, top/left floor(total/2).
    const ref = conv2dRef({ n: 1, c: 4, h: 7, w: 5, o: 6, kh: 3, kw: 2, sh: 1, sw: 1, ph: 2, pw: 1, dh: 2, dw: 2, groups: 2, oh: 7, ow: 5 }, xs, m.weight.toFloat32Array(), m.bias!.toFloat32Array());
    expectClose(`seed=${SEED + 3} Conv2d same`, y.toFloat32Array(), ref, 1e-5);
    const m1 = new nn.Conv1d(3, 4, 3, { stride: 2, padding: 1, bias: false });
    expect(Object.keys(m1.stateDict())).toEqual(['weight']);
    const x1s = rng.f32(2 * 3 * 9);
    const y1 = m1.forward(Tensor.from(x1s, [2, 3, 9]));
    expect(y1.shape).toEqual([2, 4, 5]);
    const ref1 = conv2dRef({ n: 2, c: 3, h: 1, w: 9, o: 4, kh: 1, kw: 3, sh: 1, sw: 2, ph: 0, pw: 1, dh: 1, dw: 1, groups: 1, oh: 1, ow: 5 }, x1s, m1.weight.toFloat32Array(), null);
    expectClose(`seed=${SEED + 3} Conv1d`, y1.toFloat32Array(), ref1, 1e-5);
    expect(() => new nn.Conv2d(4, 6, 3, { groups: 4 })).toThrow(ArgumentError);
    expect(() => new nn.Conv2d(4, 6, 3, { padding: 'same', stride: 2 })).toThrow(ArgumentError);
    expect(() => m.forward(Tensor.zeros([1, 3, 7, 5]))).toThrow(ShapeError);
    expect(() => new nn.Conv2d(4, 4, 5).forward(Tensor.zeros([1, 4, 3, 9]))).toThrow(ShapeError);
    m.dispose();
    m1.dispose();
  });
});
