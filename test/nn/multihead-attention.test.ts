/**
 * nn.MultiheadAttention beyond the golden cases: state_dict keys, KV-cache decoding step by step
 * (and prefill in chunks, truncate) equals full causal attention, batchFirst and sequence-first
 * agree, typed errors.
 */
import { describe, expect, it } from 'vitest';
import { nn, Tensor, ArgumentError, ShapeError, type Engine } from '../../dist/src/entries/node.js';
import { otherEngine, runnableBuilds, useBuild } from '../helpers/engines.js';
import { Rng } from '../helpers/rng.js';

function seeded(mha: InstanceType<typeof nn.MultiheadAttention>, seed: number): void {
  const rng = new Rng(seed);
  const dict: Record<string, { data: Float32Array; shape: readonly number[] }> = {};
  for (const [k, t] of Object.entries(mha.stateDict())) dict[k] = { data: rng.randn(t.numel, 0.3), shape: t.shape };
  mha.loadStateDict(dict);
}

function close(got: Float32Array, want: Float32Array, label: string, tol = 2e-5): void {
  expect(got.length, label).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol * (1 + Math.abs(want[i])))) expect.fail(`${label}[${i}]: got ${got[i]}, expected ${want[i]}`);
  }
}

/** Rows [t0, t1) of a [N, T, E] batch-first tensor as a new tensor [N, t1 - t0, E]. */
function sliceTime(x: Float32Array, N: number, T: number, E: number, t0: number, t1: number, e: Engine): Tensor {
  const out = new Float32Array(N * (t1 - t0) * E);
  for (let b = 0; b < N; b++) out.set(x.subarray((b * T + t0) * E, (b * T + t1) * E), b * (t1 - t0) * E);
  return Tensor.from(out, [N, t1 - t0, E], 'float32', e);
}

