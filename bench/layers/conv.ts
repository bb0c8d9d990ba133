/**
 * Quick convolution-layer timings and workspace for the issue-4 shapes (batch 1, with bias):
 *   node dist/bench/layers/conv.js [--build simd|relaxed|debug] [--min-ms 400] [--peers]
 * Prints per layer: path, the planned workspace, the measured arena high water above inputs and
 * output at the image height h and at 4h (bounded: equal once the image exceeds one tile), ms per
 * call and GFLOP/s (2 * MACs). Time is process CPU time (best of 3 rounds), which is steadier than
 * wall time on a shared machine. --peers adds tfjs-backend-wasm (1 thread, NHWC, fused bias) on
 * the same shapes. The full peer table belongs to `npm run bench`.
 */
import { createEngine, Tensor, F, setEngine, type BuildName } from '../../src/internal.js';
import { planConv2d, type ConvSpec } from '../../src/ops/conv2d.js';

interface Shape { name: string; c: number; h: number; w: number; o: number; k: number; s: number; p: number; groups: number }

const SHAPES: Shape[] = [
  { name: '3x3 64x56x56->64 p1', c: 64, h: 56, w: 56, o: 64, k: 3, s: 1, p: 1, groups: 1 },
  { name: 'stem 3x224x224->32 k3 s2 p1', c: 3, h: 224, w: 224, o: 32, k: 3, s: 2, p: 1, groups: 1 },
  { name: '3x3 128x28x28->128 p1', c: 128, h: 28, w: 28, o: 128, k: 3, s: 1, p: 1, groups: 1 },
  { name: '1x1 256x14x14->256', c: 256, h: 14, w: 14, o: 256, k: 1, s: 1, p: 0, groups: 1 },
  { name: 'depthwise k3 p1 128x56x56', c: 128, h: 56, w: 56, o: 128, k: 3, s: 1, p: 1, groups: 128 },
];

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
}

const build = arg('--build', 'simd') as BuildName;
const minMs = Number(arg('--min-ms', '400'));
const engine = await createEngine(build === 'debug' ? { debug: true } : { simd: build });
setEngine(engine);

/** Best of 3 rounds of CPU milliseconds per call (each round runs at least minMs / 3). */
function cpuMs(fn: () => void): number {
  fn();
  let best = Infinity;
  for (let r = 0; r < 3; r++) {
    const c0 = process.cpuUsage().user;
    let n = 0;
    do {
      fn();
      n++;
    } while (process.cpuUsage().user - c0 < (minMs * 1000) / 3);
    best = Math.min(best, (process.cpuUsage().user - c0) / 1000 / n);
  }
  return best;
}

async function peerMs(s: Shape): Promise<number> {
  const tf = await import('@tensorflow/tfjs-core');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  if (tf.getBackend() !== 'wasm') {
    wasm.setThreadsCount?.(1);
    await tf.setBackend('wasm');
    await tf.ready();
  }
  const x = tf.randomNormal([1, s.h, s.w, s.c]) as import('@tensorflow/tfjs-core').Tensor4D;
  const bias = tf.randomNormal([s.o]) as import('@tensorflow/tfjs-core').Tensor1D;
  const pad: [[number, number], [number, number], [number, number], [number, number]] = [[0, 0], [s.p, s.p], [s.p, s.p], [0, 0]];
  let fn: () => void;
  if (s.groups === s.c) {
    const f = tf.randomNormal([s.k, s.k, s.c, s.o / s.c]) as import('@tensorflow/tfjs-core').Tensor4D;
    fn = () => tf.fused.depthwiseConv2d({ x, filter: f, strides: s.s, pad: s.p === 0 ? 'valid' : (pad as never), bias }).dispose();
  } else {
    const f = tf.randomNormal([s.k, s.k, s.c, s.o]) as import('@tensorflow/tfjs-core').Tensor4D;
    fn = () => tf.fused.conv2d({ x, filter: f, strides: s.s, pad: s.p === 0 ? 'valid' : (pad as never), bias }).dispose();
  }
  return cpuMs(fn);
}

function run(s: Shape, h: number, timed: boolean) {
  const oh = Math.floor((h + 2 * s.p - s.k) / s.s) + 1;
  const ow = Math.floor((s.w + 2 * s.p - s.k) / s.s) + 1;
  const x = Tensor.from(new Float32Array(s.c * h * s.w).map(() => Math.random() - 0.5), [1, s.c, h, s.w]);
  const wt = Tensor.from(new Float32Array(s.o * (s.c / s.groups) * s.k * s.k).map(() => Math.random() - 0.5), [s.o, s.c / s.groups, s.k, s.k]);
  const b = Tensor.from(new Float32Array(s.o).map(() => Math.random() - 0.5), [s.o]);
  const spec: ConvSpec = { n: 1, c: s.c, o: s.o, groups: s.groups, h, w: s.w, oh, ow, kh: s.k, kw: s.k, sh: s.s, sw: s.s, ph: s.p, pw: s.p, dh: 1, dw: 1 };
  const plan = planConv2d(spec);
  engine.arena.resetHighWater();
  const before = engine.arena.stats().inUseBytes;
  const y0 = F.conv2d(x, wt, b, s.s, s.p, 1, s.groups);
  const outBytes = engine.arena.sizeOf(y0.ptr) ?? 0;
  const measured = engine.arena.stats().highWaterBytes - before - outBytes;
  y0.dispose();
  const ms = timed ? cpuMs(() => F.conv2d(x, wt, b, s.s, s.p, 1, s.groups).dispose()) : NaN;
  for (const t of [x, wt, b]) t.dispose();
  const flops = 2 * s.o * oh * ow * (s.c / s.groups) * s.k * s.k;
  return { plan, measured, ms, gflops: flops / ms / 1e6 };
}

const peers = process.argv.includes('--peers');
console.log(`conv layers, ${build} build, 1 thread, CPU ms (preliminary: shared machine)`);
console.log(`layer | path | tile | planned workspace B | measured B (h) | measured B (4h) | ms | GFLOP/s${peers ? ' | tfjs-wasm ms | tfjs GFLOP/s | speedup' : ''}`);
for (const s of SHAPES) {
  const r = run(s, s.h, true);
  const tall = run(s, s.h * 4, false);
  let line = `${s.name} | ${r.plan.path} | ${r.plan.tile} | ${r.plan.workspaceBytes} | ${r.measured} | ${tall.measured} | ${r.ms.toFixed(3)} | ${r.gflops.toFixed(2)}`;
  if (peers) {
    const pm = await peerMs(s);
    line += ` | ${pm.toFixed(3)} | ${((r.gflops * r.ms) / pm).toFixed(2)} | ${(pm / r.ms).toFixed(2)}x`;
  }
  console.log(line);
}
