/**
 * Thread pool costs and split thresholds (run on a quiet machine; numbers from a loaded one
 * mean nothing):  node dist/bench/threads-tune.js [--threads 2]
 * - init: createEngine() with 1 and with n threads (n - 1 workers instantiating the module);
 * - first-call latency: the first Linear call of a fresh n-thread engine, a call right after
 *   another (workers spinning), and a call after 50 ms idle (workers asleep in Atomics.wait);
 * - crossovers: 1 vs n threads with every split forced, per size, for GEMM (m = n = k) and for
 *   streaming ops (gelu, softmax rows); the smallest size where n threads win is where
 *   SPLIT.flopsPerThread / SPLIT.elementsPerThread (src/threads/split.ts) should sit.
 */
import { parseArgs } from 'node:util';
import { F, Tensor, createEngine, type Engine } from '../src/entries/node.js';
import { SPLIT } from '../src/threads/split.js';

const { values } = parseArgs({ options: { threads: { type: 'string', default: '2' } } });
const NT = Number(values.threads);

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s[s.length >> 1];
}

/** Median ms of fn over enough calls to fill ~150 ms (at least 5). */
function time(fn: () => void): number {
  fn();
  const samples: number[] = [];
  const t0 = performance.now();
  while (samples.length < 5 || performance.now() - t0 < 150) {
    const t = performance.now();
    fn();
    samples.push(performance.now() - t);
  }
  return median(samples);
}

function linearCase(e: Engine, m: number, n: number, k: number): { run: () => void; free: () => void } {
  const x = Tensor.from(new Float32Array(m * k).fill(0.5), [m, k], 'float32', e);
  const w = Tensor.from(new Float32Array(n * k).fill(0.25), [n, k], 'float32', e);
  return { run: () => F.linear(x, w).dispose(), free: () => [x, w].forEach((t) => t.dispose()) };
}

function streamCase(e: Engine, op: 'gelu' | 'softmax', n: number): { run: () => void; free: () => void } {
  const x = Tensor.from(new Float32Array(n).fill(0.3), op === 'softmax' ? [n / 256, 256] : [n], 'float32', e);
  return { run: () => (op === 'gelu' ? F.gelu(x) : F.softmax(x, -1)).dispose(), free: () => x.dispose() };
}

async function main(): Promise<void> {
  let t = performance.now();
  const one = await createEngine({ simd: 'simd' });
  const init1 = performance.now() - t;
  t = performance.now();
  const many = await createEngine({ simd: 'simd', threads: NT });
  const initN = performance.now() - t;
  console.log(`init: 1 thread ${init1.toFixed(1)} ms; ${many.info().threadsReason}: ${initN.toFixed(1)} ms`);

  const c = linearCase(many, 256, 256, 256);
  t = performance.now();
  c.run();
  const first = performance.now() - t;
  const hot = time(c.run);
  const idle: number[] = [];
  for (let i = 0; i < 7; i++) {
    await new Promise((r) => setTimeout(r, 50));
    t = performance.now();
    c.run();
    idle.push(performance.now() - t);
  }
  c.free();
  console.log(`Linear 256x256x256 on ${NT} threads: first call ${first.toFixed(3)} ms, back to back ${hot.toFixed(3)} ms, after 50 ms idle ${median(idle).toFixed(3)} ms`);

  const saved = { ...SPLIT };
  SPLIT.flopsPerThread = 1;
  SPLIT.elementsPerThread = 1;
  console.log('\ncrossovers (every split forced): size, 1 thread ms, n threads ms, ratio');
  for (const s of [8, 16, 24, 32, 48, 64, 96, 128, 192]) {
    const [a, b] = [linearCase(one, s, s, s), linearCase(many, s, s, s)];
    const [t1, tn] = [time(a.run), time(b.run)];
    a.free();
    b.free();
    console.log(`gemm m=n=k=${s} (${2 * s ** 3} flop): ${t1.toFixed(4)} ${tn.toFixed(4)} ${(t1 / tn).toFixed(2)}x`);
  }
  for (const op of ['gelu', 'softmax'] as const) {
    for (let n = 1 << 10; n <= 1 << 20; n <<= 1) {
      const [a, b] = [streamCase(one, op, n), streamCase(many, op, n)];
      const [t1, tn] = [time(a.run), time(b.run)];
      a.free();
      b.free();
      console.log(`${op} n=${n}: ${t1.toFixed(4)} ${tn.toFixed(4)} ${(t1 / tn).toFixed(2)}x`);
    }
  }
  Object.assign(SPLIT, saved);
  console.log(`\ncurrent thresholds: ${JSON.stringify(saved)} (per thread)`);
  one.dispose();
  many.dispose();
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
