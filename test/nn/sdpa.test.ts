/**
 * F.scaledDotProductAttention beyond the golden cases: broadcast leading dims (including the
 * copy fallback for strides that do not merge), mask broadcasting over L and S, rank-3 batch
 * shapes, fully masked rows (zeros, not NaN), typed errors.
 */
import { describe, expect, it } from 'vitest';
import { F, Tensor, ArgumentError, ShapeError, type Engine } from '../../dist/src/entries/node.js';
import { runnableBuilds, useBuild } from '../helpers/engines.js';
import { Rng } from '../helpers/rng.js';
import { attentionRef } from '../reference/attention.js';

/** Expands a row-major array of `shape` to `target` (numpy broadcasting). */
function expand(x: ArrayLike<number>, shape: number[], target: number[]): Float32Array {
  const out = new Float32Array(target.reduce((a, b) => a * b, 1));
  const st: number[] = new Array(target.length).fill(0);
  let acc = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const ti = target.length - shape.length + i;
    if (shape[i] !== 1) st[ti] = acc;
    acc *= shape[i];
  }
  const idx = new Array(target.length).fill(0);
  for (let o = 0; o < out.length; o++) {
    let s = 0;
    for (let i = 0; i < target.length; i++) s += idx[i] * st[i];
    out[o] = x[s];
    for (let i = target.length - 1; i >= 0; i--) {
      if (++idx[i] < target[i]) break;
      idx[i] = 0;
    }
  }
  return out;
}

function check(e: Engine, lead: number[], qs: number[], ks: number[], vs: number[], L: number, S: number, E: number, Ev: number, mask: { shape: number[]; bool: boolean } | null, seed: number, scale?: number): void {
  const rng = new Rng(seed);
  const n = (s: number[]): number => s.reduce((a, b) => a * b, 1);
  const q = rng.randn(n(qs)), k = rng.randn(n(ks)), v = rng.randn(n(vs));
  const m = mask ? (mask.bool ? Uint8Array.from({ length: n(mask.shape) }, () => (rng.next() < 0.7 ? 1 : 0)) : rng.randn(n(mask.shape))) : null;
  const got = F.scaledDotProductAttention(
    Tensor.from(q, qs, 'float32', e), Tensor.from(k, ks, 'float32', e), Tensor.from(v, vs, 'float32', e),
    { attnMask: m && mask ? Tensor.from(m, mask.shape, mask.bool ? 'bool' : 'float32', e) : null, scale },
  );
  const BH = n(lead);
  const full = m && mask ? expand(m, mask.shape, [...lead, L, S]) : null;
  const ref = attentionRef({
    B: 1, H: BH, L, S, d: E, dv: Ev,
    q: expand(q, qs, [...lead, L, E]), k: expand(k, ks, [...lead, S, E]), v: expand(v, vs, [...lead, S, Ev]),
    scale: scale ?? 1 / Math.sqrt(E),
    bias: full ? (_b, h, i, j) => (mask!.bool ? (full[(h * L + i) * S + j] ? 0 : -Infinity) : full[(h * L + i) * S + j]) : undefined,
  });
  expect(got.shape).toEqual([...lead, L, Ev]);
  const g = got.toFloat32Array();
  for (let i = 0; i < g.length; i++) {
    if (!(Math.abs(g[i] - ref.out[i]) <= 2e-5 + 2e-4 * Math.abs(ref.out[i]))) expect.fail(`seed=${seed} lead=${lead} [${i}]: got ${g[i]}, expected ${ref.out[i]}`);
  }
}

describe.each(runnableBuilds())('scaledDotProductAttention [%s build]', (build) => {
  it('broadcasts leading dims and masks like torch', async () => {
    const e = await useBuild(build);
    check(e, [2, 3], [2, 3, 5, 8], [2, 1, 7, 8], [1, 3, 7, 4], 5, 7, 8, 4, null, 1);
    check(e, [2, 3], [2, 3, 5, 8], [2, 3, 7, 8], [2, 3, 7, 8], 5, 7, 8, 8, { shape: [1, 7], bool: true }, 2);
    check(e, [2, 3], [2, 3, 5, 8], [2, 3, 7, 8], [2, 3, 7, 8], 5, 7, 8, 8, { shape: [3, 5, 1], bool: false }, 3);
    check(e, [2, 2, 3], [2, 2, 3, 4, 8], [2, 2, 3, 6, 8], [2, 2, 3, 6, 8], 4, 6, 8, 8, { shape: [2, 1, 1, 4, 6], bool: true }, 4);
    check(e, [3], [3, 9, 13], [9, 13], [9, 5], 9, 9, 13, 5, { shape: [9, 9], bool: false }, 5, 0.3);
    check(e, [], [6, 8], [10, 8], [10, 8], 6, 10, 8, 8, null, 6);
  });

  it('returns zeros for fully masked rows and throws typed errors', async () => {
    const e = await useBuild(build);
    const q = Tensor.from(new Rng(9).randn(2 * 4 * 8), [2, 4, 8], 'float32', e);
    const mask = Tensor.from(Uint8Array.from([0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 1, 0, 0, 0, 0, 1]), [4, 4], 'bool', e);
    const y = F.scaledDotProductAttention(q, q, q, { attnMask: mask }).toFloat32Array();
    for (let b = 0; b < 2; b++) for (let c = 0; c < 8; c++) expect(y[b * 32 + c]).toBe(0);
    expect(y.every((x) => Number.isFinite(x))).toBe(true);
    expect(() => F.scaledDotProductAttention(q, q, q, { attnMask: mask, isCausal: true })).toThrow(ArgumentError);
    expect(() => F.scaledDotProductAttention(q, q, q, { dropoutP: 0.1 })).toThrow(ArgumentError);
    expect(() => F.scaledDotProductAttention(q, Tensor.zeros([2, 4, 7], 'float32', e), q)).toThrow(ShapeError);
    expect(() => F.scaledDotProductAttention(q, q, q, { attnMask: Tensor.zeros([3, 4], 'bool', e) })).toThrow(ShapeError);
    expect(() => F.scaledDotProductAttention(q, Tensor.zeros([3, 4, 8], 'float32', e), Tensor.zeros([3, 4, 8], 'float32', e))).toThrow(ShapeError);
  });

  it('a bad attnMask frees the output it allocated', async () => {
    const e = await useBuild(build);
    const q = Tensor.zeros([2, 2, 3, 4], 'float32', e);
    const mask = Tensor.zeros([3, 4], 'bool', e);
    const before = e.memoryStats().inUseBytes;
    expect(() => F.scaledDotProductAttention(q, q, q, { attnMask: mask })).toThrow(ShapeError);
    expect(e.memoryStats().inUseBytes).toBe(before);
    q.dispose();
    mask.dispose();
  });
});
