/**
 * The worker pool of one engine: n - 1 workers, each with its own instance of the same compiled
 * threads build on the engine's shared WebAssembly.Memory, plus the calling thread, which takes
 * part in every job (as pthreadpool does). One `run()` is one dispatch: a list of tasks, each one
 * call of the same kernel export with its own arguments (a range of tiles: the tile loop stays
 * in wasm). Tasks are claimed dynamically with an atomic counter; no task depends on another and
 * every output element is written by exactly one task, so the split never changes a result.
 *
 * Waiting: the caller spins (a browser main thread may not Atomics.wait); idle workers spin
 * briefly, then sleep in Atomics.wait on the generation word, and are woken by Atomics.notify only
 * when someone sleeps. Stacks: the kernels keep no state in linear memory (stub runtime, no
 * shadow stack, no mutable globals; every wasm local lives on the executing thread's own native
 * stack), and every task that needs scratch memory gets its own workspace slice from the caller.
 *
 * Failures: an exception (a trap) inside a task is carried back as a ThreadError on the calling
 * thread and the pool stays usable; a worker that dies stops taking part, the call that needed it
 * throws, and the engine goes on with the threads that are left (engine.info() says so).
 */
import { ThreadError } from '../runtime/errors.js';
import { workerMain } from './worker-main.js';

/** A started worker, whatever the runtime's Worker API is. */
export interface PoolWorker {
  post(msg: unknown): void;
  /** Called with each message the worker posts, and with { type: 'error' } if it fails or exits. */
  onMessage(fn: (msg: { type: string; message?: string }) => void): void;
  terminate(): void;
  /** Node: do not keep the process alive for this worker. */
  unref?(): void;
}

/** Starts one worker running workerSource() for its runtime. */
export type SpawnWorker = () => PoolWorker;

/** Layout of the control block (Int32 words; argument vectors as Float64 after ARGS_BYTE). */
export const LAYOUT = {
  GEN: 0,
  QUIT: 1,
  NEXT: 2,
  NTASKS: 3,
  FN: 4,
  NARGS: 5,
  ERR: 6,
  SLEEPERS: 7,
  MASK: 8,
  MSG_LEN: 9,
  STATE: 16,
  ACK: 48,
  MSG: 80,
  MSG_CHARS: 512,
  WORDS: 80 + 256,
  ARGS_BYTE: 2048,
  MAX_TASKS: 64,
  MAX_ARGS: 40,
  SPIN: 20000,
  MAX_WORKERS: 31,
} as const;

/** Bytes of the control block. */
export const CTRL_BYTES = LAYOUT.ARGS_BYTE + LAYOUT.MAX_TASKS * LAYOUT.MAX_ARGS * 8;

const STATE_READY = 1;
const STATE_DEAD = 2;

/** Source text of a worker: the body plus the WorkerPort glue for Web Workers or Node's worker_threads. */
export function workerSource(kind: 'web' | 'node'): string {
  const glue =
    kind === 'node'
      ? `const wt = require('node:worker_threads'); const p = wt.parentPort;
         const port = { post: (m) => p.postMessage(m), listen: (f) => p.on('message', f),
           close: () => p.close(), onExit: (f) => process.on('exit', f) };`
      : `const port = { post: (m) => self.postMessage(m), listen: (f) => { self.onmessage = (e) => f(e.data); },
           close: () => self.close(), onExit: (f) => self.addEventListener('error', f) };`;
  return `"use strict";\n${glue}\n(${workerMain.toString()})(port);\n`;
}


export class ThreadPool {
  private readonly I: Int32Array;
  private readonly F: Float64Array;
  private readonly workers: PoolWorker[] = [];
  private readonly fnIndex = new Map<string, number>();
  private readonly fns: ((...a: number[]) => unknown)[];
  private readonly byFn = new Map<unknown, number>();
  private lost: string | undefined;
  /** Jobs dispatched so far, in all and per export (tests check that an operator did split). */
  jobs = 0;
  readonly jobsByKernel = new Map<string, number>();
  private closed = false;
  /** Resolves when every worker has started (or failed to). */
  readonly ready: Promise<void>;

