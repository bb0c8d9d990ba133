/**
 * int8 rows (issue 15): the dynamic-int8 GEMM (src/ops/qgemm.ts) and the int8 LSTM
 * (nn.quantizeDynamic), each next to the same shape in float32 simdnn, so one
 * `npm run bench -- --filter int8` gives the ratios: GEMM 1024^3 and 128x768x3072, GEMV
 * 4096x4096, LSTM batch 1 (T 128, input and hidden 256), conv 3x3 64 channels. Row names:
 * `int8/<shape>` (int8) and `int8/f32/<shape>` (float32). The int8 GEMM/GEMV rows also run
 * onnxruntime-web on the same int8 weights as a QDQ model (DequantizeLinear -> MatMul + Add);
 * the LSTM and conv rows are ours only (their quantized ONNX forms are not written yet).
 * GFLOP/s counts 2·M·N·K (the LSTM: its two matrix products); GEMV rows give GB/s of weight
 * traffic at each dtype's width (int8: N·K bytes, fp16: 2·N·K, float32: 4·N·K). The GEMM rows also
 * run the fp16-storage GEMM (`int8/f16w/<shape>`: weights kept as halves, widened in the kernel):
 * the speed cost of fp16 storage.
 */
import { Tensor, nn } from '../../src/entries/node.js';
import { PackedWeights, gemm } from '../../src/ops/gemm.js';
import { QPackedWeights, qgemm, quantizePerChannel } from '../../src/ops/qgemm.js';
import { ortCase } from '../peers/ort.js';
import { OnnxGraph, int } from '../peers/onnx-model.js';
import { HPackedWeights, hgemm } from '../../src/ops/hgemm.js';
import { f32BitsToF16 } from '../../src/io/half.js';
import { Rng } from '../../test/helpers/rng.js';
import { oursCase } from '../peers/ours.js';
import { workload, type Workload } from './types.js';

interface GemmData {
  a: Float32Array;
  w: Float32Array;
  bias: Float32Array;
}

function gemmRows(m: number, k: number, n: number): Workload[] {
  const shape = m === 1 ? `gemv/K=${k},N=${n}` : `gemm/M=${m},N=${n},K=${k}`;
  const data = (): GemmData => {
    const r = new Rng(3 + m + k + n);
    const s = 1 / Math.sqrt(k);
    return { a: r.f32(m * k), w: r.f32(n * k, -s, s), bias: r.f32(n, -s, s) };
  };
  return (['int8', 'f32', 'f16w'] as const).map((kind) =>
    workload<GemmData>({
      name: `int8/${kind === 'int8' ? '' : kind + '/'}${shape}`,
      flops: 2 * m * n * k,
      bytes: m === 1 ? n * k * (kind === 'int8' ? 1 : kind === 'f16w' ? 2 : 4) : undefined,
      checkTol: kind === 'int8' ? 0.03 : undefined,
      data,
      sides: {
        ours(engine, d) {
          const a = Tensor.from(d.a, [m, k], 'float32', engine);
          const c = Tensor.empty([m, n], 'float32', engine);
          let pw: QPackedWeights | PackedWeights | HPackedWeights;
          let run: () => void;
          if (kind === 'int8') {
            const q = QPackedWeights.quantize(engine, n, k, d.w, d.bias);
            run = () => qgemm(engine, { m, a: a.ptr, c: c.ptr }, q);
            pw = q;
          } else if (kind === 'f16w') {
            const bits = new Uint16Array(n * k);
            const f = new Uint32Array(d.w.buffer, d.w.byteOffset, n * k);
            for (let i = 0; i < bits.length; i++) bits[i] = f32BitsToF16(f[i]);
            const h = HPackedWeights.fromHalf(engine, n, k, bits, d.bias)!;
            run = () => hgemm(engine, { m, a: a.ptr, c: c.ptr }, h);
            pw = h;
          } else {
            const p = engine.scope(() => PackedWeights.fromTensor(Tensor.from(d.w, [n, k], 'float32', engine), Tensor.from(d.bias, [n], 'float32', engine)));
            run = () => gemm(engine, { m, a: a.ptr, c: c.ptr }, p);
            pw = p;
          }
          return {
            run,
            output: () => {
              run();
              return c.toFloat32Array();
            },
            dispose: () => {
              pw.dispose();
              a.dispose();
              c.dispose();
            },
            note: `weights ${(pw.bytes / 1048576).toFixed(2)} MiB`,
          };
        },
        // the same int8 weights as a QDQ model: MatMul(a, DequantizeLinear(Wq [K, N] int8, scale [N], 0, axis 1)) + bias
        ort: kind === 'int8' ? (peer, d) => {
          const { q, scales } = quantizePerChannel(d.w, n, k);
          const g = new OnnxGraph().input('a', [m, k]).output('c', [m, n]);
          g.constantInt8('wq', [k, n], Int8Array.from({ length: k * n }, (_, i) => q[(i % n) * k + Math.floor(i / n)]));
          g.constant('ws', [n], scales).constantInt8('wz', [n], new Int8Array(n)).constant('bias', [n], d.bias);
          g.node('DequantizeLinear', ['wq', 'ws', 'wz'], ['w'], { axis: int(1) }).node('MatMul', ['a', 'w'], ['y']).node('Add', ['y', 'bias'], ['c']);
          return ortCase(peer, g.encode(), { a: { data: d.a, dims: [m, k] } }, 'QDQ model');
        } : undefined,
      },
    }),
  );
}

