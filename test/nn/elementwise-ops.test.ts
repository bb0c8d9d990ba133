/**
 * The elementwise, comparison and reduction operators through the public API (F.*, Tensor
 * methods, nn modules) against float64 references: broadcasting in both operand orders, the
 * reversed-operand kernels, integer/bool typed-array paths, reductions over dim sets with
 * keepdim and negative dims, index ops, casts, module reprs and typed errors.
 */
import { describe, expect, it } from 'vitest';
import { F, nn, Tensor, ArgumentError, ShapeError, DTypeError } from '../../dist/src/entries/node.js';
import { runnableBuilds, useBuild } from '../helpers/engines.js';
import { Rng } from '../helpers/rng.js';
import { broadcastRef } from '../reference/eltwise.js';
import { reduceRef } from '../reference/reduce.js';

const SEED = 777;
const numel = (s: number[]) => s.reduce((p, d) => p * d, 1);
const PATTERNS: [number[], number[]][] = [
  [[7], [7]], [[3, 17], [17]], [[2, 5, 33], [5, 1]], [[2, 3, 4, 5], [3, 1, 1]], [[3, 1], [1, 4]],
  [[4, 1, 3], [2, 1]], [[1, 6, 1], [5, 1, 1]], [[127], []], [[], []], [[2, 0, 3], [3]], [[5, 9], [5, 1]],
];

function close(got: ArrayLike<number>, want: ArrayLike<number>, tol: number, label: string): void {
  expect(got.length, label).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const w = want[i];
    const g = got[i];
    const ok = Number.isNaN(w) ? Number.isNaN(g) : !Number.isFinite(w) ? g === w : Math.abs(g - w) <= tol * (1 + Math.abs(w));
    if (!ok) expect.fail(`${label} index=${i}: got ${g}, expected ${w}`);
  }
}

