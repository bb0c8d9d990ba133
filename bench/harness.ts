/**
 * The benchmark harness: the only file that imports benchmark.js (pinned 2.1.4; upstream is
 * archived, so this wrapper stays thin enough to swap out).
 *
 * One entry point, measure(), for synchronous functions (ours, tfjs) and asynchronous ones
 * (onnxruntime-web's session.run returns a Promise; benchmark.js "deferred" mode times it).
 * Everything but the timed call happens before measure() is called (allocation, packing,
 * fills, session creation). measure() first warms the function up until V8 has tiered the
 * wasm up (the best call time stops improving), then lets benchmark.js sample it.
 * Times are in milliseconds per call; the summary is the median of the samples, with the
 * relative margin of error (95 %) of their mean.
 */
import Benchmark from 'benchmark';

export interface TimedCase {
  /** The timed call: one operator over the whole workload, no setup inside. */
  run: () => void | Promise<unknown>;
  /** True when run() returns a Promise that must settle before the next call. */
  async: boolean;
  /** Called (untimed) before warm-up and before sampling, e.g. to select the engine. */
  enter?: () => void;
}

export interface HarnessOptions {
  /** Warm-up: at least this many calls (fewer if one call exceeds warmupMaxMs / 2)... */
  warmupMinCalls: number;
  /** ...and at least this long, ... */
  warmupMinMs: number;
  /** ...stopping early once the best call time has not improved by 3 % for 5 calls, and never longer than this. */
  warmupMaxMs: number;
  /** benchmark.js maxTime in seconds (time spent sampling once minSamples are taken). */
  maxTimeS: number;
  /** Samples wanted (benchmark.js minSamples); reduced for slow calls, never below 2. */
  minSamples: number;
  /** Sampling budget per measure() call in ms: slow calls take fewer samples to stay inside it. */
  budgetMs: number;
  /** A call slower than this (after one warm-up call) is timed once more by hand, not sampled. */
  singleCallAboveMs: number;
}

export interface Timing {
  /** Per-call times of every sample, ms. */
  samplesMs: number[];
  /**
   * CPU time the process got while sampling, over the wall time (1 = a whole core). Every engine
   * here is single-threaded, so well below 1 means the machine was busy and the times are inflated.
   */
  cpuShare: number;
  /** CPU time per call while sampling (ms): less sensitive to a busy machine than wall time. */
  cpuMsPerCall: number;
  /** True when the call was too slow to sample: samplesMs holds one timed call. */
  single: boolean;
  /** Calls made while warming up, and the last warm-up call's time in ms. */
  warmupCalls: number;
  warmupLastMs: number;
}

export interface Summary {
  medianMs: number;
  meanMs: number;
  /** Relative margin of error of the mean at 95 %, in percent. */
  rme: number;
  samples: number;
}

async function callOnce(c: TimedCase): Promise<number> {
  const t0 = performance.now();
  const r = c.run();
  if (c.async) await r;
  return performance.now() - t0;
}

/**
 * Calls c until V8 has tiered it up: the best time stops improving (or the time cap is hit).
 * A call slower than singleCallAboveMs ends the warm-up at once.
 */
export async function warmUp(c: TimedCase, o: HarnessOptions): Promise<{ calls: number; lastMs: number }> {
  c.enter?.();
  const start = performance.now();
  let best = Infinity;
  let sinceBest = 0;
  let calls = 0;
  let last = 0;
  for (;;) {
    last = await callOnce(c);
    calls++;
    sinceBest = last < best * 0.97 ? 0 : sinceBest + 1;
    best = Math.min(best, last);
    const elapsed = performance.now() - start;
    if (elapsed >= o.warmupMaxMs && calls >= 2) break;
    if (calls >= o.warmupMinCalls && elapsed >= o.warmupMinMs && sinceBest >= 5) break;
    if (last > o.warmupMaxMs / 2 && calls >= 2) break;
    if (last > o.singleCallAboveMs) break;
    // Lets V8's background TurboFan jobs and pending promise jobs run between calls.
    if (calls % 8 === 0) await new Promise((r) => setImmediate(r));
  }
  return { calls, lastMs: last };
}

interface Sampled {
  samplesMs: number[];
  cpuShare: number;
  cpuMsPerCall: number;
}

function runBenchmark(c: TimedCase, minSamples: number, maxTimeS: number): Promise<Sampled> {
  return new Promise((resolve, reject) => {
    let failure: unknown;
    let calls = 0;
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    const fn = c.async
      ? (deferred: { resolve(): void }) => {
          calls++;
          (c.run() as Promise<unknown>).then(
            () => deferred.resolve(),
            (e) => {
              failure ??= e;
              deferred.resolve();
            },
          );
        }
      : () => {
          calls++;
          c.run();
        };
    const bench = new Benchmark({
      fn,
      defer: c.async,
      async: true,
      minSamples,
      maxTime: maxTimeS,
      initCount: 1,
      onComplete() {
        if (failure) return reject(failure);
        if (bench.error) return reject(bench.error);
        const cpu = process.cpuUsage(cpu0);
        const cpuMs = (cpu.user + cpu.system) / 1e3;
        const cpuShare = cpuMs / (performance.now() - wall0);
        resolve({ samplesMs: bench.stats.sample.map((s: number) => s * 1e3), cpuShare, cpuMsPerCall: cpuMs / Math.max(calls, 1) });
      },
      onError(ev: { target?: { error?: unknown } }) {
        failure ??= ev?.target?.error ?? bench.error;
      },
    } as Benchmark.Options);
    bench.run({ async: true });
  });
}

/** Warms c up, then samples it with benchmark.js. */
export async function measure(c: TimedCase, o: HarnessOptions): Promise<Timing> {
  const w = await warmUp(c, o);
  if (w.lastMs > o.singleCallAboveMs) {
    c.enter?.();
    const cpu0 = process.cpuUsage();
    const ms = await callOnce(c);
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1e3;
    return { samplesMs: [ms], cpuShare: cpuMs / ms, cpuMsPerCall: cpuMs, single: true, warmupCalls: w.calls, warmupLastMs: w.lastMs };
  }
  const perCall = Math.max(w.lastMs, 1e-6);
  const fit = Math.floor(o.budgetMs / perCall);
  const minSamples = Math.max(2, Math.min(o.minSamples, fit));
  const maxTimeS = Math.min(o.maxTimeS, o.budgetMs / 1e3);
  c.enter?.();
  const s = await runBenchmark(c, minSamples, maxTimeS);
  return { ...s, single: false, warmupCalls: w.calls, warmupLastMs: w.lastMs };
}

/** Two-sided 95 % Student t quantiles for 1..30 degrees of freedom (benchmark.js uses the same table). */
const T95 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11,
  2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

/** Median, mean and rme of samples pooled from one or more measure() calls. */
export function summarize(samplesMs: readonly number[]): Summary {
  const n = samplesMs.length;
  if (n === 0) return { medianMs: NaN, meanMs: NaN, rme: NaN, samples: 0 };
  const s = [...samplesMs].sort((a, b) => a - b);
  const medianMs = n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  const meanMs = s.reduce((a, b) => a + b, 0) / n;
  if (n < 2) return { medianMs, meanMs, rme: NaN, samples: n };
  const variance = s.reduce((a, b) => a + (b - meanMs) ** 2, 0) / (n - 1);
  const sem = Math.sqrt(variance / n);
  const df = n - 1;
  const t = df <= T95.length ? T95[df - 1] : 1.96;
  return { medianMs, meanMs, rme: ((t * sem) / meanMs) * 100, samples: n };
}