interface LstmData {
  x: Float32Array;
  seed: number;
}

function lstmRows(T: number, B: number, H: number): Workload[] {
  return [true, false].map((int8) =>
    workload<LstmData>({
      name: `int8/${int8 ? '' : 'f32/'}lstm/T=${T},B=${B},I=${H},H=${H}`,
      flops: 2 * T * B * 4 * H * (H + H),
      data: () => ({ x: new Rng(17).f32(T * B * H), seed: 17 }),
      sides: {
        ours(engine, d) {
          const m = new nn.LSTM(H, H, {}, engine);
          const r = new Rng(d.seed);
          const sd = m.stateDict();
          for (const t of Object.values(sd)) t.data<'float32'>().set(r.f32(t.numel, -1 / 16, 1 / 16));
          m.loadStateDict(sd);
          if (int8) nn.quantizeDynamic(m);
          const x = Tensor.from(d.x, [T, B, H], 'float32', engine);
          return oursCase(engine, () => m.forward(x)[0], () => {
            m.dispose();
            x.dispose();
          });
        },
      },
    }),
  );
}

function convRows(c: number, hw: number): Workload[] {
  return [true, false].map((int8) =>
    workload<Float32Array>({
      name: `int8/${int8 ? '' : 'f32/'}conv/N=1,C=${c},H=${hw},W=${hw},O=${c},k3x3`,
      flops: 2 * c * c * 9 * hw * hw,
      data: () => new Rng(29).f32(c * hw * hw),
      sides: {
        ours(engine, d) {
          const m = new nn.Conv2d(c, c, 3, { padding: 1 }, engine);
          const r = new Rng(31);
          const sd = m.stateDict();
          for (const t of Object.values(sd)) t.data<'float32'>().set(r.f32(t.numel, -1 / 24, 1 / 24));
          m.loadStateDict(sd);
          if (int8) nn.quantizeDynamic(m);
          const x = Tensor.from(d, [1, c, hw, hw], 'float32', engine);
          return oursCase(engine, () => m.forward(x), () => {
            m.dispose();
            x.dispose();
          });
        },
      },
    }),
  );
}

export const int8Workloads: Workload[] = [
  ...gemmRows(1024, 1024, 1024),
  ...gemmRows(128, 768, 3072),
  ...gemmRows(1, 4096, 4096),
  ...lstmRows(128, 1, 256),
  ...convRows(64, 56),
];