describe.each(runnableBuilds())('elementwise ops [%s build]', (build) => {
  it('sub, div, maximum, minimum, pow, fmod, remainder broadcast like numpy in both operand orders', async () => {
    await useBuild(build);
    const rng = new Rng(SEED);
    const ops = [
      ['sub', F.sub, (p: number, q: number) => p - q, 0],
      ['div', F.div, (p: number, q: number) => p / q, 0],
      ['maximum', F.maximum, (p: number, q: number) => (Number.isNaN(p) || Number.isNaN(q) ? NaN : Math.max(p, q)), 0],
      ['minimum', F.minimum, (p: number, q: number) => (Number.isNaN(p) || Number.isNaN(q) ? NaN : Math.min(p, q)), 0],
      ['pow', F.pow, (p: number, q: number) => Math.pow(Math.abs(p), q), 1e-6],
      ['fmod', F.fmod, (p: number, q: number) => p % q, 1e-6],
      ['remainder', F.remainder, (p: number, q: number) => { const r = p % q; return r !== 0 && r < 0 !== q < 0 ? r + q : r; }, 1e-6],
    ] as const;
    for (const [name, fn, ref, tol] of ops) {
      for (const [sa, sb] of PATTERNS) {
        for (const [s1, s2] of [[sa, sb], [sb, sa]]) {
          let av = rng.f32(numel(s1), -3, 3);
          const bv = rng.f32(numel(s2), 0.5, 3).map((v, i) => (i % 2 ? -v : v));
          if (name === 'pow') av = av.map(Math.abs);
          if (av.length > 2) av[1] = NaN;
          const y = fn(Tensor.from(av, s1), Tensor.from(bv, s2));
          const want = broadcastRef(av, s1, bv, s2, ref);
          expect(y.shape, `${name} ${JSON.stringify(s1)} ${JSON.stringify(s2)}`).toEqual(want.shape);
          const w = tol === 0 ? want.y.map(Math.fround) : want.y;
          close(y.toFloat32Array(), w, tol, `${name} ${JSON.stringify(s1)} op ${JSON.stringify(s2)}`);
        }
      }
    }
    const x = Tensor.from([1, -2, 3], [3]);
    expect(Array.from(F.sub(x, 1).toFloat32Array())).toEqual([0, -3, 2]);
    expect(Array.from(F.div(x, 2).toFloat32Array())).toEqual([0.5, -1, 1.5]);
    expect(Array.from(F.pow(x, 2).toFloat32Array())).toEqual([1, 4, 9]);
    expect(Array.from(F.pow(Tensor.from([1, NaN, 2], [3]), Tensor.from([NaN, 0, 0.5], [3])).toFloat32Array())).toEqual([1, 1, Math.fround(Math.SQRT2)]);
    expect(() => F.sub(x, Tensor.zeros([4]))).toThrow(ShapeError);
  });

  it('pow(x, 2) (number, 0-d, [1], int64 exponent) is x*x on the SIMD path: bit-identical to Math.pow rounded, specials included', async () => {
    await useBuild(build);
    const rng = new Rng(SEED + 2);
    const special = [NaN, Infinity, -Infinity, -0, 0, 1, -1, 1e-30, -1e-40, 3e38, -2e19, 1.5e-45];
    const n = 37; // odd: a SIMD tail
    const v = Array.from({ length: n }, (_, i) => (i < special.length ? special[i] : (rng.next() - 0.5) * 10 ** Math.floor(rng.next() * 8 - 4)));
    const x = Tensor.from(v, [n]);
    const want = v.map((a) => Math.fround(Math.pow(Math.fround(a), 2)));
    for (const [label, e] of [['2', 2], ['0-d', Tensor.from([2], [])], ['[1]', Tensor.from([2], [1])], ['int64', Tensor.from(BigInt64Array.of(2n), [])]] as const) {
      const got = Array.from(F.pow(x, e).toFloat32Array());
      for (let i = 0; i < n; i++) if (!Object.is(got[i], want[i])) expect.fail(`seed ${SEED + 2} pow(x, ${label}) shape [${n}] index=${i}: x ${v[i]} got ${got[i]}, expected ${want[i]}`);
    }
    // A [1] exponent on a 0-d base broadcasts to [1]: the general path, same values.
    expect(F.pow(Tensor.from([3], []), Tensor.from([2], [1])).shape).toEqual([1]);
  });

  it('integer and bool paths: int64 shape arithmetic, int division modes, promotion', async () => {
    await useBuild(build);
    const a = Tensor.from(new BigInt64Array([7n, -7n, 9n, 2n ** 40n]), [4]);
    const b = Tensor.from(new BigInt64Array([2n, 2n, -4n, 3n]), [4]);
    expect(Array.from(F.add(a, b).toTypedArray() as BigInt64Array)).toEqual([9n, -5n, 5n, 2n ** 40n + 3n]);
    expect(F.add(a, b).dtype).toBe('int64');
    expect(Array.from(F.sub(a, 1).toTypedArray() as BigInt64Array)).toEqual([6n, -8n, 8n, 2n ** 40n - 1n]);
    expect(Array.from(F.mul(a, b).toTypedArray() as BigInt64Array)).toEqual([14n, -14n, -36n, 3n * 2n ** 40n]);
    expect(Array.from(F.div(a, b, { roundingMode: 'trunc' }).toTypedArray() as BigInt64Array)).toEqual([3n, -3n, -2n, 366503875925n]);
    expect(Array.from(F.div(a, b, { roundingMode: 'floor' }).toTypedArray() as BigInt64Array)).toEqual([3n, -4n, -3n, 366503875925n]);
    const q = F.div(a, b);
    expect(q.dtype).toBe('float32');
    expect(Array.from(q.toFloat32Array()).slice(0, 3)).toEqual([3.5, -3.5, -2.25]);
    expect(Array.from(F.remainder(a, b).toTypedArray() as BigInt64Array).slice(0, 3)).toEqual([1n, 1n, -3n]);
    expect(Array.from(F.fmod(a, b).toTypedArray() as BigInt64Array).slice(0, 3)).toEqual([1n, -1n, 1n]);
    const i32 = Tensor.from(new Int32Array([5, -6]), [2]);
    expect(F.add(i32, 2).dtype).toBe('int32');
    expect(F.add(i32, 0.5).dtype).toBe('float32');
    expect(Array.from(F.add(i32, 0.5).toFloat32Array())).toEqual([5.5, -5.5]);
    expect(F.add(i32, a.reshape([4, 1])).dtype).toBe('int64');
    expect(() => F.div(a, Tensor.from(new BigInt64Array([0n]), [1]), { roundingMode: 'trunc' })).toThrow(ArgumentError);
    expect(() => F.add(Tensor.from(new Uint8Array([1]), [1]), Tensor.from(new Uint8Array([1]), [1]))).toThrow(DTypeError);
    expect(Array.from(F.neg(a).toTypedArray() as BigInt64Array)[0]).toBe(-7n);
    expect(Array.from(F.abs(i32).toTypedArray())).toEqual([5, 6]);
  });

  it('comparisons, logical ops, where and maskedFill broadcast and give bool', async () => {
    await useBuild(build);
    const x = Tensor.from([1, NaN, 3, -1, 2, 2], [2, 3]);
    const y = Tensor.from([2, 2, 2], [3]);
    const check = (t: Tensor, want: number[]) => {
      expect(t.dtype).toBe('bool');
      expect(Array.from(t.toTypedArray() as Uint8Array)).toEqual(want);
    };
    check(F.eq(x, y), [0, 0, 0, 0, 1, 1]);
    check(F.ne(x, y), [1, 1, 1, 1, 0, 0]);
    check(F.lt(x, y), [1, 0, 0, 1, 0, 0]);
    check(F.le(x, y), [1, 0, 0, 1, 1, 1]);
    check(F.gt(x, 1), [0, 0, 1, 0, 1, 1]);
    check(F.ge(y, x), [1, 0, 0, 1, 1, 1]);
    check(F.eq(Tensor.from(new BigInt64Array([3n, 4n]), [2]), Tensor.from([3, 5], [2])), [1, 0]);
    const m = F.gt(x, 1.5);
    check(F.logicalNot(m), [1, 1, 0, 1, 0, 0]);
    check(F.logicalAnd(m, F.lt(x, 2.5)), [0, 0, 0, 0, 1, 1]);
    check(F.logicalOr(m, F.lt(x, 0)), [0, 0, 1, 1, 1, 1]);
    check(F.logicalXor(m, F.gt(x, 2.5)), [0, 0, 0, 0, 1, 1]);
    check(F.isnan(x), [0, 1, 0, 0, 0, 0]);
    check(F.isinf(Tensor.from([Infinity, -Infinity, 1], [3])), [1, 1, 0]);
    check(F.isinf(Tensor.from([Infinity, -Infinity, 1], [3]), { detectNegative: false }), [1, 0, 0]);
    const w = F.where(m, x, Tensor.from([-10, -20, -30], [3]));
    expect(Array.from(w.toFloat32Array())).toEqual([-10, -20, 3, -10, 2, 2]);
    expect(Array.from(F.where(m.reshape([2, 3, 1]), 1, 0).toFloat32Array())).toEqual([0, 0, 1, 0, 1, 1]);
    expect(F.where(m.reshape([2, 3, 1]), 1, 0).shape).toEqual([2, 3, 1]);
    const wi = F.where(Tensor.from(new Uint8Array([1, 0]), [2]), Tensor.from(new BigInt64Array([5n, 6n]), [2]), -1);
    expect(wi.dtype).toBe('int64');
    expect(Array.from(wi.toTypedArray() as BigInt64Array)).toEqual([5n, -1n]);
    const mf = x.maskedFill(F.isnan(x), 0);
    expect(Array.from(mf.toFloat32Array())).toEqual([1, 0, 3, -1, 2, 2]);
    expect(Array.from(x.maskedFill(Tensor.from(new Uint8Array([1, 0, 0]), [3]), -Infinity).toFloat32Array())).toEqual([-Infinity, NaN, 3, -Infinity, 2, 2]);
    expect(() => y.maskedFill(m, 0)).toThrow(ShapeError);
  });

  it('reductions over dim sets, keepdim, negative dims match the f64 reference', async () => {
    await useBuild(build);
    const rng = new Rng(SEED + 1);
    const shapes = [[5], [3, 7], [2, 3, 4], [2, 3, 5, 6], [1, 9, 1, 4], [4, 0, 3]];
    const refs = {
      sum: [0, (a: number, v: number) => a + v, (a: number) => a],
      mean: [0, (a: number, v: number) => a + v, (a: number, c: number) => a / c],
      amax: [-Infinity, (a: number, v: number) => (Number.isNaN(a) || Number.isNaN(v) ? NaN : Math.max(a, v)), (a: number) => a],
      amin: [Infinity, (a: number, v: number) => (Number.isNaN(a) || Number.isNaN(v) ? NaN : Math.min(a, v)), (a: number) => a],
      prod: [1, (a: number, v: number) => a * v, (a: number) => a],
    } as const;
    for (const shape of shapes) {
      const nd = shape.length;
      const dimSets: number[][] = [[-1], [0], ...(nd >= 2 ? [[0, nd - 1], [1]] : []), ...(nd >= 3 ? [[0, 2], [-3, -1]] : []), ...(nd >= 4 ? [[1, 3], [0, 1, 2, 3]] : [])];
      for (const name of Object.keys(refs) as (keyof typeof refs)[]) {
        const xv = rng.f32(numel(shape), name === 'prod' ? 0.7 : -2, name === 'prod' ? 1.3 : 2);
        if (xv.length > 7) xv[5] = NaN;
        const x = Tensor.from(xv, shape);
        for (const dims of dimSets) {
          for (const keepdim of [false, true]) {
            const norm = [...new Set(dims.map((d) => (d < 0 ? d + nd : d)))].sort((p, q) => p - q);
            if ((name === 'amax' || name === 'amin') && norm.some((d) => shape[d] === 0)) continue;
            const [init, comb, post] = refs[name];
            const want = reduceRef(xv, shape, norm, init, comb, post);
            const got = (F[name] as (t: Tensor, d: number[], k: boolean) => Tensor)(x, dims, keepdim);
            const wshape = keepdim ? shape.map((d, i) => (norm.includes(i) ? 1 : d)) : want.shape;
            const label = `${name} shape=${JSON.stringify(shape)} dims=${JSON.stringify(dims)} keepdim=${keepdim}`;
            expect(got.shape, label).toEqual(wshape);
            close(got.toFloat32Array(), want.y, 2e-6, label);
          }
        }
      }
    }
    const x = Tensor.from(rng.f32(24, -2, 2), [2, 3, 4]);
    const xv = x.toFloat32Array();
    close(x.sum().toFloat32Array(), [xv.reduce((p, v) => p + v, 0)], 1e-6, 'sum()');
    expect(x.sum().shape).toEqual([]);
    close(F.norm(x, 2, [1, 2]).toFloat32Array(), reduceRef(xv, [2, 3, 4], [1, 2], 0, (a, v) => a + v * v, Math.sqrt).y, 1e-6, 'norm 2');
    close(F.norm(x, 1, -1).toFloat32Array(), reduceRef(xv, [2, 3, 4], [2], 0, (a, v) => a + Math.abs(v)).y, 1e-6, 'norm 1');
    close(F.logsumexp(x, [0, 2]).toFloat32Array(), reduceRef(xv, [2, 3, 4], [0, 2], 0, (a, v) => a + Math.exp(v), Math.log).y, 1e-6, 'logsumexp');
    expect(Array.from(F.logsumexp(Tensor.from([-Infinity, -Infinity], [2]), 0).toFloat32Array())).toEqual([-Infinity]);
    const iv = Tensor.from(new BigInt64Array([1n, 2n, 3n, 4n]), [2, 2]);
    expect(Array.from(F.sum(iv, 0).toTypedArray() as BigInt64Array)).toEqual([4n, 6n]);
    expect(Array.from(F.amax(iv, 1).toTypedArray() as BigInt64Array)).toEqual([2n, 4n]);
    expect(F.sum(Tensor.from(new Uint8Array([1, 1, 0]), [3])).dtype).toBe('int64');
    expect(() => F.mean(iv)).toThrow(DTypeError);
    expect(() => F.sum(x, 3)).toThrow(ArgumentError);
    expect(() => F.sum(x, [1, -2])).toThrow(/twice/);
  });

  it('argmax/argmin (first index, NaN is the max), max/min with indices, cumsum, topk', async () => {
    await useBuild(build);
    const x = Tensor.from([1, 5, 5, -2, 0, 7, NaN, 7], [2, 4]);
    expect(Array.from(F.argmax(x, 1).toTypedArray() as BigInt64Array)).toEqual([1n, 2n]);
    expect(Array.from(F.argmin(x, 1).toTypedArray() as BigInt64Array)).toEqual([3n, 2n]);
    expect(Array.from(F.argmax(x, 1, false, { selectLastIndex: true }).toTypedArray() as BigInt64Array)).toEqual([2n, 2n]);
    expect(Array.from(F.argmax(x, 0, true).toTypedArray() as BigInt64Array)).toEqual([0n, 1n, 1n, 1n]);
    expect(F.argmax(x, 0, true).shape).toEqual([1, 4]);
    expect(Number((F.argmax(x).toTypedArray() as BigInt64Array)[0])).toBe(6);
    const { values, indices } = x.max(1);
    expect(Array.from(values.toFloat32Array())).toEqual([5, NaN]);
    expect(Array.from(indices.toTypedArray() as BigInt64Array)).toEqual([1n, 2n]);
    const mn = F.min(x, -1, true);
    expect(mn.values.shape).toEqual([2, 1]);
    expect(Array.from(mn.values.toFloat32Array())).toEqual([-2, NaN]);
    expect(Number.isNaN(x.max().toFloat32Array()[0])).toBe(true);
    const c = Tensor.from([1, 2, 3, 4, 5, 6], [2, 3]);
    expect(Array.from(F.cumsum(c, 1).toFloat32Array())).toEqual([1, 3, 6, 4, 9, 15]);
    expect(Array.from(F.cumsum(c, 0).toFloat32Array())).toEqual([1, 2, 3, 5, 7, 9]);
    expect(Array.from(F.cumsum(c, -1, { exclusive: true, reverse: true }).toFloat32Array())).toEqual([5, 3, 0, 11, 6, 0]);
    const t = F.topk(Tensor.from([3, 1, 4, 1, 5, 9, 2, 6], [2, 4]), 2);
    expect(Array.from(t.values.toFloat32Array())).toEqual([4, 3, 9, 6]);
    expect(Array.from(t.indices.toTypedArray() as BigInt64Array)).toEqual([2n, 0n, 1n, 3n]);
    const s = F.topk(Tensor.from([3, 1, 4, 1], [4]), 3, { largest: false });
    expect(Array.from(s.values.toFloat32Array())).toEqual([1, 1, 3]);
    expect(Array.from(s.indices.toTypedArray() as BigInt64Array)).toEqual([1n, 3n, 0n]);
    expect(() => F.topk(c, 4)).toThrow(ArgumentError);
  });

  it('unary ops and casts through F and Tensor methods; integer unary paths', async () => {
    await useBuild(build);
    const x = Tensor.from([-2.5, -0.5, 0, 0.5, 1.5, 4], [6]);
    const v = x.toFloat32Array();
    const same = (t: Tensor, f: (a: number) => number, tol = 0) => close(t.toFloat32Array(), Array.from(v, (a) => (tol ? f(a) : Math.fround(f(a)))), tol, String(f));
    same(x.abs().sqrt(), (a) => Math.sqrt(Math.abs(a)));
    same(x.exp(), Math.exp, 3e-7);
    same(x.abs().log(), (a) => Math.log(Math.abs(a)), 3e-7);
    same(x.neg(), (a) => -a);
    same(x.floor(), Math.floor);
    same(x.ceil(), Math.ceil);
    expect(Array.from(x.round().toFloat32Array())).toEqual([-2, -0, 0, 0, 2, 4]);
    same(x.clamp(-1, 1), (a) => Math.min(Math.max(a, -1), 1));
    same(x.clamp(0), (a) => Math.max(a, 0));
    same(x.clamp(null, 0), (a) => Math.min(a, 0));
    same(F.relu6(x.mul(2)), (a) => Math.min(Math.max(2 * a, 0), 6));
    same(F.hardtanh(x), (a) => Math.min(Math.max(a, -1), 1));
    same(F.hardsigmoid(x), (a) => Math.min(Math.max(a / 6 + 0.5, 0), 1), 1e-7);
    same(F.softplus(x, 2, 3), (a) => (2 * a > 3 ? a : Math.log1p(Math.exp(2 * a)) / 2), 3e-7);
    same(F.celu(x, 2), (a) => Math.max(0, a) + Math.min(0, 2 * Math.expm1(a / 2)), 3e-7);
    same(F.selu(x), (a) => 1.0507009873554805 * (a > 0 ? a : 1.6732632423543772 * Math.expm1(a)), 3e-7);
    same(F.hardshrink(x, 0.5), (a) => (Math.abs(a) <= 0.5 ? 0 : a));
    same(F.softshrink(x, 0.5), (a) => (a > 0.5 ? a - 0.5 : a < -0.5 ? a + 0.5 : 0));
    same(F.threshold(x, 0.5, -7), (a) => (a <= 0.5 ? -7 : a));
    expect(() => x.clamp()).toThrow(ArgumentError);
    const i = x.to('int64');
    expect(i.dtype).toBe('int64');
    expect(Array.from(i.toTypedArray() as BigInt64Array)).toEqual([-2n, 0n, 0n, 0n, 1n, 4n]);
    expect(Array.from(x.to('int32').toTypedArray())).toEqual([-2, 0, 0, 0, 1, 4]);
    expect(Array.from(x.to('bool').toTypedArray())).toEqual([1, 1, 0, 1, 1, 1]);
    expect(Array.from(Tensor.from([NaN, Infinity, 300, -1], [4]).to('int32').toTypedArray())).toEqual([-(2 ** 31), -(2 ** 31), 300, -1]);
    expect(Array.from(Tensor.from([300, -1], [2]).to('uint8').toTypedArray())).toEqual([44, 255]);
    expect(Array.from(i.to('float32').toFloat32Array())).toEqual([-2, 0, 0, 0, 1, 4]);
    expect(Array.from(F.sign(i).toTypedArray() as BigInt64Array)).toEqual([-1n, 0n, 0n, 0n, 1n, 1n]);
  });

  it('prelu and glu broadcast over channels / halves; activation modules equal F and print as PyTorch', async () => {
    await useBuild(build);
    const rng = new Rng(SEED + 2);
    const xv = rng.f32(2 * 3 * 4, -2, 2);
    const x = Tensor.from(xv, [2, 3, 4]);
    const p = new nn.PReLU(3, { init: 0.1 });
    expect(Object.keys(p.stateDict())).toEqual(['weight']);
    p.weight.data().set([0.1, 0.2, 0.3]);
    const y = p.forward(x).toFloat32Array();
    for (let k = 0; k < xv.length; k++) {
      const c = Math.floor(k / 4) % 3;
      expect(y[k]).toBe(xv[k] < 0 ? Math.fround(xv[k] * Math.fround([0.1, 0.2, 0.3][c])) : xv[k]);
    }
    expect(String(p)).toBe('PReLU(num_parameters=3)');
    const g = F.glu(x, -1);
    expect(g.shape).toEqual([2, 3, 2]);
    const gv = g.toFloat32Array();
    for (let r = 0; r < 6; r++) for (let j = 0; j < 2; j++) {
      const want = xv[r * 4 + j] / (1 + Math.exp(-xv[r * 4 + 2 + j]));
      expect(Math.abs(gv[r * 2 + j] - want)).toBeLessThan(1e-6);
    }
    const g0 = F.glu(Tensor.from(xv, [4, 6]), 0);
    expect(g0.shape).toEqual([2, 6]);
    expect(Math.abs(g0.toFloat32Array()[7] - xv[7] / (1 + Math.exp(-xv[19])))).toBeLessThan(1e-6);
    expect(() => F.glu(Tensor.from(xv, [2, 3, 4]), 1)).toThrow(ShapeError);
    const same = (a: Tensor, b: Tensor) => expect(Array.from(a.toFloat32Array())).toEqual(Array.from(b.toFloat32Array()));
    same(new nn.ReLU6().forward(x), F.relu6(x));
    same(new nn.Hardswish().forward(x), F.hardswish(x));
    same(new nn.Hardsigmoid().forward(x), F.hardsigmoid(x));
    same(new nn.Mish().forward(x), F.mish(x));
    same(new nn.ELU(0.5).forward(x), F.elu(x, 0.5));
    same(new nn.GLU(1 + 1).forward(x), F.glu(x));
    same(new nn.Softplus(2, 10).forward(x), F.softplus(x, 2, 10));
    expect(String(new nn.ReLU6())).toBe('ReLU6()');
    expect(String(new nn.Hardtanh())).toBe('Hardtanh(min_val=-1.0, max_val=1.0)');
    expect(String(new nn.ELU())).toBe('ELU(alpha=1.0)');
    expect(String(new nn.CELU(0.5))).toBe('CELU(alpha=0.5)');
    expect(String(new nn.GLU())).toBe('GLU(dim=-1)');
    expect(String(new nn.Softplus())).toBe('Softplus(beta=1, threshold=20)');
    expect(String(new nn.Hardshrink())).toBe('Hardshrink(0.5)');
    expect(String(new nn.Threshold(0.1, 20))).toBe('Threshold(threshold=0.1, value=20.0)');
    expect(() => F.prelu(x, Tensor.zeros([2]))).toThrow(ShapeError);
  });
});

