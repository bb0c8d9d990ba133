/**
 * Memory-bound rows: softmax and layer_norm over the last dim of a 2048x1024 matrix. GB/s counts
 * the minimum traffic, one read of x and one write of y (8 MiB each).
 */
import { Tensor } from '../../src/entries/node.js';
import { Rng } from '../../test/helpers/rng.js';
import { ortCase } from '../peers/ort.js';
import { tfCase } from '../peers/tfjs.js';
import { OnnxGraph, float, int } from '../peers/onnx-model.js';
import { fn, nnModule, oursCase, loadWeights } from '../peers/ours.js';
import { workload, type Workload } from './types.js';

const ROWS = 2048;
const COLS = 1024;
const EPS = 1e-5;

interface NormData {
  x: Float32Array;
  gamma: Float32Array;
  beta: Float32Array;
}

function data(): NormData {
  const r = new Rng(2);
  return { x: r.randn(ROWS * COLS, 3), gamma: r.f32(COLS, 0.5, 1.5), beta: r.f32(COLS, -0.5, 0.5) };
}

const shape = [ROWS, COLS];
const bytes = 2 * ROWS * COLS * 4;

const softmax = workload<NormData>({
  name: `softmax/${ROWS}x${COLS}`,
  bytes,
  data,
  sides: {
    ours(engine, d) {
      const softmaxFn = fn('softmax');
      const x = Tensor.from(d.x, shape, 'float32', engine);
      return oursCase(engine, () => softmaxFn(x, -1), () => x.dispose(), bytes / 2);
    },
    ort(peer, d) {
      const g = new OnnxGraph().input('x', shape).node('Softmax', ['x'], ['y'], { axis: int(-1) }).output('y', shape);
      return ortCase(peer, g.encode(), { x: { data: d.x, dims: shape } });
    },
    tfjs(tf, d) {
      const x = tf.tensor2d(d.x, [ROWS, COLS]);
      return tfCase(() => tf.softmax(x), [x]);
    },
  },
});

const layerNorm = workload<NormData>({
  name: `layer_norm/${ROWS}x${COLS}`,
  bytes,
  data,
  sides: {
    ours(engine, d) {
      const LayerNorm = nnModule('LayerNorm');
      const m = new LayerNorm(COLS, { eps: EPS });
      const note = loadWeights(m, { weight: { data: d.gamma, shape: [COLS] }, bias: { data: d.beta, shape: [COLS] } });
      const x = Tensor.from(d.x, shape, 'float32', engine);
      const release = () => {
        x.dispose();
        m.dispose();
      };
      return oursCase(engine, () => m.forward(x), release, bytes / 2, note);
    },
    ort(peer, d) {
      const g = new OnnxGraph()
        .input('x', shape)
        .constant('gamma', [COLS], d.gamma)
        .constant('beta', [COLS], d.beta)
        .node('LayerNormalization', ['x', 'gamma', 'beta'], ['y'], { axis: int(-1), epsilon: float(EPS) })
        .output('y', shape);
      return ortCase(peer, g.encode(), { x: { data: d.x, dims: shape } });
    },
    tfjs(tf, d) {
      // tfjs-core has no layer-norm op: composed from core ops as tfjs-layers does.
      const x = tf.tensor2d(d.x, [ROWS, COLS]);
      const gamma = tf.tensor1d(d.gamma);
      const beta = tf.tensor1d(d.beta);
      const compute = () => {
        const { mean, variance } = tf.moments(x, -1, true);
        return tf.add(tf.mul(tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, EPS))), gamma), beta);
      };
      return tfCase(compute, [x, gamma, beta], 'composed from core ops');
    },
  },
});

export const normWorkloads: Workload[] = [softmax, layerNorm];
