/**
 * Convolution rows, batch 1, with bias, NCHW for us and ONNX Runtime, NHWC for tfjs (its only
 * layout; inputs are given to it already in NHWC, so no transposes are timed).
 * GFLOP/s counts 2·Cout·OH·OW·(Cin/groups)·KH·KW.
 */
import { Tensor } from '../../src/entries/node.js';
import { Rng } from '../../test/helpers/rng.js';
import { ortCase } from '../peers/ort.js';
import { tfCase } from '../peers/tfjs.js';
import { OnnxGraph, int, ints } from '../peers/onnx-model.js';
import { loadWeights, nnModule, oursCase } from '../peers/ours.js';
import { fromNHWC, toNHWC } from './layout.js';
import { workload, type Workload } from './types.js';

interface ConvShape {
  label: string;
  cin: number;
  h: number;
  w: number;
  cout: number;
  k: number;
  stride: number;
  pad: number;
  groups: number;
}

interface ConvData {
  /** [1, Cin, H, W] */
  x: Float32Array;
  /** [Cout, Cin/groups, K, K] (PyTorch) */
  weight: Float32Array;
  bias: Float32Array;
}

/** [Cout, Cin/g, K, K] -> tfjs filter [K, K, Cin/g, Cout] (or [K, K, C, 1] for depthwise, Cin/g = 1). */
function toHWIO(wt: Float32Array, cout: number, cig: number, k: number, depthwise: boolean): Float32Array {
  const y = new Float32Array(wt.length);
  for (let o = 0; o < cout; o++)
    for (let i = 0; i < cig; i++)
      for (let kk = 0; kk < k * k; kk++) {
        const v = wt[(o * cig + i) * k * k + kk];
        y[depthwise ? kk * cout + o : (kk * cig + i) * cout + o] = v;
      }
  return y;
}

function convWorkload(s: ConvShape): Workload {
  const { cin, h, w, cout, k, stride, pad, groups } = s;
  const oh = Math.floor((h + 2 * pad - k) / stride) + 1;
  const ow = Math.floor((w + 2 * pad - k) / stride) + 1;
  const cig = cin / groups;
  const depthwise = groups === cin && groups === cout && groups > 1;
  const xShape = [1, cin, h, w];
  const wShape = [cout, cig, k, k];
  const yShape = [1, cout, oh, ow];
  return workload<ConvData>({
    name: `conv2d/${s.label}`,
    flops: 2 * cout * oh * ow * cig * k * k,
    data() {
      const r = new Rng(4 + cin + h + cout + k);
      const scale = 1 / Math.sqrt(cig * k * k);
      return { x: r.f32(cin * h * w), weight: r.f32(cout * cig * k * k, -scale, scale), bias: r.f32(cout, -scale, scale) };
    },
    sides: {
      ours(engine, d) {
        const Conv2d = nnModule('Conv2d');
        const m = new Conv2d(cin, cout, k, { stride, padding: pad, groups, bias: true });
        const note = loadWeights(m, { weight: { data: d.weight, shape: wShape }, bias: { data: d.bias, shape: [cout] } });
        const x = Tensor.from(d.x, xShape, 'float32', engine);
        const release = () => {
          x.dispose();
          m.dispose();
        };
        return oursCase(engine, () => m.forward(x), release, cout * oh * ow * 4, note);
      },
      ort(peer, d) {
        const g = new OnnxGraph()
          .input('x', xShape)
          .constant('w', wShape, d.weight)
          .constant('b', [cout], d.bias)
          .node('Conv', ['x', 'w', 'b'], ['y'], {
            kernel_shape: ints([k, k]),
            pads: ints([pad, pad, pad, pad]),
            strides: ints([stride, stride]),
            group: int(groups),
          })
          .output('y', yShape);
        return ortCase(peer, g.encode(), { x: { data: d.x, dims: xShape } });
      },
      tfjs(tf, d) {
        if (groups !== 1 && !depthwise) throw new Error('tfjs has no grouped convolution');
        const x = tf.tensor4d(toNHWC(d.x, cin, h, w), [1, h, w, cin]);
        const filter = tf.tensor4d(toHWIO(d.weight, cout, cig, k, depthwise), depthwise ? [k, k, cin, 1] : [k, k, cig, cout]);
        const bias = tf.tensor1d(d.bias);
        const strides: [number, number] = [stride, stride];
        const compute = depthwise
          ? () => tf.fused.depthwiseConv2d({ x, filter, strides, pad, bias })
          : () => tf.fused.conv2d({ x, filter, strides, pad, bias });
        return tfCase(compute, [x, filter, bias], 'NHWC', (y) => fromNHWC(y, cout, oh, ow));
      },
    },
  });
}

export const convWorkloads: Workload[] = [
  { label: '64x56x56->64,k3,p1', cin: 64, h: 56, w: 56, cout: 64, k: 3, stride: 1, pad: 1, groups: 1 },
  { label: '3x224x224->32,k3,s2,p1', cin: 3, h: 224, w: 224, cout: 32, k: 3, stride: 2, pad: 1, groups: 1 },
  { label: '128x28x28->128,k3,p1', cin: 128, h: 28, w: 28, cout: 128, k: 3, stride: 1, pad: 1, groups: 1 },
  { label: '256x14x14->256,k1', cin: 256, h: 14, w: 14, cout: 256, k: 1, stride: 1, pad: 0, groups: 1 },
  { label: 'dw128x56x56,k3,p1', cin: 128, h: 56, w: 56, cout: 128, k: 3, stride: 1, pad: 1, groups: 128 },
].map(convWorkload);
