/**
 * Strided views on Tensor (transpose, permute, t, narrow, slice, select, at, expand, squeeze,
 * unsqueeze, flatten, unflatten, view/reshape, split, chunk, unbind, repeat, contiguous) against
 * the index-loop references of test/reference/data.ts; views share memory; every operator reads a
 * non-contiguous view correctly (the cached contiguous copy, remade when the memory changed); bad
 * arguments are typed errors naming the argument.
 */
import { describe, expect, it } from 'vitest';
import { F, nn, Tensor, ArgumentError, ShapeError, type Engine } from '../../dist/src/entries/node.js';
import { runnableBuilds, useBuild } from '../helpers/engines.js';
import { Rng } from '../helpers/rng.js';
import { expandRef, nd, permuteRef, pySlice, repeatRef, selectRef, takeRef, type Nd } from '../reference/data.js';

const flat = (t: Tensor) => Array.from(t.toFloat32Array());
const T = (x: Nd) => Tensor.from(new Float32Array(x.data), x.shape);
function same(t: Tensor, r: Nd, label: string) {
  expect(t.shape, label).toEqual(r.shape);
  expect(flat(t), label).toEqual(r.data);
}
const settle = () => new Promise<void>((r) => setTimeout(r, 0));

describe.each(runnableBuilds())('Tensor views [%s build]', (build) => {
  it('transpose / permute / t: views with torch strides, values as the reference', async () => {
    await useBuild(build);
    const x = nd([2, 3, 4, 5]);
    const t = T(x);
    const a = t.transpose(1, -1);
    expect(a.shape).toEqual([2, 5, 4, 3]);
    expect(a.stride()).toEqual([60, 1, 5, 20]);
    expect(a.isContiguous()).toBe(false);
    same(a, permuteRef(x, [0, 3, 2, 1]), 'transpose(1,-1)');
    for (const p of [[3, 2, 1, 0], [1, 0, 3, 2], [0, 2, 3, 1], [2, 0, 1, 3]]) same(t.permute(p), permuteRef(x, p), `permute ${p}`);
    same(t.permute(-1, 0, 1, 2), permuteRef(x, [3, 0, 1, 2]), 'permute varargs negative');
    const m = Tensor.from(new Float32Array(nd([3, 7]).data), [3, 7]);
    same(m.t(), permuteRef(nd([3, 7]), [1, 0]), 't()');
    same(m.t().t(), nd([3, 7]), 't().t()');
    expect(m.t().t().isContiguous()).toBe(true);
    same(t.movedim(1, -1), permuteRef(x, [0, 2, 3, 1]), 'movedim');
    same(t.movedim([0, 3], [2, 0]), permuteRef(x, [3, 1, 0, 2]), 'movedim lists');
    const fl = t.flip([1, -1]);
    expect(fl.isContiguous()).toBe(true);
    same(fl, takeRef(takeRef(x, 1, [2, 1, 0]), 3, [4, 3, 2, 1, 0]), 'flip');
    expect(() => t.t()).toThrow(ShapeError);
    expect(() => t.permute([0, 1, 1, 2])).toThrow(/repeat a dim/);
    expect(() => t.permute([0, 1])).toThrow(ArgumentError);
    expect(() => t.transpose(0, 4)).toThrow(/dim1 must be an integer in \[-4, 3\] for a 4-d tensor, got 4/);
  });

  it('narrow / slice (positive and negative steps) / select / at', async () => {
    await useBuild(build);
    const x = nd([4, 6, 5]);
    const t = T(x);
    same(t.narrow(1, 2, 3), takeRef(x, 1, [2, 3, 4]), 'narrow');
    same(t.narrow(-1, -2, 2), takeRef(x, 2, [3, 4]), 'narrow negative start');
    expect(t.narrow(0, 1, 2).isContiguous()).toBe(true);
    for (const [s, e, st] of [[null, null, 1], [1, null, 2], [-4, -1, 1], [null, null, -1], [4, 0, -2], [-1, -100, -3], [10, 20, 1], [2, 2, 1], [-100, 100, 4]] as [number | null, number | null, number][]) {
      same(t.slice(1, s, e, st), takeRef(x, 1, pySlice(6, s, e, st)), `slice(1, ${s}, ${e}, ${st})`);
    }
    same(t.select(1, -1), selectRef(x, 1, 5), 'select(1,-1)');
    same(t.select(0, 2), selectRef(x, 0, 2), 'select(0,2)');
    same(t.at(':', 0), selectRef(x, 1, 0), "at(':', 0)");
    same(t.at('...', '1:4'), takeRef(x, 2, [1, 2, 3]), "at('...', '1:4')");
    same(t.at(null, '::-2', -1), selectRef(takeRef(x, 1, [5, 3, 1]), 2, 4), "at(null, '::-2', -1)");
    same(t.at(1, '...'), selectRef(x, 0, 1), "at(1, '...')");
    expect(() => t.narrow(1, 4, 3)).toThrow(/length must be an integer in \[0, 2\]/);
    expect(() => t.select(0, 4)).toThrow(/index must be an integer in \[-4, 3\] for dim 0 of size 4, got 4/);
    expect(() => t.slice(0, 0, 2, 0)).toThrow(/step must be a non-zero integer/);
    expect(() => t.at('x')).toThrow(ArgumentError);
    expect(() => t.at(0, 0, 0, 0)).toThrow(/4 indices for a 3-d tensor/);
  });

  it('expand / squeeze / unsqueeze / flatten / unflatten / view / reshape', async () => {
    await useBuild(build);
    const x = nd([3, 1, 4]);
    const t = T(x);
    const e = t.expand(2, 3, 5, -1);
    expect(e.stride()).toEqual([0, 4, 0, 1]);
    same(e, expandRef(x, [2, 3, 5, 4]), 'expand');
    same(t.expand([3, 1, 4]), x, 'expand same');
    expect(() => t.expand(3, 2, 5)).toThrow(/size 4 of dim 2 .* cannot be expanded to 5/);
    expect(t.squeeze().shape).toEqual([3, 4]);
    expect(t.squeeze(0).shape).toEqual([3, 1, 4]);
    expect(t.squeeze(-2).shape).toEqual([3, 4]);
    expect(t.unsqueeze(0).shape).toEqual([1, 3, 1, 4]);
    expect(t.unsqueeze(-1).shape).toEqual([3, 1, 4, 1]);
    expect(t.unsqueeze(3).stride()).toEqual([4, 4, 1, 1]);
    expect(() => t.unsqueeze(5)).toThrow(/dim must be an integer in \[-4, 3\]/);
    const y = nd([2, 3, 4]);
    const u = T(y);
    const tr = u.transpose(0, 2); // [4,3,2]
    same(tr.flatten(), permuteRef(y, [2, 1, 0]) && { shape: [24], data: permuteRef(y, [2, 1, 0]).data }, 'flatten of a transpose (copy)');
    same(tr.unflatten(0, [2, -1]), { shape: [2, 2, 3, 2], data: permuteRef(y, [2, 1, 0]).data }, 'unflatten');
    expect(u.flatten(1).shape).toEqual([2, 12]);
    expect(u.flatten(0, 1).shape).toEqual([6, 4]);
    // a view that can still be viewed: narrow along the last dim keeps rows
    const n = u.narrow(2, 1, 2); // [2,3,2] strides [12,4,1]
    const v = n.view([2, 3, 2, 1]);
    expect(v.stride()).toEqual([12, 4, 1, 1]);
    same(v, { shape: [2, 3, 2, 1], data: takeRef(y, 2, [1, 2]).data }, 'view of a narrow');
    expect(() => tr.view([24])).toThrow(/not compatible with the strides/);
    const r = tr.reshape([6, 4]);
    expect(r.isContiguous()).toBe(true);
    same(r, { shape: [6, 4], data: permuteRef(y, [2, 1, 0]).data }, 'reshape of a transpose copies');
    u.data<'float32'>()[0] = 100; // the copy does not see later writes; views do
    expect(flat(r)[0]).toBe(0);
    expect(flat(tr)[0]).toBe(100);
  });

  it('split / chunk / unbind / repeat / contiguous / clone', async () => {
    await useBuild(build);
    const x = nd([5, 7]);
    const t = T(x);
    const parts = t.split(3, 1);
    expect(parts.map((p) => p.shape)).toEqual([[5, 3], [5, 3], [5, 1]]);
    same(parts[1], takeRef(x, 1, [3, 4, 5]), 'split size');
    const secs = t.split([1, 4], 0);
    same(secs[1], takeRef(x, 0, [1, 2, 3, 4]), 'split sections');
    expect(() => t.split([1, 3], 0)).toThrow(/sections \[1, 3\] must be integers >= 0 summing to the size 5 of dim 0/);
    expect(t.chunk(3, 1).map((p) => p.shape[1])).toEqual([3, 3, 1]);
    expect(t.chunk(4, 0).map((p) => p.shape[0])).toEqual([2, 2, 1]);
    expect(() => t.chunk(0)).toThrow(/chunks must be an integer >= 1, got 0/);
    same(t.unbind(1)[6], selectRef(x, 1, 6), 'unbind');
    same(t.repeat(2, 1, 3), repeatRef(x, [2, 1, 3]), 'repeat with a new dim');
    same(t.t().repeat(2, 2), repeatRef(permuteRef(x, [1, 0]), [2, 2]), 'repeat of a view');
    expect(() => t.repeat(2)).toThrow(/at least the 2 dims/);
    const c = t.t().contiguous();
    expect(c.isContiguous()).toBe(true);
    same(c, permuteRef(x, [1, 0]), 'contiguous');
    const c2 = t.contiguous();
    expect(c2.ptr).toBe(t.ptr);
    c2.dispose();
    expect(flat(t)).toEqual(x.data); // the shared handle's dispose did not free t
    same(t.t().clone(), permuteRef(x, [1, 0]), 'clone of a view');
  });

  it('every dtype moves through views bit-exactly (int64, int32, bool, uint8)', async () => {
    await useBuild(build);
    const i64 = Tensor.from(new BigInt64Array([1n, -2n, 3n, 2n ** 40n, 5n, -(2n ** 50n)]), [2, 3]);
    expect(Array.from(i64.t().toTypedArray() as BigInt64Array)).toEqual([1n, 2n ** 40n, -2n, 5n, 3n, -(2n ** 50n)]);
    const i32 = Tensor.from(new Int32Array([1, 2, 3, 4, 5, 6]), [3, 2]);
    expect(Array.from(i32.slice(0, null, null, -1).toTypedArray())).toEqual([5, 6, 3, 4, 1, 2]);
    const b = Tensor.from(new Uint8Array([1, 0, 0, 1, 1, 0]), [2, 3], 'bool');
    expect(Array.from(b.t().contiguous().toTypedArray())).toEqual([1, 1, 0, 1, 0, 0]);
    const u8 = Tensor.from(new Uint8Array([9, 8, 7]), [3, 1], 'uint8');
    expect(u8.expand(3, 2).dtype).toBe('uint8');
    expect(Array.from(u8.expand(3, 2).toTypedArray())).toEqual([9, 9, 8, 8, 7, 7]);
  });

  it('operators read non-contiguous views: relu, linear, add, matmul, softmax match the contiguous input', async () => {
    const e: Engine = await useBuild(build);
    const rng = new Rng(7);
    const base = Tensor.from(rng.f32(6 * 9, -2, 2), [6, 9]);
    const tr = base.t(); // [9, 6]
    const ref = tr.contiguous().clone();
    expect(flat(F.relu(tr))).toEqual(flat(F.relu(ref)));
    const w = Tensor.from(rng.f32(4 * 3), [4, 3]);
    const sl = base.slice(1, 2, 8, 2); // [6, 3], strided
    expect(flat(F.linear(sl, w))).toEqual(flat(F.linear(sl.contiguous(), w)));
    expect(flat(F.add(tr, ref))).toEqual(flat(F.add(ref, ref)));
    expect(flat(F.matmul(tr, base))).toEqual(flat(F.matmul(ref, base)));
    expect(flat(F.softmax(base.at(':', '1:'), -1))).toEqual(flat(F.softmax(base.at(':', '1:').contiguous(), -1)));
    // a strided view as a state_dict value, and as an sdpa mask
    const lin = new nn.Linear(6, 4);
    const wT = Tensor.from(rng.f32(24), [6, 4]);
    lin.loadStateDict({ weight: wT.t(), bias: Tensor.zeros([4]) });
    expect(flat(lin.weight)).toEqual(flat(wT.t().contiguous()));
    const q = Tensor.from(rng.f32(2 * 3 * 4), [1, 2, 3, 4]);
    const maskBase = Tensor.from(rng.f32(9), [3, 3]);
    const mask = maskBase.t();
    expect(flat(F.scaledDotProductAttention(q, q, q, { attnMask: mask }))).toEqual(flat(F.scaledDotProductAttention(q, q, q, { attnMask: mask.contiguous() })));
    // the cached copy follows writes to the shared memory: through data() and through an op's `out`
    base.data<'float32'>().fill(-1);
    expect(flat(F.relu(tr)).every((v) => v === 0)).toBe(true);
    const pos = Tensor.full([6, 9], -3);
    const pt = pos.t();
    expect(flat(F.relu(pt))[0]).toBe(0);
    F.softmax(Tensor.full([6, 9], 1), -1, pos); // a kernel writes through pos.ptr
    expect(flat(F.relu(pt))[0]).toBeCloseTo(1 / 9, 6);
    // `out` must be contiguous; data()/bytes() refuse non-contiguous views
    expect(() => F.relu(ref, tr)).toThrow(/out must be a contiguous tensor/);
    expect(() => tr.data()).toThrow(ShapeError);
    expect(() => tr.bytes()).toThrow(/non-contiguous view/);
    // no leak: everything (views, cached copies, replaced copies) is freed
    await settle(); // replaced copies of the views above are freed after the synchronous code
    const before = e.memoryStats().inUseBytes;
    const v = Tensor.from(rng.f32(64), [8, 8]);
    const vt = v.t();
    F.relu(vt).dispose();
    v.data();
    F.relu(vt).dispose(); // replaces the cached copy
    // a long synchronous loop that keeps invalidating the cached copy holds at most two copies
    const start = e.memoryStats().inUseBytes;
    let peak = 0;
    for (let i = 0; i < 50; i++) {
      v.data()[0] = i;
      F.relu(vt).dispose();
      peak = Math.max(peak, e.memoryStats().inUseBytes - start);
    }
    expect(peak).toBeLessThanOrEqual(2 * (64 * 4 + 32));
    expect(vt.toFloat32Array()[0]).toBe(49);
    vt.dispose();
    v.dispose();
    await settle();
    expect(e.memoryStats().inUseBytes).toBe(before);
  });
});
