/**
 * KVCache (f32_attn_kvappend__scalar): tensors appended in chunks, read by the attention kernel in
 * the packed K^T layout, equal scaled_dot_product_attention over the concatenated keys/values;
 * bounds and typed errors.
 */
import { describe, expect, it } from 'vitest';
import { F, nn, Tensor, ArgumentError, ShapeError, DisposedError, OutOfMemoryError, createEngine } from '../../dist/src/entries/node.js';
import { attention } from '../../dist/src/ops/attention.js';
import { otherEngine, runnableBuilds, useBuild } from '../helpers/engines.js';
import { Rng } from '../helpers/rng.js';

describe.each(runnableBuilds())('KVCache [%s build]', (build) => {
  it('appended chunks read back through the kernel equal sdpa over the whole sequence', async () => {
    const e = await useBuild(build);
    const B = 2, H = 3, d = 13, dv = 6, T = 40, L = 3;
    const rng = new Rng(21);
    const k = rng.randn(B * H * T * d);
    const v = rng.randn(B * H * T * dv);
    const q = rng.randn(B * H * L * d);
    const cache = new nn.KVCache({ batch: B, numHeads: H, headDim: d, vHeadDim: dv, maxLength: 45 }, e);
    const chunk = (src: Float32Array, f: number, t0: number, t1: number): Tensor => {
      const out = new Float32Array(B * H * (t1 - t0) * f);
      for (let bh = 0; bh < B * H; bh++) out.set(src.subarray((bh * T + t0) * f, (bh * T + t1) * f), bh * (t1 - t0) * f);
      return Tensor.from(out, [B, H, t1 - t0, f], 'float32', e);
    };
    for (const [t0, t1] of [[0, 5], [5, 6], [6, 33], [33, 40]]) cache.append(chunk(k, d, t0, t1), chunk(v, dv, t0, t1));
    expect(cache.length).toBe(T);
    const qt = Tensor.from(q, [B, H, L, d], 'float32', e);
    const want = F.scaledDotProductAttention(qt, Tensor.from(k, [B, H, T, d], 'float32', e), Tensor.from(v, [B, H, T, dv], 'float32', e)).toFloat32Array();
    const out = Tensor.empty([B, H, L, dv], 'float32', e);
    attention(e, { batch: B, heads: H, L, S: T, d, dv, q: { ptr: qt.ptr, sb: H * L * d, sh: L * d, sl: d }, k: cache.keyView, v: cache.valueView }, { ptr: out.ptr, sb: H * L * dv, sh: L * dv, sl: dv });
    const got = out.toFloat32Array();
    for (let i = 0; i < want.length; i++) {
      if (!(Math.abs(got[i] - want[i]) <= 1e-5 * (1 + Math.abs(want[i])))) expect.fail(`[${i}]: got ${got[i]}, expected ${want[i]}`);
    }
    expect(() => cache.append(chunk(k, d, 0, 6), chunk(v, dv, 0, 6))).toThrow(ArgumentError); // 46 > 45
    expect(() => cache.append(chunk(k, d, 0, 1), chunk(k, d, 0, 1))).toThrow(ShapeError);
    expect(() => cache.truncate(41)).toThrow(ArgumentError);
    cache.truncate(2);
    expect(cache.length).toBe(2);
    cache.reset();
    expect(cache.length).toBe(0);
    cache.dispose();
    expect(() => cache.reset()).toThrow(DisposedError);
  });

  it('rejects tensors from another engine; an out-of-memory constructor leaks nothing', async () => {
    const e = await useBuild(build);
    const o = await otherEngine(build);
    const cache = new nn.KVCache({ batch: 1, numHeads: 1, headDim: 4, maxLength: 4 }, e);
    const k = Tensor.zeros([1, 1, 1, 4], 'float32', o);
    expect(() => cache.append(k, k)).toThrow(/key .* another engine/);
    expect(cache.length).toBe(0);
    k.dispose();
    cache.dispose();
    const small = await createEngine({ simd: 'simd', maxMemoryBytes: 8 * 1024 * 1024 });
    const before = small.memoryStats().inUseBytes;
    // keys (4 MiB) fit, keys + values do not
    expect(() => new nn.KVCache({ batch: 1, numHeads: 1, headDim: 64, maxLength: 16 * 1024 }, small)).toThrow(OutOfMemoryError);
    expect(small.memoryStats().inUseBytes).toBe(before);
  });
});
