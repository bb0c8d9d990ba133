/**
 * Data-movement operators (cat, stack, F.pad in every mode, tril/triu, arange, eye, F.oneHot,
 * gather, indexSelect/take, scatter with reductions, nonzero, F.pixelShuffle/pixelUnshuffle,
 * channelShuffle and their nn modules) against the index-loop references of
 * test/reference/data.ts, over odd shapes, non-contiguous inputs, negative dims and several
 * dtypes; bad arguments are typed errors naming the argument; nothing leaks on error.
 */
import { describe, expect, it } from 'vitest';
import { F, nn, Tensor, cat, stack, tril, triu, arange, eye, gather, indexSelect, take, scatter, nonzero, ArgumentError, ShapeError, DTypeError, type Engine } from '../../dist/src/entries/node.js';
import { runnableBuilds, useBuild } from '../helpers/engines.js';
import { catRef, mapIndex, nd, padRef, permuteRef, ravel, takeRef, unravel, type Nd } from '../reference/data.js';

const flat = (t: Tensor) => Array.from(t.toFloat32Array());
const T = (x: Nd) => Tensor.from(new Float32Array(x.data), x.shape);
function same(t: Tensor, r: Nd, label: string) {
  expect(t.shape, label).toEqual(r.shape);
  expect(flat(t), label).toEqual(r.data);
}
const I64 = (v: number[], shape = [v.length]) => Tensor.from(new BigInt64Array(v.map(BigInt)), shape);

