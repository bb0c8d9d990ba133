/**
 * Functional forms and torch.nn modules of the elementwise and normalization ops: module output
 * equals F.*, LayerNorm state_dict keys and options, typed errors for bad arguments.
 */
import { describe, expect, it } from 'vitest';
import { F, nn, Tensor, ArgumentError, ShapeError, DisposedError } from '../../dist/src/entries/node.js';
import { otherEngine, runnableBuilds, useBuild } from '../helpers/engines.js';
import { Rng } from '../helpers/rng.js';
import { layerNormRow, softmaxRow } from '../reference/eltwise.js';

describe.each(runnableBuilds())('elementwise modules [%s build]', (build) => {
  it('activation modules equal their functional forms', async () => {
    await useBuild(build);
    const x = Tensor.from(new Rng(1).f32(2 * 3 * 5, -4, 4), [2, 3, 5]);
    const same = (a: Tensor, b: Tensor) => expect(Array.from(a.toFloat32Array())).toEqual(Array.from(b.toFloat32Array()));
    same(new nn.ReLU().forward(x), F.relu(x));
    same(new nn.LeakyReLU(0.3).forward(x), F.leakyRelu(x, 0.3));
    same(new nn.LeakyReLU().forward(x), F.leakyRelu(x));
    same(new nn.GELU().forward(x), F.gelu(x));
    same(new nn.GELU({ approximate: 'tanh' }).forward(x), F.gelu(x, { approximate: 'tanh' }));
    same(new nn.SiLU().forward(x), F.silu(x));
    same(new nn.Sigmoid().forward(x), F.sigmoid(x));
    same(new nn.Tanh().forward(x), F.tanh(x));
    same(new nn.Softmax(-1).forward(x), F.softmax(x, 2));
    same(new nn.LogSoftmax(2).forward(x), F.logSoftmax(x));
    expect(String(new nn.LeakyReLU(0.3))).toBe('LeakyReLU(negative_slope=0.3)');
    expect(String(new nn.LeakyReLU())).toBe('LeakyReLU(negative_slope=0.01)');
    expect(String(new nn.GELU())).toBe("GELU(approximate='none')");
    expect(String(new nn.Softmax(1))).toBe('Softmax(dim=1)');
    expect(String(new nn.GELU({ approximate: 'tanh' }))).toContain("approximate='tanh'");
    expect(F.gelu(x, { approximate: 'tanh' }).toFloat32Array()).not.toEqual(F.gelu(x).toFloat32Array());
  });

  it('LayerNorm: state_dict keys, options, forward against the f64 reference', async () => {
    await useBuild(build);
    expect(Object.keys(new nn.LayerNorm(8).stateDict())).toEqual(['weight', 'bias']);
    expect(Object.keys(new nn.LayerNorm([2, 4], { bias: false }).stateDict())).toEqual(['weight']);
    expect(Object.keys(new nn.LayerNorm(8, { elementwiseAffine: false }).stateDict())).toEqual([]);
    const rng = new Rng(2);
    const [rows, n] = [6, 12];
    const xv = rng.randn(rows * n);
    const wv = rng.randn(n);
    const bv = rng.randn(n);
    const ln = new nn.LayerNorm([3, 4], { eps: 1e-6 });
    expect(ln.stateDict().weight.shape).toEqual([3, 4]);
    ln.loadStateDict({ weight: { data: wv, shape: [3, 4] }, bias: { data: bv, shape: [3, 4] } });
    const y = ln.forward(Tensor.from(xv, [2, 3, 3, 4])).toFloat32Array();
    for (let r = 0; r < rows; r++) {
      const ref = layerNormRow(xv.subarray(r * n, (r + 1) * n), 1e-6, wv, bv);
      for (let i = 0; i < n; i++) expect(Math.abs(y[r * n + i] - ref[i])).toBeLessThan(2e-6 * (1 + Math.abs(ref[i])));
    }
    // weight only, bias only, neither (functional)
    const x = Tensor.from(xv, [rows, n]);
    const w = Tensor.from(wv, [n]);
    const b = Tensor.from(bv, [n]);
    for (const [wt, bt] of [[w, null], [null, b], [null, null]] as const) {
      const got = F.layerNorm(x, [n], wt, bt).toFloat32Array();
      const ref = layerNormRow(xv.subarray(0, n), 1e-5, wt ? wv : undefined, bt ? bv : undefined);
      for (let i = 0; i < n; i++) expect(Math.abs(got[i] - ref[i])).toBeLessThan(2e-6 * (1 + Math.abs(ref[i])));
    }
    expect(String(ln)).toContain('LayerNorm((3, 4), eps=1e-06, elementwise_affine=True)');
    expect(String(new nn.LayerNorm(64))).toBe('LayerNorm((64,), eps=1e-05, elementwise_affine=True)');
  });

  it('bad arguments throw typed errors naming argument and shapes', async () => {
    await useBuild(build);
    const x = Tensor.zeros([2, 3]);
    expect(() => F.softmax(x, 2)).toThrow(ArgumentError);
    expect(() => F.softmax(x, 0.5)).toThrow(/dim must be an integer in \[-2, 1\] for input of shape \[2, 3\], got 0.5/);
    expect(() => F.logSoftmax(x, 2)).toThrow(/dim must be an integer in \[-2, 1\]/);
    expect(() => F.gelu(x, { approximate: 'fast' as 'tanh' })).toThrow(ArgumentError);
    expect(() => new nn.GELU({ approximate: 'erf' as 'none' })).toThrow(ArgumentError);
    expect(() => F.leakyRelu(x, Number.NaN)).toThrow(/negativeSlope/);
    expect(() => F.layerNorm(x, [4])).toThrow(ShapeError);
    expect(() => F.layerNorm(x, [4])).toThrow(/\[2, 3\] does not end with normalizedShape \[4\]/);
    expect(() => F.layerNorm(x, [3], Tensor.zeros([4]))).toThrow(/weight has shape \[4\], expected \[3\]/);
    expect(() => F.layerNorm(x, [])).toThrow(ArgumentError);
    expect(() => new nn.LayerNorm(0)).toThrow(ArgumentError);
    expect(() => F.relu(Tensor.zeros([2], 'int32'))).toThrow(/dtype float32/);
    const d = Tensor.zeros([4]);
    d.dispose();
    expect(() => F.sigmoid(d)).toThrow(DisposedError);
    expect(() => F.add(d, 1)).toThrow(DisposedError);
    // empty tensors and 0-d
    expect(F.softmax(Tensor.zeros([0, 5])).shape).toEqual([0, 5]);
    expect(Array.from(F.softmax(Tensor.from([3], [])).toFloat32Array())).toEqual([1]);
  });

  it('an out tensor from another engine is rejected before the kernel writes through its pointer', async () => {
    const e = await useBuild(build);
    const o = await otherEngine(build);
    const x = Tensor.from(new Float32Array([-1, 2, 3, -4, 5, 6]), [2, 3], 'float32', e);
    const out = Tensor.zeros([2, 3], 'float32', o);
    const lin = new nn.Linear(3, 3, {}, e);
    for (const f of [() => F.relu(x, out), () => F.gelu(x, {}, out), () => F.softmax(x, -1, out), () => F.logSoftmax(x, 1, out), () => lin.forward(x, out)]) {
      expect(f).toThrow(/out \(shape \[2, 3\]\) lives in another engine/);
    }
    expect(Array.from(out.toFloat32Array())).toEqual([0, 0, 0, 0, 0, 0]);
    for (const t of [x, out, lin]) t.dispose();
  });
});