describe.each(runnableBuilds())('MultiheadAttention [%s build]', (build) => {
  it('has PyTorch state_dict keys and shapes', async () => {
    const e = await useBuild(build);
    const a = new nn.MultiheadAttention(16, 4, {}, e);
    expect(Object.entries(a.stateDict()).map(([k, t]) => `${k}:${t.shape.join('x')}`)).toEqual([
      'in_proj_weight:48x16', 'in_proj_bias:48', 'out_proj.weight:16x16', 'out_proj.bias:16',
    ]);
    const b = new nn.MultiheadAttention(16, 2, { bias: false, kdim: 8, vdim: 12 }, e);
    expect(Object.entries(b.stateDict()).map(([k, t]) => `${k}:${t.shape.join('x')}`)).toEqual([
      'q_proj_weight:16x16', 'k_proj_weight:16x8', 'v_proj_weight:16x12', 'out_proj.weight:16x16',
    ]);
    expect(a.toString()).toContain('(out_proj): NonDynamicallyQuantizableLinear(in_features=16, out_features=16, bias=True)');
    a.dispose();
    b.dispose();
  });

  it('KV-cache decoding (prefill chunk, then token by token, truncate) equals full causal attention', async () => {
    const e = await useBuild(build);
    const N = 2, T = 37, E = 32, H = 4;
    const mha = new nn.MultiheadAttention(E, H, { batchFirst: true }, e);
    seeded(mha, 7);
    const x = new Rng(8).randn(N * T * E);
    const xt = Tensor.from(x, [N, T, E], 'float32', e);
    const [full, fullW] = mha.forward(xt, xt, xt, { isCausal: true, needWeights: true, averageAttnWeights: false });
    const want = full.toFloat32Array();
    const wantW = fullW!.toFloat32Array();
    const cache = mha.createKVCache(N, 40);
    const run = (t0: number, t1: number): void => {
      const step = sliceTime(x, N, T, E, t0, t1, e);
      const [y, w] = mha.forward(step, step, step, { kvCache: cache, needWeights: true, averageAttnWeights: false });
      const n = t1 - t0;
      const got = y.toFloat32Array();
      for (let b = 0; b < N; b++) {
        close(got.subarray(b * n * E, (b + 1) * n * E), want.subarray((b * T + t0) * E, (b * T + t1) * E), `out b=${b} t=${t0}..${t1}`);
      }
      // Weights [N, H, n, t1] against the full causal weights' first t1 columns.
      const gw = w!.toFloat32Array();
      expect(w!.shape).toEqual([N, H, n, t1]);
      for (let b = 0; b < N; b++) for (let h = 0; h < H; h++) for (let i = 0; i < n; i++) {
        const g = gw.subarray(((b * H + h) * n + i) * t1, ((b * H + h) * n + i + 1) * t1);
        const r = wantW.subarray(((b * H + h) * T + t0 + i) * T, ((b * H + h) * T + t0 + i) * T + t1);
        close(g, r, `weights b=${b} h=${h} t=${t0 + i}`);
      }
      y.dispose();
      w!.dispose();
      step.dispose();
    };
    run(0, 5); // prefill
    for (let t = 5; t < 20; t++) run(t, t + 1);
    expect(cache.length).toBe(20);
    cache.truncate(11); // roll back and decode again
    for (let t = 11; t < T; t++) run(t, t + 1);
    expect(cache.length).toBe(T);
    cache.reset();
    run(0, 3);
    expect(() => run(3, 41)).toThrow(ArgumentError); // beyond maxLength
    cache.dispose();
    mha.dispose();
  });

  it('batchFirst and sequence-first layouts agree; self and cross paths agree', async () => {
    const e = await useBuild(build);
    const N = 3, L = 7, S = 10, E = 24, H = 3;
    const a = new nn.MultiheadAttention(E, H, { batchFirst: true }, e);
    const b = new nn.MultiheadAttention(E, H, { batchFirst: false }, e);
    seeded(a, 3);
    b.loadStateDict(a.stateDict());
    const rng = new Rng(4);
    const q = rng.randn(N * L * E);
    const kv = rng.randn(N * S * E);
    const toSeqFirst = (x: Float32Array, T: number): Float32Array => {
      const o = new Float32Array(x.length);
      for (let n = 0; n < N; n++) for (let t = 0; t < T; t++) o.set(x.subarray((n * T + t) * E, (n * T + t + 1) * E), (t * N + n) * E);
      return o;
    };
    const qb = Tensor.from(q, [N, L, E], 'float32', e);
    const kb = Tensor.from(kv, [N, S, E], 'float32', e);
    const vb = kb.clone(); // distinct key/value tensors: the three-GEMM path
    const [ya] = a.forward(qb, kb, kb, { needWeights: false });
    const [ya3] = a.forward(qb, kb, vb, { needWeights: false });
    const [yb] = b.forward(Tensor.from(toSeqFirst(q, L), [L, N, E], 'float32', e), Tensor.from(toSeqFirst(kv, S), [S, N, E], 'float32', e), Tensor.from(toSeqFirst(kv, S), [S, N, E], 'float32', e), { needWeights: false });
    close(ya3.toFloat32Array(), ya.toFloat32Array(), 'kv-fused vs separate');
    close(yb.toFloat32Array(), toSeqFirst(ya.toFloat32Array(), L), 'seq-first vs batch-first');
    // Self-attention through the fused [tokens, 3E] GEMM equals the separate-input path.
    const [ys] = a.forward(qb, qb, qb, { needWeights: false });
    const [yc] = a.forward(qb, qb.clone(), qb.clone(), { needWeights: false });
    close(ys.toFloat32Array(), yc.toFloat32Array(), 'self fused vs separate');
    a.dispose();
    b.dispose();
  });

  it('throws typed errors for bad arguments', async () => {
    const e = await useBuild(build);
    expect(() => new nn.MultiheadAttention(10, 3, {}, e)).toThrow(ArgumentError);
    const m = new nn.MultiheadAttention(8, 2, { batchFirst: true }, e);
    const x = Tensor.zeros([2, 3, 8], 'float32', e);
    expect(() => m.forward(x, x, Tensor.zeros([2, 4, 8], 'float32', e))).toThrow(ShapeError);
    expect(() => m.forward(x, x, x, { attnMask: Tensor.zeros([3, 4], 'bool', e) })).toThrow(ShapeError);
    expect(() => m.forward(x, x, x, { keyPaddingMask: Tensor.zeros([3, 3], 'bool', e) })).toThrow(ShapeError);
    m.dispose();
  });

  it('rejects inputs, masks and caches from another engine, and bad kdim, leaking nothing', async () => {
    const e = await useBuild(build);
    const o = await otherEngine(build);
    const mha = new nn.MultiheadAttention(8, 2, {}, e);
    const x = Tensor.zeros([3, 2, 8], 'float32', e);
    const xo = Tensor.zeros([3, 2, 8], 'float32', o);
    const mo = Tensor.zeros([3, 3], 'bool', o);
    const co = new nn.KVCache({ batch: 2, numHeads: 2, headDim: 4, maxLength: 8 }, o);
    const before = e.memoryStats().inUseBytes;
    expect(() => mha.forward(x, xo, x)).toThrow(/key \(shape \[3, 2, 8\]\) lives in another engine/);
    expect(() => mha.forward(xo, xo, xo)).toThrow(ArgumentError);
    expect(() => mha.forward(x, x, x, { attnMask: mo })).toThrow(/attnMask/);
    expect(() => mha.forward(x, x, x, { kvCache: co })).toThrow(/kvCache/);
    expect(() => new nn.MultiheadAttention(8, 2, { kdim: -1 }, e)).toThrow(/kdim/);
    expect(e.memoryStats().inUseBytes).toBe(before);
    for (const t of [x, xo, mo, co, mha]) t.dispose();
  });

  it('a bad mask leaves the kvCache untouched', async () => {
    const e = await useBuild(build);
    const mha = new nn.MultiheadAttention(8, 2, {}, e);
    const cache = mha.createKVCache(1, 8);
    const x = Tensor.zeros([2, 1, 8], 'float32', e);
    const badMask = Tensor.zeros([2, 5], 'bool', e);
    expect(() => mha.forward(x, x, x, { kvCache: cache, attnMask: badMask })).toThrow(ShapeError);
    expect(cache.length).toBe(0);
    for (const t of [x, badMask, cache, mha]) t.dispose();
  });

  it('in_proj_weight written in place through data() takes effect (lazy packs are dropped)', async () => {
    const e = await useBuild(build);
    const mha = new nn.MultiheadAttention(4, 2, {}, e);
    const q = Tensor.from(new Rng(8).randn(3 * 4), [3, 1, 4], 'float32', e);
    const [a] = mha.forward(q, q, q, { needWeights: false });
    mha.stateDict()['in_proj_weight'].data().fill(0); // v = 0 -> output = out_proj.bias = 0
    const [b] = mha.forward(q, q, q, { needWeights: false });
    expect(Array.from(a.toFloat32Array()).some((v) => v !== 0)).toBe(true);
    expect(Array.from(b.toFloat32Array()).every((v) => v === 0)).toBe(true);
    for (const t of [mha, q, a, b]) t.dispose();
  });
});