describe.each(runnableBuilds())('data-movement ops [%s build]', (build) => {
  it('cat / stack: odd shapes, negative dims, non-contiguous inputs, int64, errors', async () => {
    await useBuild(build);
    const a = nd([2, 3, 5]);
    const b = nd([2, 4, 5], (i) => 100 + i);
    const c = nd([2, 1, 5], (i) => -i);
    same(cat([T(a), T(b), T(c)], 1), catRef([a, b, c], 1), 'cat dim 1');
    same(cat([T(a), T(a)], -1), catRef([a, a], 2), 'cat dim -1');
    // a transposed (non-contiguous) input is copied from its strides
    const bt = T(permuteRef(b, [1, 0, 2])).transpose(0, 1); // [2,4,5] view
    expect(bt.isContiguous()).toBe(false);
    same(cat([T(a), bt], 1), catRef([a, b], 1), 'cat of a view');
    same(cat([Tensor.from([], [0]), T(a)], 0), a, 'cat skips 1-D empty tensors');
    const s = stack([T(a), T(a)], -1);
    expect(s.shape).toEqual([2, 3, 5, 2]);
    same(s, mapIndex(a, [2, 3, 5, 2], (i) => i.slice(0, 3)), 'stack -1');
    const ia = I64([1, 2, 3], [3, 1]);
    expect(Array.from(cat([ia, ia], 1).toTypedArray() as BigInt64Array)).toEqual([1n, 1n, 2n, 2n, 3n, 3n]);
    expect(() => cat([T(a), T(nd([3, 3, 5]))], 1)).toThrow(/tensors\[1\] has shape \[3, 3, 5\], expected \[2, \*, 5\]/);
    expect(() => cat([T(a), ia], 0)).toThrow(DTypeError);
    expect(() => cat([], 0)).toThrow(ArgumentError);
    expect(() => cat([T(a)], 3)).toThrow(/dim must be an integer in \[-3, 2\]/);
    expect(() => stack([T(a), T(b)])).toThrow(/tensors\[1\] has shape \[2, 4, 5\], expected the shape \[2, 3, 5\]/);
  });

  it('F.pad: constant (negative pads crop), reflect, replicate, circular; views; dtypes; errors', async () => {
    const e: Engine = await useBuild(build);
    const x = nd([2, 3, 4, 5], (i) => i * 0.5 - 7);
    const t = T(x);
    for (const [p, mode] of [
      [[1, 2], 'constant'], [[2, 1, 0, 3], 'constant'], [[-1, 2, 1, -2], 'constant'], [[1, 1, 1, 1, 1, 1], 'constant'],
      [[2, 3], 'reflect'], [[4, 1, 3, 2], 'reflect'], [[1, 1, 2, 0, 1, 1], 'reflect'],
      [[3, 2], 'replicate'], [[2, 5, 1, 4], 'replicate'],
      [[5, 3], 'circular'], [[2, 1, 3, 4], 'circular'], [[1, 0, 1, 2, 1, 1], 'circular'],
    ] as [number[], 'constant'][]) {
      same(F.pad(t, p, mode, 1.5), padRef(x, p, mode, 1.5), `pad ${mode} ${p}`);
    }
    const tv = t.transpose(2, 3); // [2,3,5,4] view
    same(F.pad(tv, [1, 2, 2, 1], 'reflect'), padRef(permuteRef(x, [0, 1, 3, 2]), [1, 2, 2, 1], 'reflect'), 'reflect of a view');
    const ti = Tensor.from(new Int32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    expect(Array.from(F.pad(ti, [1, 1], 'constant', 9).toTypedArray())).toEqual([9, 1, 2, 3, 9, 9, 4, 5, 6, 9]);
    const before = e.memoryStats().inUseBytes;
    expect(() => F.pad(t, [5, 0], 'reflect')).toThrow(/reflect pads \(5, 0\) of dim 3 \(size 5\) must be in \[0, 4\]/);
    expect(() => F.pad(t, [1, 2, 3])).toThrow(/even-length array/);
    expect(() => F.pad(t, [1, 1], 'wrap' as never)).toThrow(/mode must be/);
    expect(() => F.pad(t, [-3, -3])).toThrow(ShapeError);
    expect(e.memoryStats().inUseBytes).toBe(before);
  });

  it('tril / triu over batched odd matrices, diagonals, views and int64', async () => {
    await useBuild(build);
    const x = nd([2, 5, 7], (i) => i + 1);
    for (const k of [0, 1, -2, 6, -9]) {
      expect(flat(tril(T(x), k))).toEqual(x.data.map((v, f) => { const [, i, j] = unravel(f, x.shape); return j <= i + k ? v : 0; }));
      expect(flat(triu(T(x), k))).toEqual(x.data.map((v, f) => { const [, i, j] = unravel(f, x.shape); return j >= i + k ? v : 0; }));
    }
    const v = T(x).transpose(-1, -2); // [2,7,5] view
    const vr = permuteRef(x, [0, 2, 1]);
    expect(flat(triu(v, 1))).toEqual(vr.data.map((q, f) => { const [, i, j] = unravel(f, vr.shape); return j >= i + 1 ? q : 0; }));
    expect(Array.from(tril(I64([1, 2, 3, 4], [2, 2])).toTypedArray() as BigInt64Array)).toEqual([1n, 0n, 3n, 4n]);
    expect(() => tril(I64([1, 2]))).toThrow(/at least 2 dims/);
  });

  it('arange / eye / F.oneHot', async () => {
    await useBuild(build);
    const r = arange(5);
    expect(r.dtype).toBe('int64');
    expect(Array.from(r.toTypedArray() as BigInt64Array)).toEqual([0n, 1n, 2n, 3n, 4n]);
    expect(flat(arange(1, 2, 0.25))).toEqual([1, 1.25, 1.5, 1.75]);
    expect(arange(0, 1, 0.3).shape).toEqual([4]);
    expect(flat(arange(10, 2, -3))).toEqual([10, 7, 4]);
    expect(arange(3, 0).numel).toBe(0);
    expect(flat(arange(0, 3, 1, { dtype: 'float32' }))).toEqual([0, 1, 2]);
    expect(() => arange(0, 3, 0)).toThrow(/step must be non-zero/);
    expect(flat(eye(2, 3))).toEqual([1, 0, 0, 0, 1, 0]);
    expect(flat(eye(3, 3, { k: -1 }))).toEqual([0, 0, 0, 1, 0, 0, 0, 1, 0]);
    const oh = F.oneHot(I64([0, 2, 1], [3]), 4);
    expect(oh.shape).toEqual([3, 4]);
    expect(flat(oh)).toEqual([1, 0, 0, 0, 0, 0, 1, 0, 0, 1, 0, 0]);
    expect(F.oneHot(I64([0, 3], [2])).shape).toEqual([2, 4]);
    const ax = F.oneHot(I64([1, -1], [2]), 3, { axis: 0, values: [2, 5], dtype: 'float32' });
    expect(flat(ax)).toEqual([2, 2, 5, 2, 2, 5]);
    expect(() => F.oneHot(I64([5]), 3)).toThrow(/tensor\[0\] = 5 is out of range/);
    expect(flat(F.oneHot(I64([5]), 3, { ignoreOutOfRange: true }))).toEqual([0, 0, 0]);
  });

  it('gather / indexSelect / take / scatter / nonzero against index loops', async () => {
    await useBuild(build);
    const x = nd([3, 4, 5]);
    const t = T(x);
    // index_select / take with negative indices, on a view
    same(indexSelect(t, 1, I64([3, 0, -1, 3])), takeRef(x, 1, [3, 0, 3, 3]), 'index_select');
    same(indexSelect(t.transpose(0, 2), 0, I64([4, 1])), takeRef(permuteRef(x, [2, 1, 0]), 0, [4, 1]), 'index_select of a view');
    const tk = take(t, -1, I64([1, 4, 0, 2], [2, 2]));
    expect(tk.shape).toEqual([3, 4, 2, 2]);
    expect(flat(tk)).toEqual(takeRef(x, 2, [1, 4, 0, 2]).data);
    expect(take(t, 0, I64([2], [])).shape).toEqual([4, 5]);
    // gather: out[i][j][k] = x[i][idx][k] for dim 1
    const idxShape = [2, 3, 4];
    const idx = Array.from({ length: 24 }, (_, f) => (f * 7) % 4);
    const g = gather(t, 1, I64(idx, idxShape));
    expect(g.shape).toEqual(idxShape);
    expect(flat(g)).toEqual(idx.map((v, f) => { const [i, , k] = unravel(f, idxShape); return x.data[ravel([i, v, k], x.shape)]; }));
    expect(() => gather(t, 1, I64([9], [1, 1, 1]))).toThrow(/index\[0\] = 9 is out of range for a dim of size 4/);
    expect(() => gather(t, 1, I64([0], [1]))).toThrow(/index must have the 3 dims of input/);
    // scatter: replace and reduce
    const base = nd([3, 5], () => 1);
    const sIdx = [[0, 2, 1, 2, 0], [1, 1, 2, 0, 0]];
    const src = nd([2, 5], (i) => i + 2);
    const sc = (reduce: 'none' | 'add' | 'multiply' | 'max' | 'min') => {
      const out = base.data.slice();
      sIdx.forEach((row, i) => row.forEach((r, j) => {
        const o = r * 5 + j;
        const v = src.data[i * 5 + j];
        out[o] = reduce === 'none' ? v : reduce === 'add' ? out[o] + v : reduce === 'multiply' ? out[o] * v : reduce === 'max' ? Math.max(out[o], v) : Math.min(out[o], v);
      }));
      return out;
    };
    for (const reduce of ['none', 'add', 'multiply', 'max', 'min'] as const) {
      expect(flat(scatter(T(base), 0, I64(sIdx.flat(), [2, 5]), T(src), { reduce })), reduce).toEqual(sc(reduce));
    }
    expect(flat(scatter(T(base), 1, I64([4, 0], [1, 2]), 7))).toEqual([7, 1, 1, 1, 7, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]);
    // nonzero
    const nzIn = Tensor.from([0, 3, 0, -1, 0, 0, 2, 0], [2, 2, 2]);
    const nz = nonzero(nzIn);
    expect(nz.shape).toEqual([3, 3]);
    expect(Array.from(nz.toTypedArray() as BigInt64Array, Number)).toEqual([0, 0, 1, 0, 1, 1, 1, 1, 0]);
    expect(nonzero(nzIn.transpose(0, 2)).shape).toEqual([3, 3]);
    // negative dims and views
    expect(flat(gather(t, -2, I64(idx, idxShape)))).toEqual(flat(g));
    const tv = T(permuteRef(x, [2, 1, 0])).permute(2, 1, 0); // a non-contiguous [3,4,5] with x's values
    expect(flat(gather(tv, 1, I64(idx, idxShape)))).toEqual(flat(g));
    expect(flat(scatter(T(base), -2, I64(sIdx.flat(), [2, 5]), T(src), { reduce: 'add' }))).toEqual(sc('add'));
    // the Tensor-method forms run the same functions
    expect(flat(t.gather(1, I64(idx, idxShape)))).toEqual(flat(g));
    expect(flat(t.indexSelect(1, I64([3, 0])))).toEqual(flat(indexSelect(t, 1, I64([3, 0]))));
    expect(flat(T(base).scatter(0, I64(sIdx.flat(), [2, 5]), T(src), { reduce: 'multiply' }))).toEqual(sc('multiply'));
    expect(flat(t.tril(1))).toEqual(flat(tril(t, 1)));
    expect(flat(t.triu(-1))).toEqual(flat(triu(t, -1)));
    expect(nzIn.nonzero().shape).toEqual([3, 3]);
  });

  it('bool / uint8 / int64 through cat, pad, tril, pixelShuffle of a view', async () => {
    await useBuild(build);
    const b = Tensor.from(new Uint8Array([1, 0, 1, 1, 0, 0]), [2, 3], 'bool');
    const bc = cat([b, b.t().contiguous().reshape([2, 3])], 0);
    expect(bc.dtype).toBe('bool');
    expect(Array.from(bc.toTypedArray())).toEqual([1, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 0]);
    expect(Array.from(tril(b).toTypedArray())).toEqual([1, 0, 0, 1, 0, 0]);
    const u = Tensor.from(new Uint8Array([1, 2, 3, 4]), [1, 4], 'uint8');
    expect(Array.from(F.pad(u, [2, 1], 'reflect').toTypedArray())).toEqual([3, 2, 1, 2, 3, 4, 3]);
    const l = I64([10, 20, 30], [3]);
    expect(Array.from(F.pad(l, [1, 2], 'replicate').toTypedArray() as BigInt64Array, Number)).toEqual([10, 10, 20, 30, 30, 30]);
    const x = nd([1, 5, 3, 4]);
    const xv = T(permuteRef(x, [0, 2, 3, 1])).permute(0, 3, 1, 2); // channels-last storage, NCHW view
    same(F.pixelUnshuffle(F.pixelShuffle(T(nd([1, 8, 3, 2])), 2), 2), nd([1, 8, 3, 2]), 'round trip');
    same(F.channelShuffle(xv, 5), F.channelShuffle(T(x), 5) && { shape: x.shape, data: flat(F.channelShuffle(T(x), 5)) }, 'channel_shuffle of a view');
  });

  it('pixelShuffle / pixelUnshuffle / channelShuffle and nn modules', async () => {
    await useBuild(build);
    const x = nd([2, 8, 3, 5]);
    const r = 2;
    const ps = F.pixelShuffle(T(x), r);
    expect(ps.shape).toEqual([2, 2, 6, 10]);
    same(ps, mapIndex(x, [2, 2, 6, 10], ([n, c, h, w]) => [n, c * r * r + (h % r) * r + (w % r), Math.floor(h / r), Math.floor(w / r)]), 'pixel_shuffle');
    same(F.pixelUnshuffle(ps, r), x, 'pixel_unshuffle inverts');
    const m = new nn.PixelShuffle(2);
    same(m.forward(T(x)), { shape: ps.shape.slice(), data: flat(ps) }, 'nn.PixelShuffle');
    expect(String(m)).toBe('PixelShuffle(upscale_factor=2)');
    const cs = F.channelShuffle(T(x), 4); // C=8 -> (g=4, k=2) -> (k, g)
    same(cs, mapIndex(x, x.shape, ([n, c, h, w]) => [n, (c % 4) * 2 + Math.floor(c / 4), h, w]), 'channel_shuffle');
    same(new nn.ChannelShuffle(4).forward(T(x)), { shape: x.shape, data: flat(cs) }, 'nn.ChannelShuffle');
    same(new nn.PixelUnshuffle(2).forward(ps), x, 'nn.PixelUnshuffle');
    expect(() => F.pixelShuffle(T(x), 3)).toThrow(/8 channels .* must be divisible by upscaleFactor\^2 = 9/);
    expect(() => F.pixelShuffle(T(x), 0)).toThrow(/upscaleFactor must be an integer >= 1, got 0/);
    expect(() => new nn.ChannelShuffle(0)).toThrow(ArgumentError);
  });
});