  constructor(
    private readonly memory: WebAssembly.Memory,
    private readonly ctrl: number,
    module: WebAssembly.Module,
    exports: Record<string, unknown>,
    /** Threads wanted, the calling one included. */
    readonly wanted: number,
    spawn: SpawnWorker,
  ) {
    const names = WebAssembly.Module.exports(module)
      .filter((e) => e.kind === 'function')
      .map((e) => e.name)
      .sort();
    names.forEach((n, i) => this.fnIndex.set(n, i));
    this.fns = names.map((n) => exports[n] as (...a: number[]) => unknown);
    this.fns.forEach((f, i) => this.byFn.set(f, i));
    this.I = new Int32Array(memory.buffer, ctrl, LAYOUT.WORDS);
    this.F = new Float64Array(memory.buffer, ctrl + LAYOUT.ARGS_BYTE, LAYOUT.MAX_TASKS * LAYOUT.MAX_ARGS);
    this.I.fill(0);
    const starts: Promise<void>[] = [];
    for (let i = 1; i < wanted; i++) {
      let w: PoolWorker;
      try {
        w = spawn();
      } catch (e) {
        this.lost ??= `worker ${i} could not be created: ${(e as Error).message ?? e}`;
        break;
      }
      this.workers.push(w);
      w.unref?.();
      starts.push(
        new Promise<void>((resolve) => {
          w.onMessage((m) => {
            if (m.type === 'ready') resolve();
            else if (m.type === 'error') {
              Atomics.store(this.I, LAYOUT.STATE + i, STATE_DEAD);
              this.lost ??= `worker ${i} failed: ${m.message ?? 'unknown error'}`;
              resolve();
            }
          });
        }),
      );
      w.post({ type: 'start', module, memory, ctrl, index: i, names, layout: { ...LAYOUT } });
    }
    this.ready = Promise.all(starts).then(() => undefined);
  }

  /** Threads that take part in the next job: the calling thread plus the ready workers. */
  get size(): number {
    if (this.closed) return 1;
    let n = 1;
    for (let i = 1; i <= this.workers.length; i++) if (Atomics.load(this.I, LAYOUT.STATE + i) === STATE_READY) n++;
    return n;
  }

  /** Why fewer threads run than were asked for, if so. */
  get problem(): string | undefined {
    return this.lost;
  }

  /** The export name of a kernel function of this engine's instance, if it is one. */
  nameOf(fn: unknown): string | undefined {
    const i = this.byFn.get(fn);
    return i === undefined ? undefined : this.fnName(i);
  }

  /**
   * Runs one job: calls export `name` once per task with that task's arguments, spread over the
   * calling thread and the ready workers, and returns when every task is done. Throws a
   * ThreadError if any task threw (after every participant has stopped).
   */
  run(name: string, tasks: ArrayLike<number>[]): void {
    const fn = this.fnIndex.get(name);
    if (fn === undefined) throw new ThreadError(`thread pool: the wasm has no export ${name}`);
    if (tasks.length > LAYOUT.MAX_TASKS) throw new ThreadError(`thread pool: ${tasks.length} tasks, at most ${LAYOUT.MAX_TASKS}`);
    const nargs = tasks.length ? tasks[0].length : 0;
    if (nargs > LAYOUT.MAX_ARGS) throw new ThreadError(`thread pool: ${nargs} arguments, at most ${LAYOUT.MAX_ARGS}`);
    for (let t = 0; t < tasks.length; t++) {
      const a = tasks[t];
      if (a.length !== nargs) throw new ThreadError('thread pool: every task of a job must have the same argument count');
      this.F.set(a, t * LAYOUT.MAX_ARGS);
    }
    this.jobsByKernel.set(name, (this.jobsByKernel.get(name) ?? 0) + 1);
    this.dispatch(fn, tasks.length, nargs);
  }

