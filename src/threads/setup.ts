/**
 * Glue between the loader and the pool: which thread count an engine gets, whether a compiled
 * module is a threads build, and starting the pool on an engine. The pool starts at init (not
 * lazily at the first big operator): a worker cannot come up while the calling thread is blocked
 * in a synchronous operator (a browser starts workers from the main thread's event loop), so
 * init() starts them and waits until each has instantiated the module. initSync() starts them
 * too but cannot wait: each worker joins from the first job after it is ready.
 */
import type { Engine, BuildName } from '../runtime/engine.js';
import type { Features } from '../runtime/detect.js';
import { CTRL_BYTES, ThreadPool, type SpawnWorker } from './pool.js';
import { planThreads, webCores, type ThreadsOption, type ThreadsPlan } from './plan.js';
import { webSpawner } from './spawn-web.js';

export interface ThreadsHooks {
  spawnWorker?: SpawnWorker;
  cores?: () => number | undefined;
}

/** How long init() waits for the workers to instantiate the module before going on without them. */
const READY_TIMEOUT_MS = 20_000;

function spawnerOf(hooks: ThreadsHooks): SpawnWorker | undefined {
  return hooks.spawnWorker ?? webSpawner();
}

/** The plan for an engine of `build` (the debug build always runs on one thread). */
export function threadsPlanFor(threads: ThreadsOption | undefined, features: Features, hooks: ThreadsHooks, build: BuildName): ThreadsPlan {
  const plan = planThreads(threads, features, { cores: hooks.cores?.() ?? webCores(), canSpawn: spawnerOf(hooks) !== undefined });
  if (build === 'debug' && plan.n > 1) return { n: 1, reason: '1 thread: the debug build runs on one thread' };
  return plan;
}

/** The threads twin of a build: the same kernels over a shared imported memory. */
export function threadsTwin(build: BuildName): 'simd-threads' | 'relaxed-threads' {
  return build === 'relaxed' ? 'relaxed-threads' : 'simd-threads';
}

/** True for simdnn's threads builds (they import a shared memory and export THREADS_BUILD). */
export function isThreadsBuild(mod: WebAssembly.Module): boolean {
  return WebAssembly.Module.exports(mod).some((e) => e.name === 'THREADS_BUILD');
}

/** Starts the pool of `plan` on the engine (or records why it runs on one thread). */
export function startThreads(engine: Engine, mod: WebAssembly.Module, plan: ThreadsPlan, hooks: ThreadsHooks): Promise<void> {
  if (plan.n > 1 && !isThreadsBuild(mod)) {
    plan = { n: 1, reason: '1 thread: the wasm supplied is not a threads build (supply simdnn-simd-threads.wasm or simdnn-relaxed-threads.wasm)' };
  }
  const spawn = spawnerOf(hooks);
  if (plan.n === 1 || !spawn) {
    engine.setThreads(undefined, plan.n === 1 ? plan.reason : '1 thread: this runtime has no Worker to run threads on');
    return Promise.resolve();
  }
  const ctrl = engine.arena.alloc(CTRL_BYTES);
  const pool = new ThreadPool(engine.memory, ctrl, mod, engine.instance.exports as Record<string, unknown>, plan.n, spawn);
  engine.setThreads(pool, plan.reason);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, READY_TIMEOUT_MS);
  });
  return Promise.race([pool.ready, timeout]).then(() => clearTimeout(timer));
}
