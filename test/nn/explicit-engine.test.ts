/**
 * Models built with createEngine() alone (no init(), no default engine): stateless modules and
 * containers must not need a default engine; every tensor stays in the engine it was given.
 * This file must never call setEngine/useBuild (each test file runs in its own process).
 */
import { describe, expect, it } from 'vitest';
import { nn, Tensor } from '../../dist/src/entries/node.js';
import { engineFor } from '../helpers/engines.js';

describe('modules with an explicit engine and no default engine', () => {
  it('stateless modules, Sequential, ModuleList and TransformerEncoder build and run', async () => {
    const e = await engineFor('simd');
    const seq = new nn.Sequential(new nn.Linear(4, 3, {}, e), new nn.ReLU(), new nn.GELU(), new nn.Dropout(), new nn.Flatten());
    const x = Tensor.from(new Float32Array(8).map((_, i) => i - 4), [2, 4], 'float32', e);
    const y = seq.forward(x);
    expect(y.shape).toEqual([2, 3]);
    expect(y.engine).toBe(e);
    for (const m of [new nn.MaxPool2d(2), new nn.AvgPool2d(2), new nn.AdaptiveAvgPool2d(1), new nn.Softmax(-1), new nn.Identity(), new nn.ModuleList()]) {
      expect(String(m)).toMatch(/^\w+\(/);
    }
    const enc = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 8 }, e), 2, {}, e);
    const z = enc.forward(Tensor.zeros([3, 1, 4], 'float32', e));
    expect(z.shape).toEqual([3, 1, 4]);
    expect(Object.values(enc.stateDict()).every((t) => t.engine === e)).toBe(true);
  });
});
