/**
 * Operators split over the pool at shapes the golden cases do not reach: attention split by
 * query blocks (causal, bool and float masks, several batches and heads), softmax over a
 * non-last dim, broadcast and flat binary ops, layer_norm, on 2 and 3 threads: bitwise 1 thread.
 */
import { describe, expect, it } from 'vitest';
import { Tensor, F, type Engine } from '../../dist/src/internal.js';
import { attentionProbs } from '../../dist/src/ops/attention.js';
import { Rng } from '../helpers/rng.js';
import { firstBitDiff, splitEverything, threadsEngine } from '../helpers/threads.js';

type Case = { name: string; run: (e: Engine, t: (shape: number[], seed: number, kind?: 'bool') => Tensor) => Tensor };

const CASES: Case[] = [
  { name: 'sdpa causal [1,1,100,16]', run: (e, t) => F.scaledDotProductAttention(t([1, 1, 100, 16], 1), t([1, 1, 100, 16], 2), t([1, 1, 100, 16], 3), { isCausal: true }) },
  { name: 'sdpa [2,3,70,8] x S=77, bool mask', run: (e, t) => F.scaledDotProductAttention(t([2, 3, 70, 8], 4), t([2, 3, 77, 8], 5), t([2, 3, 77, 12], 6), { attnMask: t([70, 77], 7, 'bool') }) },
  { name: 'sdpa [1,2,129,13] float mask', run: (e, t) => F.scaledDotProductAttention(t([1, 2, 129, 13], 8), t([1, 2, 40, 13], 9), t([1, 2, 40, 13], 10), { attnMask: t([1, 2, 129, 40], 11) }) },
  { name: 'sdpa [9,2,5,8] (batch split)', run: (e, t) => F.scaledDotProductAttention(t([9, 2, 5, 8], 12), t([9, 2, 6, 8], 13), t([9, 2, 6, 8], 14)) },
  { name: 'softmax dim 0 [50,40]', run: (e, t) => F.softmax(t([50, 40], 15), 0) },
  { name: 'log_softmax [33,129]', run: (e, t) => F.logSoftmax(t([33, 129], 16), -1) },
  { name: 'add broadcast [37,50]+[50]', run: (e, t) => F.add(t([37, 50], 17), t([50], 18)) },
  { name: 'mul flat [1001]', run: (e, t) => F.mul(t([1001], 19), t([1001], 20)) },
  { name: 'layer_norm [45,64]', run: (e, t) => F.layerNorm(t([45, 64], 21), [64], t([64], 22), t([64], 23)) },
  { name: 'gelu [3001]', run: (e, t) => F.gelu(t([3001], 24)) },
];

describe('operators split over threads', () => {
  it.each(CASES.map((c) => [c.name, c] as const))('%s: bitwise 1 thread', async (_name, c) => {
    const engines = [await threadsEngine('simd', 1), await threadsEngine('simd', 2), await threadsEngine('simd', 3)];
    const outs = engines.map((e) => {
      const made: Tensor[] = [];
      const t = (shape: number[], seed: number, kind?: 'bool') => {
        const rng = new Rng(seed);
        const n = shape.reduce((a, b) => a * b, 1);
        const data = kind === 'bool' ? Float32Array.from({ length: n }, () => (rng.next() < 0.7 ? 1 : 0)) : rng.f32(n, -3, 3);
        const x = Tensor.from(data, shape, kind === 'bool' ? 'bool' : 'float32', e);
        made.push(x);
        return x;
      };
      const y = splitEverything(() => c.run(e, t));
      const out = y.toFloat32Array().slice();
      for (const x of [...made, y]) x.dispose();
      return out;
    });
    for (let i = 1; i < outs.length; i++) {
      const at = firstBitDiff(outs[0], outs[i]);
      if (at >= 0) expect.fail(`${c.name} on ${i + 1} threads [${at}]: ${outs[i][at]}, 1 thread ${outs[0][at]}`);
    }
  });
});

describe('attention weights split over threads', () => {
  it.each([
    ['per head', false, false],
    ['averaged over heads (accumulate)', true, false],
    ['causal, averaged', true, true],
  ] as const)('%s: bitwise 1 thread', async (_name, average, causal) => {
    const [B, H, L, S, d] = [2, 3, 70, 45, 8];
    const engines = [await threadsEngine('simd', 1), await threadsEngine('simd', 2), await threadsEngine('simd', 3)];
    const outs = engines.map((e) => {
      const rng = new Rng(99);
      const q = e.arena.alloc(B * H * L * d * 4), k = e.arena.alloc(B * H * S * d * 4);
      const rows = average ? B * L * S : B * H * L * S;
      const o = e.arena.alloc(rows * 4);
      e.arena.f32(q, B * H * L * d).set(rng.f32(B * H * L * d, -2, 2));
      e.arena.f32(k, B * H * S * d).set(rng.f32(B * H * S * d, -2, 2));
      e.arena.f32(o, rows).fill(0);
      const view = (ptr: number, n: number) => ({ ptr, sb: H * n * d, sh: n * d, sl: d });
      const out = average ? { ptr: o, sb: L * S, sh: 0, sl: S } : { ptr: o, sb: H * L * S, sh: L * S, sl: S };
      splitEverything(() =>
        attentionProbs(e, { batch: B, heads: H, L, S, d, q: view(q, L), k: view(k, S), causal, causalOffset: causal ? S - L : 0 }, out,
          average ? { accumulate: true, pscale: 1 / H } : {}),
      );
      const y = e.arena.f32(o, rows).slice();
      for (const ptr of [q, k, o]) e.arena.free(ptr);
      return y;
    });
    for (let i = 1; i < outs.length; i++) {
      const at = firstBitDiff(outs[0], outs[i]);
      if (at >= 0) expect.fail(`attention weights on ${i + 1} threads [${at}]: ${outs[i][at]}, 1 thread ${outs[0][at]}`);
    }
    expect(engines[1].pool!.jobsByKernel.get('f32_attn_probs_q4k32__wasmsimd')).toBeGreaterThan(0);
  });
});
