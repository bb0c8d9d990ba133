/**
 * Quick convolution-layer timings and workspace for the issue-4 shapes (batch 1, with bias):
 *   node dist/bench/layers/conv.js [--build simd|relaxed|debug] [--min-ms 400]
 * Prints per layer: path, the planned workspace, the measured arena high water above inputs and
 * output (must equal across image heights), ms per call and GFLOP/s (2 * MACs). Own numbers
 * only; the peer comparison belongs to `npm run bench`.
 */
import { createEngine, Tensor, F, setEngine, type BuildName } from '../../src/entries/node.js';
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
  let ms = NaN;
  if (timed) {
    let iters = 0;
    const t0 = performance.now();
    do {
      F.conv2d(x, wt, b, s.s, s.p, 1, s.groups).dispose();
      iters++;
    } while (performance.now() - t0 < minMs);
    ms = (performance.now() - t0) / iters;
  }
  for (const t of [x, wt, b]) t.dispose();
  const flops = 2 * s.o * oh * ow * (s.c / s.groups) * s.k * s.k;
  return { plan, measured, ms, gflops: flops / ms / 1e6 };
}

console.log(`conv layers, ${build} build, 1 thread, preliminary (shared machine; GEMM is the scalar placeholder)`);
console.log('layer | path | tile | planned workspace B | measured B (h) | measured B (4h) | ms | GFLOP/s');
for (const s of SHAPES) {
  const r = run(s, s.h, true);
  const tall = run(s, s.h * 4, false);
  console.log(`${s.name} | ${r.plan.path} | ${r.plan.tile} | ${r.plan.workspaceBytes} | ${r.measured} | ${tall.measured} | ${r.ms.toFixed(3)} | ${r.gflops.toFixed(2)}`);
}
