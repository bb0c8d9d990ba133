/**
 * How many threads an engine gets, and why, in words (engine.info().threadsReason). Never a
 * silent fallback: every path to 1 thread names its cause.
 */
import { ArgumentError } from '../runtime/errors.js';
import type { Features } from '../runtime/detect.js';

/** `init({ threads })`: 'auto' = the cores the runtime reports, at most AUTO_CAP; or a number. */
export type ThreadsOption = 'auto' | number;

/** The default cap of 'auto' (onnxruntime-web and XNNPACK users rarely gain past 4 on the web). */
export const AUTO_CAP = 4;
/** Hard upper bound (the pool's control block has room for 31 workers). */
export const MAX_THREADS = 32;

export interface ThreadsPlan {
  /** Threads to start, the calling thread included. */
  n: number;
  reason: string;
}

export interface ThreadsEnv {
  /** Cores the runtime reports (os.availableParallelism() or navigator.hardwareConcurrency). */
  cores?: number;
  /** Whether this runtime can start a worker at all. */
  canSpawn: boolean;
}

const g = globalThis as unknown as {
  navigator?: { userAgent?: string; hardwareConcurrency?: number };
  crossOriginIsolated?: boolean;
};

/** The cores reported by the Web platform (browsers, Deno, Bun, Node 21+), if any. */
export function webCores(): number | undefined {
  const n = g.navigator?.hardwareConcurrency;
  return typeof n === 'number' && n >= 1 ? n : undefined;
}

/** Why this runtime cannot run threads, or undefined if it can. */
function blocker(features: Features, env: ThreadsEnv): string | undefined {
  if (g.navigator?.userAgent === 'Cloudflare-Workers') return 'workerd has no threads (no Worker, and Atomics.wait is not allowed)';
  if (!features.threads && g.crossOriginIsolated === false) {
    return (
      'the page is not cross-origin isolated (serve it with Cross-Origin-Opener-Policy: same-origin and ' +
      'Cross-Origin-Embedder-Policy: require-corp to allow shared memory)'
    );
  }
  if (!features.threads) return 'this runtime does not validate wasm threads or cannot share memory with a worker';
  if (!env.canSpawn) return 'this runtime has no Worker to run threads on';
  return undefined;
}

export function planThreads(option: ThreadsOption | undefined, features: Features, env: ThreadsEnv): ThreadsPlan {
  if (option === undefined) return { n: 1, reason: "1 thread: the default (pass init({ threads: 'auto' }) or a number to run on workers)" };
  if (option !== 'auto' && !(Number.isInteger(option) && option >= 1 && option <= MAX_THREADS)) {
    throw new ArgumentError(`init: option threads must be 'auto' or an integer from 1 to ${MAX_THREADS}, got ${JSON.stringify(option)}`);
  }
  if (option === 1) return { n: 1, reason: '1 thread: init({ threads: 1 }) asked for it' };
  const why = blocker(features, env);
  if (why) return { n: 1, reason: `1 thread: ${why}` };
  if (option !== 'auto') return { n: option, reason: `${option} threads: init({ threads: ${option} }) asked for them (the calling thread + ${option - 1} worker${option > 2 ? 's' : ''})` };
  const cores = env.cores;
  if (!cores) return { n: 1, reason: "1 thread: threads 'auto' and the runtime does not report its core count (pass a number)" };
  const n = Math.min(cores, AUTO_CAP);
  if (n === 1) return { n: 1, reason: "1 thread: threads 'auto' and the runtime reports 1 core" };
  return { n, reason: `${n} threads: threads 'auto' = min(${cores} cores, ${AUTO_CAP})` };
}