describe.each(runnableBuilds())('elementwise ops on non-contiguous views [%s build]', (build) => {
  it('binary, unary, compare, where, reductions and index ops read strided views as their dense copies', async () => {
    await useBuild(build);
    const rng = new Rng(SEED + 3);
    const base = Tensor.from(rng.f32(4 * 6, -3, 3), [4, 6]);
    const t = base.transpose(0, 1); // [6, 4], non-contiguous
    expect(t.isContiguous()).toBe(false);
    const dense = t.contiguous();
    const other = Tensor.from(rng.f32(4, 0.5, 2), [4]);
    const same = (a: Tensor, b: Tensor, label: string) => {
      expect(a.shape, label).toEqual(b.shape);
      expect(Array.from(a.toTypedArray() as ArrayLike<number>), label).toEqual(Array.from(b.toTypedArray() as ArrayLike<number>));
    };
    same(F.sub(t, other), F.sub(dense, other), 'sub');
    same(F.div(other, t), F.div(other, dense), 'div');
    same(F.pow(t.abs(), other), F.pow(dense.abs(), other), 'pow');
    same(t.exp(), dense.exp(), 'exp');
    same(F.clamp(t, -1, 1), F.clamp(dense, -1, 1), 'clamp');
    same(F.gt(t, 0), F.gt(dense, 0), 'gt');
    same(F.where(F.gt(t, 0), t, other), F.where(F.gt(dense, 0), dense, other), 'where');
    same(t.maskedFill(F.lt(t, 0), 0), dense.maskedFill(F.lt(dense, 0), 0), 'maskedFill');
    for (const dims of [[0], [1], [0, 1]]) {
      same(F.sum(t, dims, true), F.sum(dense, dims, true), `sum ${dims}`);
      same(F.amax(t, dims), F.amax(dense, dims), `amax ${dims}`);
    }
    same(F.argmax(t, 1), F.argmax(dense, 1), 'argmax');
    same(F.cumsum(t, 0), F.cumsum(dense, 0), 'cumsum');
    same(t.to('int64'), dense.to('int64'), 'to int64');
    same(F.glu(t, 0), F.glu(dense, 0), 'glu');
    same(F.topk(t, 2).values, F.topk(dense, 2).values, 'topk');
  });

  it('bad arguments are typed errors naming the argument', async () => {
    await useBuild(build);
    const x = Tensor.from([1, 2, 3], [3]);
    expect(() => F.sub(x, 'a' as unknown as number)).toThrow(ArgumentError);
    expect(() => F.div(x, 2, { roundingMode: 'round' as 'floor' })).toThrow(/roundingMode/);
    expect(() => F.where(x, x, Tensor.zeros([2]))).toThrow(ShapeError);
    expect(() => F.sum(x, 1)).toThrow(/dim 1 is out of range/);
    expect(() => F.argmax(Tensor.zeros([0]), 0)).toThrow(ShapeError);
    expect(() => F.cumsum(Tensor.from(new Uint8Array([1]), [1]), 0)).toThrow(DTypeError);
    expect(() => F.softplus(x, 0)).toThrow(/beta/);
    expect(() => F.celu(x, 0)).toThrow(/alpha/);
    expect(() => F.hardtanh(x, 1, -1)).toThrow(/minVal/);
    expect(() => F.maskedFill(x, x, 0)).toThrow(DTypeError);
    expect(() => x.to('float64' as 'float32')).toThrow(DTypeError);
  });
});
