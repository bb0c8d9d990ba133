import { describe, expect, it } from 'vitest';
import { Tensor, DisposedError, ShapeError, DTypeError, ArgumentError, F, scope, keep } from '../../dist/src/entries/node.js';
import { useBuild } from '../helpers/engines.js';

describe('Tensor', () => {
  it('from/zeros/full/reshape/toArray', async () => {
    await useBuild('simd');
    const t = Tensor.from(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    expect(t.shape).toEqual([2, 3]);
    expect(t.dtype).toBe('float32');
    expect(t.numel).toBe(6);
    expect(t.toArray()).toEqual([[1, 2, 3], [4, 5, 6]]);
    const r = t.reshape([3, -1]);
    expect(r.shape).toEqual([3, 2]);
    expect(r.ptr).toBe(t.ptr);
    t.dispose();
    expect(Array.from(r.toFloat32Array())).toEqual([1, 2, 3, 4, 5, 6]); // storage lives while a view does
    r.dispose();
    expect(Array.from(Tensor.zeros([3]).toFloat32Array())).toEqual([0, 0, 0]);
    expect(Array.from(Tensor.full([2], 7).toFloat32Array())).toEqual([7, 7]);
    const ids = Tensor.from(new BigInt64Array([1n, 2n, 40000000000n]), [3]);
    expect(ids.dtype).toBe('int64');
    expect(ids.toTypedArray()).toEqual(new BigInt64Array([1n, 2n, 40000000000n]));
  });

  it('bad shapes and dtypes are typed errors naming what was wrong', async () => {
    await useBuild('simd');
    expect(() => Tensor.from([1, 2, 3], [2, 2])).toThrow(ShapeError);
    expect(() => Tensor.from([1, 2, 3], [2, 2])).toThrow(/\[2, 2\] holds 4 elements but data has 3/);
    expect(() => Tensor.empty([2, -1])).toThrow(/invalid size -1/);
    expect(() => Tensor.empty([2.5])).toThrow(ShapeError);
    // A size given as a string says so (not "invalid size 3", which looks like a valid one).
    expect(() => Tensor.zeros(['3', 2] as never)).toThrow(ShapeError);
    expect(() => Tensor.zeros(['3', 2] as never)).toThrow('shape ["3", 2]: size 0 is the string "3", expected an integer >= 0 (convert it: Number("3"))');
    expect(() => Tensor.from([1, 2], [null, 2] as never)).toThrow(/size 0 is null, expected an integer >= 0/);
    expect(() => Tensor.empty([2], 'float64' as never)).toThrow(DTypeError);
    expect(() => Tensor.from([1, 2, 3, 4], [4]).reshape([3, -1])).toThrow(/cannot infer -1/);
    expect(() => Tensor.from(null as never)).toThrow(ArgumentError);
    expect(() => Tensor.from([1, 2, 3, 4], [4]).reshape([-1, -1])).toThrow(/only one dimension can be -1, got \[-1, -1\]/);
    const e = await useBuild('simd');
    const before = e.memoryStats().inUseBytes;
    expect(() => Tensor.from([[1, 2], [3, 4]] as never, [2])).toThrow(/data\[0\] must be a number, got an array/);
    expect(() => Tensor.from(['a'] as never, [1])).toThrow(ArgumentError);
    expect(() => Tensor.from([1, NaN], [2], 'int64')).toThrow(/data\[1\] = NaN cannot be stored as int64/);
    expect(() => Tensor.from(new Float32Array([Infinity]), [1], 'int64')).toThrow(ArgumentError);
    expect(e.memoryStats().inUseBytes).toBe(before);
    const ids = Tensor.from(new Int32Array([1, 2]));
    expect(() => F.relu(ids)).toThrow(/relu: input must have dtype float32, got int32/);
  });

  it('use after dispose throws DisposedError; dispose is idempotent; Symbol.dispose works', async () => {
    await useBuild('simd');
    const t = Tensor.from([1, 2], [2]);
    t[Symbol.dispose]();
    t.dispose();
    expect(t.isDisposed).toBe(true);
    expect(() => t.toFloat32Array()).toThrow(DisposedError);
    expect(() => F.relu(t)).toThrow(/used after dispose/);
    expect(String(t)).toMatch(/disposed/);
  });

  it('scope() frees intermediates, keeps returned and kept tensors', async () => {
    const e = await useBuild('simd');
    const before = e.memoryStats().inUseBytes;
    let inner!: Tensor;
    let kept!: Tensor;
    const out = scope(() => {
      inner = Tensor.from([-1, 2], [2]);
      kept = keep(Tensor.from([3], [1]));
      return F.relu(inner);
    });
    expect(inner.isDisposed).toBe(true);
    expect(kept.isDisposed).toBe(false);
    expect(Array.from(out.toFloat32Array())).toEqual([0, 2]);
    out.dispose();
    kept.dispose();
    expect(e.memoryStats().inUseBytes).toBe(before);
    // an exception inside a scope frees everything made there
    const b2 = e.memoryStats().inUseBytes;
    expect(() =>
      scope(() => {
        Tensor.from([1, 2, 3], [3]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(e.memoryStats().inUseBytes).toBe(b2);
  });
});
