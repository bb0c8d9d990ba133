/**
 * nn.Linear, F.linear and F.matmul through the public API against a float64 reference: every
 * torch.matmul shape rule (1-D operands, broadcast batch dimensions both ways, degenerate sizes),
 * Linear on 1-D/2-D/4-D inputs, state_dict keys and repacking on load, fused gemm epilogues via
 * the operator, and the typed errors. Tolerance: (k+2) * 2^-24 * sum|a b| + 1e-6 per element.
 */
import { describe, expect, it } from 'vitest';
import { F, nn, Tensor, ShapeError, ArgumentError } from '../../dist/src/entries/node.js';
import { runnableBuilds, useBuild } from '../helpers/engines.js';
import { Rng } from '../helpers/rng.js';

const SEED = 77;

/** float64 matmul of row-major [..., m, k] x [..., k, n] with broadcast batches (shapes 2-D+). */
function refMatmul(a: Float32Array, as: number[], b: Float32Array, bs: number[]): { out: number[]; tol: number[]; shape: number[] } {
  const m = as[as.length - 2], k = as[as.length - 1], n = bs[bs.length - 1];
  const ba = as.slice(0, -2), bb = bs.slice(0, -2);
  const nd = Math.max(ba.length, bb.length);
  const batch: number[] = [];
  for (let i = 0; i < nd; i++) batch.push(Math.max(ba[ba.length - nd + i] ?? 1, bb[bb.length - nd + i] ?? 1));
  const total = batch.reduce((x, y) => x * y, 1);
  const out: number[] = [], tol: number[] = [];
  for (let t = 0; t < total; t++) {
    // Decompose t over batch; index each operand with size-1 dims pinned to 0.
    const idx: number[] = [];
    let r = t;
    for (let d = nd - 1; d >= 0; d--) { idx[d] = r % batch[d]; r = Math.floor(r / batch[d]); }
    const off = (bshape: number[]) => {
      let o = 0;
      for (let d = 0; d < bshape.length; d++) o = o * bshape[d] + (bshape[d] === 1 ? 0 : idx[nd - bshape.length + d]);
      return o;
    };
    const oa = off(ba) * m * k, ob = off(bb) * k * n;
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let s = 0, mag = 0;
      for (let p = 0; p < k; p++) { const v = a[oa + i * k + p] * b[ob + p * n + j]; s += v; mag += Math.abs(v); }
      out.push(s);
      tol.push((k + 2) * 2 ** -24 * mag + 1e-6);
    }
  }
  return { out, tol, shape: [...batch, m, n] };
}

function check(label: string, got: Float32Array, out: number[], tol: number[]): void {
  expect(got.length, `${label}: length`).toBe(out.length);
  for (let i = 0; i < out.length; i++) {
    if (!(Math.abs(got[i] - out[i]) <= tol[i])) expect.fail(`${label} seed=${SEED} index ${i}: got ${got[i]}, expected ${out[i]}`);
  }
}

const CASES: [number[], number[], number[]][] = [
  // input shape, other shape, expected output shape
  [[7], [7], []],
  [[5], [5, 3], [3]],
  [[2, 3, 5], [5], [2, 3]],
  [[9], [4, 9, 6], [4, 6]],
  [[4, 9, 6], [6], [4, 9]],
  [[13, 33], [33, 17], [13, 17]],
  [[3, 5, 9], [9, 10], [3, 5, 10]],
  [[2, 1, 5, 9], [3, 9, 4], [2, 3, 5, 4]],
  [[5, 9], [2, 3, 9, 4], [2, 3, 5, 4]],
  [[2, 3, 5, 9], [1, 3, 9, 4], [2, 3, 5, 4]],
  [[1, 1], [1, 1], [1, 1]],
  [[0, 4], [4, 3], [0, 3]],
  [[2, 0], [0, 3], [2, 3]],
];

