/**
 * The layer family's pooling and normalisation modules (MaxPool1d, AvgPool1d, adaptive pools of
 * any size, BatchNorm1d, GroupNorm, InstanceNorm1d/2d) against float64 references, their reprs and
 * state_dict keys as PyTorch prints them, and argument errors.
 */
import { describe, expect, it } from 'vitest';
import { F, nn, Tensor, ArgumentError, ShapeError } from '../../dist/src/entries/node.js';
import { runnableBuilds, useBuild } from '../helpers/engines.js';
import { Rng } from '../helpers/rng.js';
import { expectClose } from '../helpers/geom.js';
import { avgPoolRef, maxPoolRef, poolOutRef } from '../reference/conv.js';
import { adaptivePoolRef, groupNormRef } from '../reference/layers.js';

const SEED = 4242;

describe.each(runnableBuilds())('layer pooling and normalisation [%s build]', (build) => {
  it('MaxPool1d / AvgPool1d equal the 2-D references of height 1 (batched and unbatched)', async () => {
    await useBuild(build);
    const rng = new Rng(SEED);
    for (const l of [1, 5, 17, 33]) for (const [k, s, p] of [[2, 2, 0], [3, 1, 1], [3, 2, 1], [5, 3, 2], [1, 1, 0]]) for (const ceil of [false, true]) for (const d of [1, 2]) {
      const o = poolOutRef(l, k, s, p, d, ceil);
      if (o < 1) continue;
      const xs = rng.f32(2 * 3 * l, -2, 2);
      const spec = { planes: 6, h: 1, w: l, kh: 1, kw: k, sh: 1, sw: s, ph: 0, pw: p, dh: 1, dw: d, ceil };
      const label = `seed=${SEED} L=${l} k=${k} s=${s} p=${p} d=${d} ceil=${ceil}`;
      const y = new nn.MaxPool1d(k, { stride: s, padding: p, dilation: d, ceilMode: ceil }).forward(Tensor.from(xs, [2, 3, l]));
      expect(y.shape).toEqual([2, 3, o]);
      expectClose(`max1d ${label}`, y.toFloat32Array(), maxPoolRef(spec, xs), 0);
      if (d !== 1) continue;
      for (const cip of [true, false]) {
        const a = F.avgPool1d(Tensor.from(xs, [6, l]), k, s, p, ceil, cip);
        expect(a.shape).toEqual([6, o]);
        expectClose(`avg1d cip=${cip} ${label}`, a.toFloat32Array(), avgPoolRef(spec, cip, xs), 1e-6);
      }
    }
    expect(String(new nn.MaxPool1d(3, { stride: 2 }))).toBe('MaxPool1d(kernel_size=3, stride=2, padding=0, dilation=1, ceil_mode=False)');
    expect(String(new nn.AvgPool1d(3, { stride: 2 }))).toBe('AvgPool1d(kernel_size=(3,), stride=(2,), padding=(0,))');
    expect(() => F.maxPool1d(Tensor.zeros([1, 1, 8]), 3, 1, 2)).toThrow(ArgumentError);
    expect(() => F.maxPool1d(Tensor.zeros([1, 2, 3, 8]), 3)).toThrow(ShapeError);
  });

  it('adaptive avg/max pooling to any output size (1-D and 2-D, null keeps a size)', async () => {
    await useBuild(build);
    const rng = new Rng(SEED + 1);
    for (const [h, w] of [[7, 5], [1, 1], [10, 13], [3, 32]]) for (const os of [1, 3, [2, 5], [7, 3], [5, null], [13, 1]] as const) {
      const [oh, ow] = Array.isArray(os) ? [os[0] ?? h, os[1] ?? w] : [os, os];
      const xs = rng.f32(2 * 3 * h * w, -2, 2);
      const label = `seed=${SEED + 1} ${h}x${w} -> ${JSON.stringify(os)}`;
      const ya = new nn.AdaptiveAvgPool2d(os as number).forward(Tensor.from(xs, [2, 3, h, w]));
      expect(ya.shape).toEqual([2, 3, oh, ow]);
      expectClose(`adaptive avg2d ${label}`, ya.toFloat32Array(), adaptivePoolRef('avg', 6, h, w, oh, ow, xs), 1e-6);
      const ym = F.adaptiveMaxPool2d(Tensor.from(xs, [6, h, w]), os as number);
      expect(ym.shape).toEqual([6, oh, ow]);
      expectClose(`adaptive max2d ${label}`, ym.toFloat32Array(), adaptivePoolRef('max', 6, h, w, oh, ow, xs), 0);
      const y1 = new nn.AdaptiveAvgPool1d(oh).forward(Tensor.from(xs, [2, 3 * h, w]));
      expect(y1.shape).toEqual([2, 3 * h, oh]);
      expectClose(`adaptive avg1d ${label}`, y1.toFloat32Array(), adaptivePoolRef('avg', 6 * h, 1, w, 1, oh, xs), 1e-6);
    }
    expect(String(new nn.AdaptiveAvgPool2d([5, null]))).toBe('AdaptiveAvgPool2d(output_size=(5, None))');
    expect(String(new nn.AdaptiveMaxPool2d([2, 3]))).toBe('AdaptiveMaxPool2d(output_size=(2, 3))');
    expect(String(new nn.AdaptiveAvgPool1d(5))).toBe('AdaptiveAvgPool1d(output_size=5)');
    expect(() => F.adaptiveAvgPool2d(Tensor.zeros([1, 2, 3, 3]), [1, 2, 3])).toThrow(ArgumentError);
    expect(() => F.adaptiveAvgPool2d(Tensor.zeros([1, 2, 0, 3]), 2)).toThrow(ShapeError);
    expect(() => new nn.AdaptiveMaxPool2d(2, true)).toThrow(ArgumentError);
  });

  it('BatchNorm1d on [N, C] and [N, C, L]; GroupNorm; InstanceNorm1d/2d with and without running stats', async () => {
    await useBuild(build);
    const rng = new Rng(SEED + 2);
    const c = 6;
    const bn = new nn.BatchNorm1d(c);
    expect(String(bn)).toBe('BatchNorm1d(6, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)');
    const mean = rng.f32(c), vr = rng.f32(c, 0.2, 2), wt = rng.f32(c), bs = rng.f32(c);
    bn.loadStateDict({ weight: { data: wt, shape: [c] }, bias: { data: bs, shape: [c] }, running_mean: { data: mean, shape: [c] }, running_var: { data: vr, shape: [c] } }, { strict: false });
    for (const shape of [[5, c], [3, c, 7]]) {
      const xs = rng.f32(shape.reduce((a, b) => a * b, 1), -3, 3);
      const inner = shape[2] ?? 1;
      const ref = Array.from(xs, (v, i) => {
        const ch = Math.floor(i / inner) % c;
        return ((v - mean[ch]) / Math.sqrt(vr[ch] + 1e-5)) * wt[ch] + bs[ch];
      });
      expectClose(`seed=${SEED + 2} BatchNorm1d ${shape}`, bn.forward(Tensor.from(xs, shape)).toFloat32Array(), ref, 1e-5);
    }
    expect(() => bn.forward(Tensor.zeros([2, c, 3, 3]))).toThrow(ShapeError);

    for (const [n, ch, inner, groups] of [[2, 6, 7, 3], [1, 4, 1, 4], [3, 5, 33, 1], [2, 8, 17, 2]]) for (const affine of [true, false]) {
      const gn = new nn.GroupNorm(groups, ch, { affine, eps: 1e-4 });
      expect(Object.keys(gn.stateDict())).toEqual(affine ? ['weight', 'bias'] : []);
      const w = rng.f32(ch), b = rng.f32(ch);
      if (affine) gn.loadStateDict({ weight: { data: w, shape: [ch] }, bias: { data: b, shape: [ch] } });
      const xs = rng.f32(n * ch * inner, -3, 3).map((v) => v + 10);
      const y = gn.forward(Tensor.from(xs, [n, ch, inner]));
      expectClose(`seed=${SEED + 2} GroupNorm n=${n} c=${ch} inner=${inner} g=${groups} affine=${affine}`, y.toFloat32Array(), groupNormRef(n, ch, inner, groups, xs, affine ? w : null, affine ? b : null, 1e-4), 2e-5);
      const inst = F.instanceNorm(Tensor.from(xs, [n, ch, inner]), null, null, affine ? Tensor.from(w) : null, affine ? Tensor.from(b) : null);
      expectClose(`instance_norm n=${n} c=${ch} inner=${inner}`, inst.toFloat32Array(), groupNormRef(n, ch, inner, ch, xs, affine ? w : null, affine ? b : null, 1e-5), 2e-5);
    }
    expect(String(new nn.GroupNorm(2, 4))).toBe('GroupNorm(2, 4, eps=1e-05, affine=True)');
    expect(() => new nn.GroupNorm(3, 4)).toThrow(ArgumentError);
    expect(() => F.groupNorm(Tensor.zeros([1, 4, 3]), 3)).toThrow(ShapeError);

    const in2 = new nn.InstanceNorm2d(3, { affine: true });
    expect(String(in2)).toBe('InstanceNorm2d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=False)');
    expect(Object.keys(in2.stateDict())).toEqual(['weight', 'bias']);
    const xs = rng.f32(3 * 4 * 5, -2, 2);
    const y = in2.forward(Tensor.from(xs, [3, 4, 5]));
    expect(y.shape).toEqual([3, 4, 5]);
    expectClose('InstanceNorm2d unbatched', y.toFloat32Array(), groupNormRef(1, 3, 20, 3, xs, null, null, 1e-5), 2e-5);
    const tr = new nn.InstanceNorm1d(3, { trackRunningStats: true });
    expect(Object.keys(tr.stateDict())).toEqual(['running_mean', 'running_var', 'num_batches_tracked']);
    const rm = rng.f32(3), rv = rng.f32(3, 0.5, 2);
    tr.loadStateDict({ running_mean: { data: rm, shape: [3] }, running_var: { data: rv, shape: [3] } });
    const yt = tr.forward(Tensor.from(xs, [2, 3, 10]));
    expectClose('InstanceNorm1d running stats', yt.toFloat32Array(), Array.from(xs, (v, i) => (v - rm[Math.floor(i / 10) % 3]) / Math.sqrt(rv[Math.floor(i / 10) % 3] + 1e-5)), 1e-5);
    expect(() => tr.forward(Tensor.zeros([2, 4, 10]))).toThrow(ShapeError);
  });

  it('non-contiguous inputs (transposed views) give the results of their contiguous copies', async () => {
    await useBuild(build);
    const rng = new Rng(SEED + 3);
    const base = Tensor.from(rng.f32(2 * 4 * 5 * 7, -2, 2), [2, 4, 7, 5]);
    const view = base.transpose(2, 3);
    expect(view.isContiguous()).toBe(false);
    const copy = view.contiguous();
    const same = (label: string, f: (t: Tensor) => Tensor) => expectClose(label, f(view).toFloat32Array(), f(copy).toFloat32Array(), 0);
    same('adaptive_avg_pool2d', (t) => F.adaptiveAvgPool2d(t, [3, 2]));
    same('adaptive_max_pool2d', (t) => F.adaptiveMaxPool2d(t, 4));
    same('max_pool1d', (t) => F.maxPool1d(t.reshape([8, 5, 7]).transpose(1, 2), 3, 2, 1));
    same('group_norm', (t) => F.groupNorm(t, 2));
    same('instance_norm', (t) => F.instanceNorm(t));
    same('interpolate', (t) => F.interpolate(t, { scaleFactor: 1.5, mode: 'bilinear' }));
    same('avg_pool2d', (t) => F.avgPool2d(t, 2));
  });
});
