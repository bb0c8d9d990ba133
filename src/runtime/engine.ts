/**
 * The engine: one instantiated wasm build, its one linear memory and the arena over it, plus the
 * scope stack that frees intermediate tensors. Created by init()/initSync() (runtime/loader.ts).
 */
import { Arena, type MemoryStats } from './memory.js';
import type { Features } from './detect.js';
import type { KernelExports } from './exports.js';
import { DisposedError, NotInitializedError } from './errors.js';
import type { ThreadPool } from '../threads/pool.js';

export type BuildName = 'simd' | 'relaxed' | 'debug';

export interface EngineInfo {
  /** The build that runs: 'simd' (SIMD128), 'relaxed' (adds relaxed SIMD) or 'debug' (asserts on). */
  build: BuildName;
  /** Features the runtime validated. */
  features: Features;
  /** Why this build was chosen, in words. */
  reason: string;
  /** Threads the kernels run on, the calling thread included. */
  threads: number;
  /** Why that many, in words (e.g. "1 thread: the page is not cross-origin isolated (...)"). */
  threadsReason: string;
}

/** Anything the engine can free at the end of a scope. */
export interface Disposable {
  dispose(): void;
  readonly isDisposed: boolean;
}

export class Engine {
  /** @internal The allocator over the linear memory (ops and tensors only). */
  readonly arena: Arena;
  private readonly scopes: Set<Disposable>[] = [];
  private readonly kept = new WeakSet<Disposable>();
  // Nulled by dispose(), so nothing of the engine keeps the instance or its memory alive.
  private kernels: KernelExports | null;
  private wasmInstance: WebAssembly.Instance | null;
  /** @internal The worker pool when the engine runs on more than one thread (operators split work over it). */
  pool: ThreadPool | undefined;
  private threadsReason = '1 thread';

  /** @internal Engines come from init(), initSync() and createEngine(). */
  constructor(
    instance: WebAssembly.Instance,
    memory: WebAssembly.Memory,
    readonly build: BuildName,
    readonly features: Features,
    readonly reason: string,
    limitBytes: number,
    kernels?: KernelExports,
  ) {
    this.wasmInstance = instance;
    this.kernels = kernels ?? (instance.exports as unknown as KernelExports);
    this.arena = new Arena(memory, this.kernels.heap_base(), limitBytes);
  }

  /** @internal The kernels (wasm exports). */
  get k(): KernelExports {
    return this.kernels ?? this.disposedError();
  }

  /** @internal */
  get instance(): WebAssembly.Instance {
    return this.wasmInstance ?? this.disposedError();
  }

  /** The engine's one WebAssembly linear memory (DisposedError after dispose()). */
  get memory(): WebAssembly.Memory {
    return this.arena.memory;
  }

  get isDisposed(): boolean {
    return this.kernels === null;
  }

  /**
   * Releases the engine: drops its WebAssembly instance and memory so the runtime can collect
   * them (wasm memory never shrinks, so this is the only way to give it back), and frees every
   * tensor, module and packed weight at once. Afterwards each of them (and the engine) throws
   * DisposedError; a new engine (createEngine(), or init() again for the default one) starts
   * small. Ends the engine's worker threads, if any. Idempotent. Typed-array views taken with data()/bytes() keep the old memory alive
   * as long as they are referenced: do not keep them.
   */
  dispose(): void {
    if (this.kernels === null) return;
    this.pool?.close();
    this.pool = undefined;
    this.kernels = null;
    this.wasmInstance = null;
    this.scopes.length = 0;
    this.arena.dispose();
    if (current === this) current = undefined;
  }

  private disposedError(): never {
    throw new DisposedError(`this ${this.build} engine was disposed (engine.dispose()): create a new one with createEngine() or init()`);
  }

  info(): EngineInfo {
    if (this.isDisposed) this.disposedError();
    const pool = this.pool;
    const threads = pool ? pool.size : 1;
    const problem = pool?.problem;
    const threadsReason = problem ? `${threads} thread${threads > 1 ? 's' : ''}: ${problem} (asked: ${this.threadsReason})` : this.threadsReason;
    return { build: this.build, features: { ...this.features }, reason: this.reason, threads, threadsReason };
  }

  /** @internal (loader) The pool this engine splits work over, and why it has that many threads. */
  setThreads(pool: ThreadPool | undefined, reason: string): void {
    this.pool = pool;
    this.threadsReason = reason;
  }

  memoryStats(): MemoryStats {
    if (this.isDisposed) this.disposedError();
    return this.arena.stats();
  }

  /** True when the relaxed-SIMD kernels are available. */
  get relaxed(): boolean {
    return this.build === 'relaxed';
  }

  /** @internal Called by every tensor at birth: the innermost open scope will free it. */
  track(t: Disposable): void {
    const s = this.scopes[this.scopes.length - 1];
    if (s) s.add(t);
  }

  /** Excludes a tensor from every scope (module parameters, results kept on purpose). */
  keep<T extends Disposable>(t: T): T {
    for (const s of this.scopes) s.delete(t);
    this.kept.add(t);
    return t;
  }

  /**
   * Runs fn and frees every tensor created inside it, except the tensors it returns (a tensor,
   * an array of them, or an object whose values are tensors) and those passed to keep().
   */
  scope<T>(fn: () => T): T {
    const s = new Set<Disposable>();
    this.scopes.push(s);
    let result: T;
    try {
      result = fn();
    } catch (e) {
      this.scopes.pop();
      for (const t of s) if (!t.isDisposed) t.dispose();
      throw e;
    }
    this.scopes.pop();
    const survivors = new Set<unknown>();
    collect(result, survivors);
    const parent = this.scopes[this.scopes.length - 1];
    for (const t of s) {
      if (survivors.has(t)) {
        if (parent) parent.add(t);
      } else if (!t.isDisposed) t.dispose();
    }
    return result;
  }
}

function collect(v: unknown, out: Set<unknown>, depth = 0): void {
  if (v == null || typeof v !== 'object' || depth > 4) return;
  out.add(v);
  if (Array.isArray(v)) for (const x of v) collect(x, out, depth + 1);
  else if (Object.getPrototypeOf(v) === Object.prototype) for (const x of Object.values(v)) collect(x, out, depth + 1);
}

let current: Engine | undefined;

/** @internal The engine tensors and layers use by default. Throws until init() has finished. */
export function getEngine(): Engine {
  if (!current) {
    throw new NotInitializedError('simdnn is not initialized: call `await init()` (or `initSync(module)`) first');
  }
  return current;
}

/** @internal Makes `engine` the default for new tensors and layers (init() does this for its engine). */
export function setEngine(engine: Engine): void {
  current = engine;
}

/** @internal */
export function hasEngine(): boolean {
  return current !== undefined;
}