describe.each(runnableBuilds())('F.softmax / F.logSoftmax over any dim [%s build]', (build) => {
  it('every dim of a 4-d tensor (negative and positive) matches the f64 reference', async () => {
    await useBuild(build);
    const shape = [2, 3, 5, 7];
    const xv = new Rng(5).f32(2 * 3 * 5 * 7, -3, 3);
    const x = Tensor.from(xv, shape);
    const strides = [105, 35, 7, 1];
    for (const log of [false, true]) {
      for (const dim of [0, 1, 2, 3, -1, -2, -3, -4]) {
        const d = dim < 0 ? dim + 4 : dim;
        const y = (log ? F.logSoftmax(x, dim) : new nn.Softmax(dim).forward(x)).toFloat32Array();
        for (let f = 0; f < xv.length; f++) {
          const idx = strides.map((s, i) => Math.floor(f / s) % shape[i]);
          if (idx[d] !== 0) continue;
          const col = Array.from({ length: shape[d] }, (_, j) => xv[f + j * strides[d]]);
          const ref = softmaxRow(col, log);
          for (let j = 0; j < shape[d]; j++) {
            const g = y[f + j * strides[d]];
            if (!(Math.abs(g - ref[j]) <= 1e-6 * (1 + Math.abs(ref[j])))) expect.fail(`${log ? 'log_' : ''}softmax dim=${dim} at ${f + j * strides[d]}: got ${g}, expected ${ref[j]}`);
          }
        }
      }
    }
  });
});