describe.each(runnableBuilds())('linear and matmul [%s build]', (build) => {
  it('matmul follows torch.matmul shape rules and values', async () => {
    await useBuild(build);
    const rng = new Rng(SEED);
    for (const [as, bs, os] of CASES) {
      const na = as.reduce((x, y) => x * y, 1), nb = bs.reduce((x, y) => x * y, 1);
      const av = rng.f32(na), bv = rng.f32(nb);
      const y = F.matmul(Tensor.from(av, as), Tensor.from(bv, bs));
      const label = `matmul ${JSON.stringify(as)} @ ${JSON.stringify(bs)}`;
      expect(y.shape, label).toEqual(os);
      const a2 = as.length === 1 ? [1, as[0]] : as;
      const b2 = bs.length === 1 ? [bs[0], 1] : bs;
      const r = refMatmul(av, a2, bv, b2);
      check(label, y.toFloat32Array(), r.out, r.tol);
    }
  });

  it('matmul rejects bad shapes with ShapeError', async () => {
    await useBuild(build);
    const t = (s: number[]) => Tensor.zeros(s);
    expect(() => F.matmul(t([2, 3]), t([4, 5]))).toThrow(ShapeError);
    expect(() => F.matmul(t([2, 2, 3]), t([3, 3, 4]))).toThrow(/do not broadcast/);
    expect(() => F.matmul(t([]), t([3]))).toThrow(ShapeError);
  });

  it('nn.Linear: any leading shape, no-bias, state_dict keys, repack on load, typed errors', async () => {
    await useBuild(build);
    const rng = new Rng(SEED + 1);
    for (const [inF, outF, bias, xs] of [[9, 17, true, [9]], [33, 5, false, [4, 33]], [16, 24, true, [2, 3, 1, 16]]] as [number, number, boolean, number[]][]) {
      const lin = new nn.Linear(inF, outF, { bias });
      expect(Object.keys(lin.stateDict())).toEqual(bias ? ['weight', 'bias'] : ['weight']);
      const wv = rng.f32(outF * inF), bv = rng.f32(outF);
      lin.loadStateDict(bias ? { weight: { data: wv, shape: [outF, inF] }, bias: { data: bv, shape: [outF] } } : { weight: { data: wv, shape: [outF, inF] } });
      const nx = xs.reduce((x, y) => x * y, 1);
      const xv = rng.f32(nx);
      const y = lin.forward(Tensor.from(xv, xs));
      expect(y.shape).toEqual([...xs.slice(0, -1), outF]);
      // Reference: x [rows, in] @ W^T (+ b).
      const wt = new Float32Array(inF * outF);
      for (let j = 0; j < outF; j++) for (let p = 0; p < inF; p++) wt[p * outF + j] = wv[j * inF + p];
      const r = refMatmul(xv, [nx / inF, inF], wt, [inF, outF]);
      if (bias) r.out.forEach((_, i) => (r.out[i] += bv[i % outF]));
      check(`Linear(${inF}, ${outF}, bias=${bias}) on ${JSON.stringify(xs)}`, y.toFloat32Array(), r.out, r.tol);
      const f = F.linear(Tensor.from(xv, xs), lin.stateDict().weight, bias ? lin.stateDict().bias : null);
      check('F.linear', f.toFloat32Array(), r.out, r.tol);
      expect(lin.toString()).toBe(`Linear(in_features=${inF}, out_features=${outF}, bias=${bias ? 'True' : 'False'})`);
      expect(() => lin.forward(Tensor.zeros([2, inF + 1]))).toThrow(ShapeError);
      lin.dispose();
    }
    expect(() => new nn.Linear(0, 3)).toThrow(ArgumentError);
    expect(() => F.linear(Tensor.zeros([2, 3]), Tensor.zeros([4, 3]), Tensor.zeros([5]))).toThrow(ShapeError);
  });

  it('nn.Linear: weights written in place through data() take effect (the packed copy is rebuilt), reads do not repack', async () => {
    const e = await useBuild(build);
    const lin = new nn.Linear(2, 2, { bias: false }, e);
    const x = Tensor.from([1, 0], [1, 2], 'float32', e);
    lin.forward(x).dispose();
    lin.weight.data<'float32'>().set([7, 8, 9, 10]);
    expect(Array.from(lin.forward(x).toFloat32Array())).toEqual([7, 9]);
    lin.stateDict().weight.data<'float32'>()[0] = 1;
    expect(Array.from(lin.forward(x).toFloat32Array())).toEqual([1, 9]);
    const v = lin.weight.version;
    lin.weight.toFloat32Array();
    expect(lin.weight.version).toBe(v);
    lin.dispose();
    x.dispose();
  });
});
