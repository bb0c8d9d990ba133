/**
 * Our MultiheadAttention as users run it (issue 6), ours only for now:
 * - the head-count sweep: d_model 512, sequence 512, batch 1, self-attention with 1..32 heads
 *   (needWeights: false), so the README can say from measurement what the head count costs;
 * - KV-cache decoding: one new token attending over a context of 1024 (d_model 512, 8 heads);
 *   the cache is rolled back to 1024 after each timed token, so every call sees the same context.
 * GFLOP/s counts the four projections (8·L·E²) plus dense attention (4·L·S·E).
 * Every engine loads the same weights (PyTorch keys), so the outputs can be cross-checked.
 */
import { Tensor } from '../../src/entries/node.js';
import { Rng } from '../../test/helpers/rng.js';
import { loadWeights, method, nnModule, oursCase } from '../peers/ours.js';
import { workload, type Workload } from './types.js';

const E = 512;

interface MhaData {
  x: Float32Array;
  weights: Record<string, { data: Float32Array; shape: number[] }>;
}

function mhaData(seed: number, tokens: number): MhaData {
  const r = new Rng(seed);
  const s = 1 / Math.sqrt(E);
  const w = (shape: number[]) => ({ data: r.f32(shape.reduce((a, b) => a * b, 1), -s, s), shape });
  return {
    x: r.randn(tokens * E),
    weights: { in_proj_weight: w([3 * E, E]), in_proj_bias: w([3 * E]), 'out_proj.weight': w([E, E]), 'out_proj.bias': w([E]) },
  };
}

/** Our MultiheadAttention(E, heads, batchFirst) with the workload's weights. */
function oursMha(heads: number, d: MhaData) {
  const MHA = nnModule('MultiheadAttention');
  const m = new MHA(E, heads, { batchFirst: true });
  return { m, note: loadWeights(m, d.weights) };
}

function headsWorkload(heads: number): Workload {
  const S = 512;
  return workload<MhaData>({
    name: `mha-heads/E=${E},S=${S},h=${heads}`,
    flops: 8 * S * E * E + 4 * S * S * E,
    quick: heads === 8,
    data: () => mhaData(7, S),
    sides: {
      ours(engine, d) {
        const { m, note } = oursMha(heads, d);
        const x = Tensor.from(d.x, [1, S, E], 'float32', engine);
        const release = () => {
          x.dispose();
          m.dispose();
        };
        return oursCase(engine, () => m.forward(x, x, x, { needWeights: false }), release, S * E * 4, note);
      },
    },
  });
}

const CONTEXT = 1024;

const decode = workload<MhaData>({
  name: `mha-decode/E=${E},h=8,context=${CONTEXT}`,
  flops: 8 * E * E + 4 * (CONTEXT + 1) * E,
  data: () => mhaData(8, CONTEXT + 1),
  sides: {
    ours(engine, d) {
      const { m, note } = oursMha(8, d);
      const x0 = d.x;
      const cache = method(m, 'createKVCache', 'nn.MultiheadAttention')(1, CONTEXT + 1);
      const ctx = Tensor.from(x0.subarray(0, CONTEXT * E), [1, CONTEXT, E], 'float32', engine);
      const tok = Tensor.from(x0.subarray(CONTEXT * E), [1, 1, E], 'float32', engine);
      engine.scope(() => {
        m.forward(ctx, ctx, ctx, { needWeights: false, kvCache: cache });
      });
      const call = () => {
        const y = m.forward(tok, tok, tok, { needWeights: false, kvCache: cache });
        cache.truncate(CONTEXT);
        return y;
      };
      const release = () => {
        for (const t of [ctx, tok, cache, m]) t.dispose();
      };
      return oursCase(engine, call, release, E * 4, ['one token per call', note].filter(Boolean).join('; '));
    },
  },
});

export const transformerWorkloads: Workload[] = [...[1, 2, 4, 8, 16, 32].map(headsWorkload), decode];
