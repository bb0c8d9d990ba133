/**
 * Quick tile-tuning script for the f32-gemm family (not the shared bench harness): times every
 * generated MRxNR variant of one build on the shapes, median of several runs after warm-up.
 *   node [--experimental-wasm-relaxed-simd] dist/bench/gemm-tune.js <simd|relaxed> [filter] [kc=N] [mc=N] [runs=N]
 * `filter` keeps variants whose name contains it. Prints GFLOP/s per variant and shape (GB/s of
 * weight traffic for M = 1), timed in process CPU time. Numbers are preliminary: the machine is
 * shared and noisy.
 */
import { createEngine, type Engine } from '../src/entries/node.js';

type Kernel = (...args: number[]) => void;

const SHAPES: [number, number, number][] = [
  [256, 256, 256],
  [512, 512, 512],
  [1024, 1024, 1024],
  [128, 768, 768],
  [128, 768, 3072],
  [1, 768, 768],
  [1, 4096, 4096],
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

function run(e: Engine, name: string, nr: number, m: number, k: number, n: number, kc: number, mc: number, runs: number): number {
  const ar = e.arena;
  const pa = ar.alloc(m * k * 4);
  const pw = ar.alloc(n * k * 4);
  const pb = ar.alloc(n * 4);
  const packed = ar.alloc(Math.ceil(n / nr) * (nr + k * nr) * 4);
  const pc = ar.alloc(m * n * 4);
  const ws = ar.alloc(16 * (Math.min(m, mc || m) + 16) * k); // presplat variants: 16 B per A element
  const fa = ar.f32(pa, m * k);
  for (let i = 0; i < fa.length; i++) fa[i] = Math.sin(i) * 0.5;
  const fw = ar.f32(pw, n * k);
  for (let i = 0; i < fw.length; i++) fw[i] = Math.cos(i) * 0.5;
  ar.f32(pb, n).fill(0.1);
  e.k.x32_packw_gemm_goi__scalar(nr, n, k, pw, k, pb, packed);
  const f = (e.k as unknown as Record<string, Kernel>)[name];
  const flops = 2 * m * n * k;
  const call = () => f(m, n, k, pa, k, packed, pc, n, 0, 0, 0, 0, kc, mc, ws);
  // Warm up until TurboFan has the function (~0.3 s of calls), then time.
  const t0 = performance.now();
  let calls = 0;
  while (performance.now() - t0 < 300 || calls < 3) {
    call();
    calls++;
  }
  const times: number[] = [];
  // CPU time of this process (not wall time): robust to the other processes sharing the cores.
  const inner = Math.max(1, Math.ceil(1e9 / flops));
  for (let r = 0; r < runs; r++) {
    const s = process.cpuUsage();
    for (let i = 0; i < inner; i++) call();
    const d = process.cpuUsage(s);
    times.push((d.user + d.system) / 1000 / inner);
  }
  for (const p of [pa, pw, pb, packed, pc, ws]) ar.free(p);
  const ms = median(times);
  return m === 1 ? (n * k * 4) / (ms * 1e6) : flops / (ms * 1e6);
}

async function main(): Promise<void> {
  const build = (process.argv[2] ?? 'simd') as 'simd' | 'relaxed';
  const filter = process.argv[3] && !process.argv[3].includes('=') ? process.argv[3] : '';
  const opt = (key: string, dflt: number) => {
    const a = process.argv.find((x) => x.startsWith(key + '='));
    return a ? Number(a.slice(key.length + 1)) : dflt;
  };
  const kc = opt('kc', 1024);
  const mc = opt('mc', 64);
  const runs = opt('runs', 5);
  const shapesArg = process.argv.find((x) => x.startsWith('shapes='));
  const shapes = shapesArg ? shapesArg.slice(7).split(',').map((i) => SHAPES[Number(i)]) : SHAPES;
  const e = await createEngine({ simd: build, maxMemoryBytes: 1 << 30 });
  const isa = build === 'relaxed' ? '__wasmrelaxedsimd_fma' : '__wasmsimd';
  const names = Object.keys(e.k).filter((x) => /^f32_gemm_\d+x\d+__/.test(x) && x.includes(isa) && x.includes(filter));
  console.log(`build=${build} kc=${kc} mc=${mc} runs=${runs} (GFLOP/s; M=1 rows: GB/s of weights)`);
  console.log(['variant', ...shapes.map(([m, k, n]) => `${m}x${k}x${n}`)].join('\t'));
  for (const name of names) {
    const nr = Number(/x(\d+)__/.exec(name)![1]);
    const row = [name.replace('f32_gemm_', '')];
    for (const [m, k, n] of shapes) row.push(run(e, name, nr, m, k, n, kc, mc, runs).toFixed(1));
    console.log(row.join('\t'));
  }
}

void main();
