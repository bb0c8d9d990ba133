import { describe, expect, it } from 'vitest';
import { nn, Tensor, ArgumentError } from '../../dist/src/entries/node.js';
import { engineFor, useBuild } from '../helpers/engines.js';

describe('nn.Identity and nn.Dropout (eval)', () => {
  it('pass the input through as a view, print like PyTorch, and check arguments', async () => {
    await useBuild('simd');
    const x = Tensor.from([1, -2, 3, -4], [2, 2]);
    for (const m of [new nn.Identity(), new nn.Dropout(0.1)]) {
      const y = m.forward(x);
      expect(y.shape).toEqual([2, 2]);
      expect(Array.from(y.toFloat32Array())).toEqual([1, -2, 3, -4]);
      y.dispose();
      expect(x.isDisposed).toBe(false);
      expect(Array.from(x.toFloat32Array())).toEqual([1, -2, 3, -4]);
    }
    expect(String(new nn.Dropout(0.1))).toBe('Dropout(p=0.1, inplace=False)');
    expect(String(new nn.Identity())).toBe('Identity()');
    expect(() => new nn.Dropout(1.5)).toThrow(ArgumentError);
    const seq = new nn.Sequential(new nn.Linear(2, 2), new nn.Dropout(), new nn.ReLU());
    expect(seq.forward(x).shape).toEqual([2, 2]);
  });

  it('modules accept PyTorch inference idioms: model.eval(), model.train(false), model.training', async () => {
    await useBuild('simd');
    const seq = new nn.Sequential(new nn.Linear(2, 2), new nn.Dropout(), new nn.ReLU());
    expect(seq.eval()).toBe(seq);
    expect(seq.train(false)).toBe(seq);
    expect(seq.training).toBe(false);
    expect(() => seq.train()).toThrow(/train\(\): training mode is not supported/);
    seq.dispose();
  });

  it('Sequential frees the intermediates in the input\'s engine (stateless children on another engine)', async () => {
    await useBuild('simd');
    const o = await engineFor('debug');
    const seq = new nn.Sequential(new nn.ReLU(), new nn.GELU(), new nn.Tanh());
    const x = Tensor.zeros([4, 4], 'float32', o);
    const before = o.memoryStats().inUseBytes;
    const y = seq.forward(x);
    y.dispose();
    expect(o.memoryStats().inUseBytes).toBe(before);
    x.dispose();
  });
});
