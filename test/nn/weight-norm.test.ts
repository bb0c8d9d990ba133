/**
 * nn.utils.weightNorm / removeWeightNorm: torch's state_dict keys and order (bias, weight_g,
 * weight_v), g's shape per dim, w = g * v / ||v|| folded at load (float64 reference), nesting,
 * removal, memory freed on dispose, errors. Golden cases in test/fixtures/weight_norm.
 */
import { describe, expect, it } from 'vitest';
import { getEngine, nn, Tensor, ArgumentError, StateDictError } from '../../dist/src/internal.js';
import { runnableBuilds, useBuild } from '../helpers/engines.js';
import { Rng } from '../helpers/rng.js';
import { expectClose } from '../helpers/geom.js';

describe.each(runnableBuilds())('weight norm [%s build]', (build) => {
  it('keys, folding, nesting, removal and errors', async () => {
    await useBuild(build);
    const rng = new Rng(1234);
    const before = getEngine().memoryStats().inUseBytes;
    const conv = nn.utils.weightNorm(new nn.Conv1d(4, 6, 3), 'weight', 2);
    expect(Object.keys(conv.stateDict())).toEqual(['bias', 'weight_g', 'weight_v']);
    expect(conv.stateDict().weight_g.shape).toEqual([1, 1, 3]);
    expect(String(conv)).toBe('Conv1d(4, 6, kernel_size=(3,), stride=(1,))');
    const v = rng.f32(6 * 4 * 3), g = rng.f32(3, 0.5, 2), b = rng.f32(6);
    conv.loadStateDict({ bias: { data: b, shape: [6] }, weight_g: { data: g, shape: [1, 1, 3] }, weight_v: { data: v, shape: [6, 4, 3] } });
    const ref = new Float64Array(v.length);
    for (let k = 0; k < 3; k++) {
      let s = 0;
      for (let i = 0; i < 24; i++) s += v[i * 3 + k] ** 2;
      for (let i = 0; i < 24; i++) ref[i * 3 + k] = (g[k] * v[i * 3 + k]) / Math.sqrt(s);
    }
    expectClose('folded weight', conv.weight.toFloat32Array(), ref, 1e-6);
    const x = Tensor.from(rng.f32(2 * 4 * 7), [2, 4, 7]);
    const plain = new nn.Conv1d(4, 6, 3);
    plain.loadStateDict({ weight: { data: Float32Array.from(ref), shape: [6, 4, 3] }, bias: { data: b, shape: [6] } });
    getEngine().scope(() => expectClose('forward', conv.forward(x).toFloat32Array(), plain.forward(x).toFloat32Array(), 1e-6));
    expect(() => conv.loadStateDict({ bias: { data: b, shape: [6] }, weight: { data: v, shape: [6, 4, 3] } })).toThrow(StateDictError);
    expect(() => nn.utils.weightNorm(conv)).toThrow(ArgumentError);
    nn.utils.removeWeightNorm(conv);
    expect(Object.keys(conv.stateDict())).toEqual(['weight', 'bias']);
    expectClose('after removal', conv.weight.toFloat32Array(), ref, 1e-6);
    expect(() => nn.utils.removeWeightNorm(conv)).toThrow(ArgumentError);

    const seq = new nn.Sequential(nn.utils.weightNorm(new nn.Linear(3, 2)), new nn.ReLU());
    expect(Object.keys(seq.stateDict())).toEqual(['0.bias', '0.weight_g', '0.weight_v']);
    expect(seq.stateDict()['0.weight_g'].shape).toEqual([2, 1]);
    const lw = rng.f32(6), lg = rng.f32(2, 0.5, 2);
    seq.loadStateDict({ '0.bias': { data: [0, 0], shape: [2] }, '0.weight_g': { data: lg, shape: [2, 1] }, '0.weight_v': { data: lw, shape: [2, 3] } });
    const xs = Tensor.from([1, 2, 3], [1, 3]);
    const want = [0, 1].map((o) => Math.max(0, (lg[o] / Math.hypot(lw[3 * o], lw[3 * o + 1], lw[3 * o + 2])) * (lw[3 * o] + 2 * lw[3 * o + 1] + 3 * lw[3 * o + 2])));
    getEngine().scope(() => expectClose('Linear in Sequential', seq.forward(xs).toFloat32Array(), want, 1e-5));
    expect(() => nn.utils.weightNorm(new nn.ReLU())).toThrow(ArgumentError);
    const lin = new nn.Linear(3, 2);
    expect(() => nn.utils.weightNorm(lin, 'weight', 2)).toThrow(ArgumentError);
    lin.dispose();
    for (const t of [x, xs]) t.dispose();
    for (const m of [conv, plain, seq]) m.dispose();
    expect(getEngine().memoryStats().inUseBytes).toBe(before);
  });
});
