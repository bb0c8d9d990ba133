/**
 * Attention rows: softmax(Q K^T / sqrt(d) [+ causal mask]) V, batch 1, 8 heads, head dim 64,
 * sequence 128, 512 and 2048, non-causal and causal. GFLOP/s counts the dense product,
 * 4·h·S²·d, for causal too (so a kernel that skips masked blocks shows a higher figure).
 * Peers: ONNX Runtime as the MatMul/Softmax graph, and as its fused com.microsoft
 * MultiHeadAttention contrib op (inputs [B, S, h·d]; causal through `unidirectional`) where
 * the wasm build has it; tfjs as batched matMul + softmax.
 */
import { Tensor } from '../../src/entries/node.js';
import { Rng } from '../../test/helpers/rng.js';
import { ortCase } from '../peers/ort.js';
import { tfCase } from '../peers/tfjs.js';
import { OnnxGraph, float, int, ints } from '../peers/onnx-model.js';
import { fn, oursCase } from '../peers/ours.js';
import { transpose } from './layout.js';
import { workload, type Workload } from './types.js';

const HEADS = 8;
const D = 64;

interface AttnData {
  /** [1, h, S, d] each */
  q: Float32Array;
  k: Float32Array;
  v: Float32Array;
}

/** Upper-triangular -inf mask [S, S] (row i may attend to keys 0..i). */
function causalMask(s: number): Float32Array {
  const m = new Float32Array(s * s);
  for (let i = 0; i < s; i++) m.fill(-Infinity, i * s + i + 1, (i + 1) * s);
  return m;
}

/** [1, h, S, d] -> [1, S, h·d] (the layout MultiHeadAttention takes). */
const toBSD = (x: Float32Array, s: number) => transpose(x, HEADS, s, D);
/** [1, S, h·d] -> [1, h, S, d]. */
const fromBSD = (y: Float32Array, s: number) => transpose(y, s, HEADS, D);

function attnWorkload(s: number, causal: boolean): Workload {
  const shape = [1, HEADS, s, D];
  const scale = 1 / Math.sqrt(D);
  return workload<AttnData>({
    name: `attention/h=${HEADS},d=${D},S=${s}${causal ? ',causal' : ''}`,
    flops: 4 * HEADS * s * s * D,
    quick: s <= 512,
    data() {
      const r = new Rng(6 + s);
      const n = HEADS * s * D;
      return { q: r.randn(n), k: r.randn(n), v: r.randn(n) };
    },
    sides: {
      ours(engine, d) {
        const sdpa = fn('scaledDotProductAttention');
        const [q, k, v] = [d.q, d.k, d.v].map((a) => Tensor.from(a, shape, 'float32', engine));
        const release = () => [q, k, v].forEach((t) => t.dispose());
        return oursCase(engine, () => sdpa(q, k, v, { isCausal: causal }), release, d.q.length * 4);
      },
      ort(peer, d) {
        const g = new OnnxGraph().input('q', shape).input('k', shape).input('v', shape).output('y', shape);
        g.constant('scale', [], new Float32Array([scale]));
        g.node('Transpose', ['k'], ['kt'], { perm: ints([0, 1, 3, 2]) });
        g.node('MatMul', ['q', 'kt'], ['qk']).node('Mul', ['qk', 'scale'], ['logits']);
        if (causal) g.constant('mask', [s, s], causalMask(s)).node('Add', ['logits', 'mask'], ['masked']);
        g.node('Softmax', [causal ? 'masked' : 'logits'], ['p'], { axis: int(-1) }).node('MatMul', ['p', 'v'], ['y']);
        return ortCase(peer, g.encode(), { q: { data: d.q, dims: shape }, k: { data: d.k, dims: shape }, v: { data: d.v, dims: shape } });
      },
      'ort-fused'(peer, d) {
        const bsd = [1, s, HEADS * D];
        const attrs = { num_heads: int(HEADS), scale: float(scale), ...(causal ? { unidirectional: int(1) } : {}) };
        const g = new OnnxGraph()
          .input('q', bsd)
          .input('k', bsd)
          .input('v', bsd)
          .node('MultiHeadAttention', ['q', 'k', 'v'], ['y'], attrs, 'com.microsoft')
          .output('y', bsd);
        const feeds = { q: { data: toBSD(d.q, s), dims: bsd }, k: { data: toBSD(d.k, s), dims: bsd }, v: { data: toBSD(d.v, s), dims: bsd } };
        return ortCase(peer, g.encode(), feeds, 'com.microsoft.MultiHeadAttention', (y) => fromBSD(y, s));
      },
      tfjs(tf, d) {
        const [q, k, v] = [d.q, d.k, d.v].map((a) => tf.tensor3d(a, [HEADS, s, D]));
        const mask = causal ? tf.tensor2d(causalMask(s), [s, s]) : null;
        const compute = () => {
          let logits = tf.mul(tf.matMul(q, k, false, true), scale);
          if (mask) logits = tf.add(logits, mask);
          return tf.matMul(tf.softmax(logits), v);
        };
        return tfCase(compute, [q, k, v, ...(mask ? [mask] : [])]);
      },
    },
  });
}

export const attentionWorkloads: Workload[] = [128, 512, 2048].flatMap((s) => [attnWorkload(s, false), attnWorkload(s, true)]);