  /** Test hook: makes every worker throw (kind 'throw') or end its thread (kind 'exit'). */
  injectFault(kind: 'throw' | 'exit'): void {
    this.dispatch(kind === 'throw' ? -1 : -2, 0, 0);
  }

  private dispatch(fn: number, ntasks: number, nargs: number): void {
    const I = this.I;
    const L = LAYOUT;
    if (this.closed) throw new ThreadError('thread pool: the engine was disposed');
    this.jobs++;
    let mask = 0;
    for (let i = 1; i <= this.workers.length; i++) if (Atomics.load(I, L.STATE + i) === STATE_READY) mask |= 1 << i;
    Atomics.store(I, L.FN, fn);
    Atomics.store(I, L.NTASKS, ntasks);
    Atomics.store(I, L.NARGS, nargs);
    Atomics.store(I, L.NEXT, 0);
    Atomics.store(I, L.ERR, 0);
    Atomics.store(I, L.MSG_LEN, 0);
    Atomics.store(I, L.MASK, mask);
    const gen = Atomics.add(I, L.GEN, 1) + 1;
    if (Atomics.load(I, L.SLEEPERS) > 0) Atomics.notify(I, L.GEN);
    // The calling thread works too.
    let callerError: unknown;
    if (fn >= 0) {
      const f = this.fns[fn];
      const args: number[] = new Array(nargs);
      try {
        for (let t = Atomics.add(I, L.NEXT, 1); t < ntasks; t = Atomics.add(I, L.NEXT, 1)) {
          const base = t * L.MAX_ARGS;
          for (let i = 0; i < nargs; i++) args[i] = this.F[base + i];
          f.apply(null, args);
        }
      } catch (e) {
        callerError = e;
        Atomics.compareExchange(I, L.ERR, 0, -1);
        Atomics.store(I, L.NEXT, ntasks);
      }
    }
    // Wait (spinning) until every participant has acknowledged this generation or died.
    let died = '';
    for (let i = 1; i <= this.workers.length; i++) {
      if (!(mask & (1 << i))) continue;
      for (;;) {
        if (Atomics.load(I, L.ACK + i) === gen) break;
        if (Atomics.load(I, L.STATE + i) === STATE_DEAD) {
          died += `${died ? ', ' : ''}${i}`;
          break;
        }
      }
    }
    if (callerError !== undefined) throw callerError;
    const err = Atomics.load(I, L.ERR);
    if (died) {
      this.lost ??= `worker ${died} stopped while running ${this.label(fn)}`;
      if (err <= 0) throw new ThreadError(`thread pool: worker ${died} died while running ${this.label(fn)}; the engine goes on with ${this.size} thread(s)`);
    }
    if (err > 0) {
      const len = Atomics.load(I, L.MSG_LEN);
      let text = '';
      for (let i = 0; i < len; i++) {
        const w = I[L.MSG + (i >> 1)];
        text += String.fromCharCode(i & 1 ? (w >>> 16) & 0xffff : w & 0xffff);
      }
      throw new ThreadError(`thread pool: ${this.label(fn)} failed in worker ${err - 1}: ${text}`);
    }
  }

  private label(fn: number): string {
    if (fn < 0) return 'an injected test fault';
    return this.fnName(fn);
  }

  private fnName(fn: number): string {
    for (const [n, i] of this.fnIndex) if (i === fn) return n;
    return `export #${fn}`;
  }

  /** Ends every worker (they leave their loop, then are terminated). Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.I, LAYOUT.QUIT, 1);
    Atomics.add(this.I, LAYOUT.GEN, 1);
    Atomics.notify(this.I, LAYOUT.GEN);
    for (const w of this.workers) {
      try {
        w.terminate();
      } catch {
        // already gone
      }
    }
  }

  /** The shared memory this pool works on. */
  get sharedMemory(): WebAssembly.Memory {
    return this.memory;
  }

  /** Byte address of the control block in the engine's memory. */
  get ctrlPtr(): number {
    return this.ctrl;
  }
}
