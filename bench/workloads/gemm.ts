/**
 * GEMM rows: C[M,N] = A[M,K] · W^T (+ bias), W in PyTorch's [N, K] layout and constant (packed
 * once, outside the timing, by every engine: our PackedWeights, ONNX Runtime's pre-packing of
 * constant initializers, tfjs-backend-wasm's cached XNNPACK operator). The cubes have no bias
 * (matmul); the transformer shapes and the GEMVs are Linear layers with bias.
 * GFLOP/s counts 2·M·N·K; the GEMV rows also give GB/s of weight traffic (N·K·4 bytes).
 */
import { Tensor } from '../../src/entries/node.js';
import { PackedWeights, gemm } from '../../src/ops/gemm.js';
import { Rng } from '../../test/helpers/rng.js';
import { ortCase } from '../peers/ort.js';
import { tfCase } from '../peers/tfjs.js';
import { OnnxGraph, int } from '../peers/onnx-model.js';
import { transpose } from './layout.js';
import { workload, type Workload } from './types.js';

interface GemmShape {
  m: number;
  k: number;
  n: number;
  bias: boolean;
}

interface GemmData {
  a: Float32Array;
  /** [N, K] */
  w: Float32Array;
  bias: Float32Array;
}

function gemmWorkload(s: GemmShape): Workload {
  const { m, k, n } = s;
  const name = m === 1 ? `gemv/K=${k},N=${n}` : `gemm/M=${m},N=${n},K=${k}`;
  return workload<GemmData>({
    name,
    flops: 2 * m * n * k,
    bytes: m === 1 ? n * k * 4 : undefined,
    data() {
      const r = new Rng(3 + m + k + n);
      const scale = 1 / Math.sqrt(k);
      return { a: r.f32(m * k), w: r.f32(n * k, -scale, scale), bias: r.f32(n, -scale, scale) };
    },
    sides: {
      ours(engine, d) {
        const a = Tensor.from(d.a, [m, k], 'float32', engine);
        const w = Tensor.from(d.w, [n, k], 'float32', engine);
        const b = s.bias ? Tensor.from(d.bias, [n], 'float32', engine) : null;
        const packed = PackedWeights.fromTensor(w, b);
        const c = Tensor.empty([m, n], 'float32', engine);
        const run = () => gemm(engine, { m, a: a.ptr, c: c.ptr }, packed);
        return {
          run,
          output: () => {
            run();
            return c.toFloat32Array();
          },
          dispose: () => {
            packed.dispose();
            for (const t of [a, w, b, c]) t?.dispose();
          },
          workspaceBytes: 0,
        };
      },
      ort(peer, d) {
        const g = new OnnxGraph().input('a', [m, k]).output('c', [m, n]);
        if (s.bias) {
          g.constant('w', [n, k], d.w).constant('bias', [n], d.bias);
          g.node('Gemm', ['a', 'w', 'bias'], ['c'], { transB: int(1) });
        } else {
          g.constant('b', [k, n], transpose(d.w, n, k)).node('MatMul', ['a', 'b'], ['c']);
        }
        return ortCase(peer, g.encode(), { a: { data: d.a, dims: [m, k] } });
      },
      tfjs(tf, d) {
        // W^T as [K, N], the layout of a tfjs Dense kernel: with transposeB the wasm backend
        // leaves XNNPACK for a path about 10x slower (measured), so it gets its best layout.
        const a = tf.tensor2d(d.a, [m, k]);
        const w = tf.tensor2d(transpose(d.w, n, k), [k, n]);
        const bias = s.bias ? tf.tensor1d(d.bias) : undefined;
        return tfCase(() => tf.fused.matMul({ a, b: w, bias }), [a, w, ...(bias ? [bias] : [])]);
      },
    },
  });
}

export const gemmWorkloads: Workload[] = [
  { m: 256, k: 256, n: 256, bias: false },
  { m: 512, k: 512, n: 512, bias: false },
  { m: 1024, k: 1024, n: 1024, bias: false },
  { m: 128, k: 768, n: 768, bias: true },
  { m: 128, k: 768, n: 3072, bias: true },
  { m: 1, k: 768, n: 768, bias: true },
  { m: 1, k: 4096, n: 4096, bias: true },
].map(gemmWorkload);
