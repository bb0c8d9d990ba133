import { describe, expect, it } from 'vitest';
import { F, nn, Tensor, ArgumentError, ShapeError } from '../../dist/src/entries/node.js';
import { planFoldedForward, disposeFoldedPlan } from '../../dist/src/internal.js';
import { runnableBuilds, useBuild } from '../helpers/engines.js';
import { Rng } from '../helpers/rng.js';
import { expectClose } from '../helpers/geom.js';
import { avgPoolRef, conv2dRef, maxPoolRef, poolOutRef } from '../reference/conv.js';

const SEED = 31337;
const SIZES: [number, number][] = [[7, 5], [1, 1], [15, 15], [5, 33], [16, 9], [2, 17]];
const WINDOWS: [number, number, number, number, number][] = [
  // kh, kw, sh, sw, pad
  [2, 2, 2, 2, 0], [3, 3, 2, 2, 1], [3, 3, 1, 1, 1], [3, 2, 2, 1, 1], [2, 3, 1, 3, 0], [5, 5, 3, 3, 2], [1, 1, 1, 1, 0], [3, 3, 3, 3, 0],
];

describe.each(runnableBuilds())('pooling, batch norm, flatten [%s build]', (build) => {
  it('max_pool2d equals the reference bit for bit (ceil mode, padding, dilation, all-negative input, NaN)', async () => {
    await useBuild(build);
    const rng = new Rng(SEED);
    let cases = 0;
    for (const [h, w] of SIZES) for (const [kh, kw, sh, sw, p] of WINDOWS) for (const ceil of [false, true]) for (const d of [1, 2]) for (const neg of [false, true]) {
      const ph = Math.min(p, kh >> 1), pw = Math.min(p, kw >> 1);
      const oh = poolOutRef(h, kh, sh, ph, d, ceil), ow = poolOutRef(w, kw, sw, pw, d, ceil);
      if (oh < 1 || ow < 1) continue;
      cases++;
      const planes = 3;
      const xs = rng.f32(planes * h * w, -2, 2).map((v) => (neg ? -Math.abs(v) - 1 : v));
      if (h * w > 4 && !neg) xs[h * w + 2] = NaN;
      const y = F.maxPool2d(Tensor.from(xs, [1, planes, h, w]), [kh, kw], [sh, sw], [ph, pw], d, ceil);
      expect(y.shape).toEqual([1, planes, oh, ow]);
      const ref = maxPoolRef({ planes, h, w, kh, kw, sh, sw, ph, pw, dh: d, dw: d, ceil }, xs);
      expectClose(`seed=${SEED} maxpool ${h}x${w} k=${kh}x${kw} s=${sh},${sw} p=${ph},${pw} d=${d} ceil=${ceil} neg=${neg}`, y.toFloat32Array(), ref, 0);
    }
    expect(cases).toBeGreaterThan(200);
  });

  it('avg_pool2d equals the reference with PyTorch divisors (count_include_pad both ways, ceil overhang)', async () => {
    await useBuild(build);
    const rng = new Rng(SEED + 1);
    for (const [h, w] of SIZES) for (const [kh, kw, sh, sw, p] of WINDOWS) for (const ceil of [false, true]) for (const cip of [true, false]) {
      const ph = Math.min(p, kh >> 1), pw = Math.min(p, kw >> 1);
      const oh = poolOutRef(h, kh, sh, ph, 1, ceil), ow = poolOutRef(w, kw, sw, pw, 1, ceil);
      if (oh < 1 || ow < 1) continue;
      const xs = rng.f32(2 * 3 * h * w, -2, 2);
      const y = F.avgPool2d(Tensor.from(xs, [2, 3, h, w]), [kh, kw], [sh, sw], [ph, pw], ceil, cip);
      const ref = avgPoolRef({ planes: 6, h, w, kh, kw, sh, sw, ph, pw, dh: 1, dw: 1, ceil }, cip, xs);
      expectClose(`seed=${SEED + 1} avgpool ${h}x${w} k=${kh}x${kw} s=${sh},${sw} p=${ph},${pw} ceil=${ceil} cip=${cip}`, y.toFloat32Array(), ref, 1e-6);
    }
  });

  it('adaptive_avg_pool2d(1), modules and argument errors', async () => {
    await useBuild(build);
    const rng = new Rng(SEED + 2);
    for (const [c, h, w] of [[5, 7, 5], [3, 1, 1], [2, 3, 11], [1, 16, 16]]) {
      const xs = rng.f32(2 * c * h * w);
      const y = new nn.AdaptiveAvgPool2d(1).forward(Tensor.from(xs, [2, c, h, w]));
      expect(y.shape).toEqual([2, c, 1, 1]);
      const ref = Array.from({ length: 2 * c }, (_, i) => xs.subarray(i * h * w, (i + 1) * h * w).reduce((a, b) => a + b, 0) / (h * w));
      expectClose(`seed=${SEED + 2} gavgpool ${c}x${h}x${w}`, y.toFloat32Array(), ref, 1e-6);
    }
    expect(() => F.adaptiveAvgPool2d(Tensor.zeros([1, 2, 3, 3]), [1, 0])).toThrow(ArgumentError);
    expect(() => new nn.MaxPool2d(3, { padding: 2 }).forward(Tensor.zeros([1, 1, 8, 8]))).toThrow(ArgumentError);
    expect(() => new nn.MaxPool2d(5).forward(Tensor.zeros([1, 1, 3, 3]))).toThrow(ShapeError);
    expect(() => new nn.AvgPool2d(2, { divisorOverride: 3 })).toThrow(ArgumentError);
    const mp = new nn.MaxPool2d(2);
    expect(mp.forward(Tensor.from(rng.f32(3 * 7 * 5), [3, 7, 5])).shape).toEqual([3, 3, 2]);
  });

  it('BatchNorm2d (eval) matches (x - mean) / sqrt(var + eps) * w + b; keys as PyTorch; folding into Conv2d', async () => {
    await useBuild(build);
    const rng = new Rng(SEED + 3);
    for (const affine of [true, false]) {
      const c = 5, h = 7, w = 5;
      const bn = new nn.BatchNorm2d(c, { eps: 1e-3, affine });
      expect(Object.keys(bn.stateDict())).toEqual(affine ? ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked'] : ['running_mean', 'running_var', 'num_batches_tracked']);
      const sd: Record<string, { data: ArrayLike<number>; shape: number[] }> = {
        running_mean: { data: rng.f32(c), shape: [c] },
        running_var: { data: rng.f32(c, 0.1, 2), shape: [c] },
        num_batches_tracked: { data: [7], shape: [] },
      };
      if (affine) {
        sd.weight = { data: rng.f32(c), shape: [c] };
        sd.bias = { data: rng.f32(c), shape: [c] };
      }
      bn.loadStateDict(sd);
      const xs = rng.f32(2 * c * h * w, -3, 3);
      const y = bn.forward(Tensor.from(xs, [2, c, h, w]));
      const ref = Array.from(xs, (v, i) => {
        const ch = Math.floor(i / (h * w)) % c;
        const g = affine ? sd.weight.data[ch] : 1, b = affine ? sd.bias.data[ch] : 0;
        return ((v - sd.running_mean.data[ch]) / Math.sqrt(sd.running_var.data[ch] + 1e-3)) * g + b;
      });
      expectClose(`seed=${SEED + 3} batchnorm affine=${affine}`, y.toFloat32Array(), ref, 1e-5);
      // conv -> bn equals the fused conv, with and without conv bias; folding can be turned off.
      for (const bias of [true, false]) {
        const conv = new nn.Conv2d(3, c, 3, { padding: 1, bias });
        const x = Tensor.from(rng.f32(2 * 3 * h * w), [2, 3, h, w]);
        const twoStep = bn.forward(conv.forward(x)).toFloat32Array();
        const plan = planFoldedForward([conv, bn, new nn.Flatten()]);
        expect(plan.steps.length).toBe(2);
        let t = x;
        for (const m of plan.steps) t = (m as unknown as { forward(x: Tensor): Tensor }).forward(t);
        expect(t.shape).toEqual([2, c * h * w]);
        expectClose(`seed=${SEED + 3} fused conv+bn bias=${bias} affine=${affine}`, t.toFloat32Array(), twoStep, 1e-5);
        expect(planFoldedForward([conv, bn], { foldBatchNorm: false }).steps).toEqual([conv, bn]);
        disposeFoldedPlan(plan);
        conv.dispose();
      }
      bn.dispose();
    }
  });

  it('a Sequential conv-bn-relu-pool-flatten runs the same folded and unfolded; BN loads without num_batches_tracked', async () => {
    await useBuild(build);
    const rng = new Rng(SEED + 4);
    const seq = new nn.Sequential(new nn.Conv2d(3, 6, 3, { padding: 1 }), new nn.BatchNorm2d(6), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten());
    const sd: Record<string, { data: ArrayLike<number>; shape: number[] }> = {};
    for (const [k, t] of Object.entries(seq.stateDict())) if (k !== '1.num_batches_tracked') sd[k] = { data: rng.f32(t.numel, 0.2, 1.5), shape: [...t.shape] };
    seq.loadStateDict(sd);
    const x = Tensor.from(rng.f32(2 * 3 * 9 * 7, -2, 2), [2, 3, 9, 7]);
    const want = seq.forward(x).toFloat32Array();
    const plan = planFoldedForward([...seq]);
    expect(plan.steps.length).toBe(4);
    let t = x;
    for (const m of plan.steps) t = (m as unknown as { forward(x: Tensor): Tensor }).forward(t);
    expect(t.shape).toEqual([2, 6 * 4 * 3]);
    expectClose(`seed=${SEED + 4} folded Sequential`, t.toFloat32Array(), want, 1e-5);
    disposeFoldedPlan(plan);
    seq.dispose();
  });

  it('Flatten / F.flatten follow PyTorch start/end dims (views, no copy)', async () => {
    await useBuild(build);
    const x = Tensor.zeros([2, 3, 4, 5]);
    expect(new nn.Flatten().forward(x).shape).toEqual([2, 60]);
    expect(new nn.Flatten(0, 1).forward(x).shape).toEqual([6, 4, 5]);
    expect(new nn.Flatten(2, -1).forward(x).shape).toEqual([2, 3, 20]);
    expect(F.flatten(x).shape).toEqual([120]);
    expect(() => new nn.Flatten(3, 1).forward(x)).toThrow(ArgumentError);
    expect(() => new nn.Flatten(4).forward(x)).toThrow(ArgumentError);
  });

  it('Flatten, F.flatten and BatchNorm2d reject non-tensors with ArgumentError, not a TypeError', async () => {
    await useBuild(build);
    const bn = new nn.BatchNorm2d(3);
    for (const bad of [undefined, null, [1, 2, 3], 3]) {
      expect(() => F.flatten(bad as never)).toThrow(/flatten: input must be a Tensor/);
      expect(() => new nn.Flatten().forward(bad as never)).toThrow(ArgumentError);
      expect(() => bn.forward(bad as never)).toThrow(/BatchNorm2d: input must be a Tensor/);
    }
    bn.dispose();
  });

  it('conv2d reference sanity: a 1x1 identity kernel returns the input', () => {
    const xs = new Rng(1).f32(2 * 3 * 4);
    const ws = new Float32Array([1, 0, 0, 1]);
    const y = conv2dRef({ n: 1, c: 2, h: 3, w: 4, o: 2, kh: 1, kw: 1, sh: 1, sw: 1, ph: 0, pw: 0, dh: 1, dw: 1, groups: 1, oh: 3, ow: 4 }, xs, ws, null);
    expectClose('reference identity', new Float32Array(y), xs, 0);
  });
});
