/**
 * Loading: picks a build, turns any source into a compiled WebAssembly.Module, instantiates it
 * over one fresh WebAssembly.Memory and wraps it in an Engine. Pure function of its inputs: no
 * top-level await, nothing runs at import time, no eval, no dynamic import(). How a packaged
 * file is found is the job of the entry point (src/entries/*), passed in as `EntryHooks`.
 */
import { instantiate as loaderInstantiate } from '@assemblyscript/loader';
import { detectFeatures, type Features } from './detect.js';
import { Engine, setEngine, type BuildName } from './engine.js';
import { ABI_VERSION, REQUIRED_EXPORTS, type KernelExports } from './exports.js';
import { ArgumentError, InitError, KernelAssertError } from './errors.js';
import { PAGE_BYTES } from './memory.js';
import { isThreadsBuild, startThreads, threadsPlanFor, threadsTwin } from '../threads/setup.js';
import type { ThreadsOption, ThreadsPlan } from '../threads/plan.js';
import type { SpawnWorker } from '../threads/pool.js';

/** Everything init() accepts as "the wasm". */
export type WasmSource =
  | WebAssembly.Module
  | ArrayBuffer
  | ArrayBufferView
  | Response
  | PromiseLike<Response>
  | URL
  | string;

export interface InitOptions {
  /** The wasm to use: one source, or one per build. Default: the file shipped in the package. */
  source?: WasmSource | Partial<Record<BuildName, WasmSource>>;
  /** Same as `source` for a compiled module (Cloudflare Workers, Vercel Edge). */
  module?: WebAssembly.Module;
  /** 'auto' (default) picks relaxed where the runtime validates it, else simd. */
  simd?: 'auto' | 'simd' | 'relaxed';
  /** Use the debug build: kernel asserts on, failures reported with AssemblyScript file and line. */
  debug?: boolean;
  /** The most wasm memory the engine may use. Default 2 GiB (wasm32 allows 4 GiB). */
  maxMemoryBytes?: number;
  /**
   * Threads for the kernels, the calling thread included: 'auto' = the cores the runtime reports,
   * at most 4; or a number. Default 1. Where shared memory or workers are not allowed it is 1,
   * and engine.info().threadsReason says why.
   */
  threads?: ThreadsOption;
}

/** A packaged .wasm file: a build, or its threads twin (shared imported memory). */
export type WasmFile = BuildName | 'simd-threads' | 'relaxed-threads';

export interface EntryHooks {
  /** The packaged source of a build, found the way this runtime does it best. */
  locate(build: WasmFile): WasmSource | Promise<WasmSource>;
  /** Starts a pool worker (default: Web Workers from a Blob URL where the runtime has them). */
  spawnWorker?: SpawnWorker;
  /** Cores the runtime reports (default: navigator.hardwareConcurrency). */
  cores?: () => number | undefined;
  /** Reads a URL or path the caller gave. */
  fetchUrl(url: string | URL): Promise<Response | ArrayBuffer | ArrayBufferView>;
}

export const WASM_FILES: Record<WasmFile, string> = {
  simd: 'simdnn-simd.wasm',
  relaxed: 'simdnn-relaxed.wasm',
  debug: 'simdnn-debug.wasm',
  'simd-threads': 'simdnn-simd-threads.wasm',
  'relaxed-threads': 'simdnn-relaxed-threads.wasm',
};

const DEFAULT_MAX_BYTES = 2 * 1024 * 1024 * 1024;
const INITIAL_PAGES = 16;
const WASM_MAGIC = [0x00, 0x61, 0x73, 0x6d];

function isModule(x: unknown): x is WebAssembly.Module {
  return typeof WebAssembly === 'object' && x instanceof WebAssembly.Module;
}

function isResponse(x: unknown): x is Response {
  return typeof Response === 'function' && x instanceof Response;
}

function isSource(x: unknown): x is WasmSource {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const o = x as any;
  return (
    isModule(o) ||
    isResponse(o) ||
    o instanceof ArrayBuffer ||
    ArrayBuffer.isView(o) ||
    o instanceof URL ||
    typeof o === 'string' ||
    (typeof o === 'object' && o !== null && typeof o.then === 'function')
  );
}

/** Normalizes init()'s single argument. */
export function toOptions(arg?: WasmSource | InitOptions): InitOptions {
  if (arg === undefined) return {};
  if (isSource(arg)) return { source: arg };
  if (typeof arg !== 'object' || arg === null) {
    throw new ArgumentError(`init: expected a wasm source or an options object, got ${typeof arg}`);
  }
  return arg as InitOptions;
}

function chooseBuild(opts: InitOptions, features: Features): { build: BuildName; reason: string } {
  const simd = opts.simd ?? 'auto';
  if (!['auto', 'simd', 'relaxed'].includes(simd)) {
    throw new ArgumentError(`init: option simd must be 'auto', 'simd' or 'relaxed', got ${JSON.stringify(simd)}`);
  }
  if (!features.simd) {
    throw new InitError(
      'this runtime does not validate WebAssembly SIMD128, which simdnn requires ' +
        '(Chrome 91+, Firefox 89+, Safari 16.4+, Node 16.4+, Deno, Bun, workerd)',
    );
  }
  if (opts.debug) return { build: 'debug', reason: 'the debug build was asked for (init({ debug: true }))' };
  if (simd === 'simd') return { build: 'simd', reason: "init({ simd: 'simd' }) asked for the SIMD128 build" };
  if (simd === 'relaxed') {
    if (!features.relaxedSimd) {
      throw new InitError(
        "init({ simd: 'relaxed' }): this runtime does not validate relaxed SIMD " +
          '(Node 20 needs --experimental-wasm-relaxed-simd on the command line; Safari lacks it)',
      );
    }
    return { build: 'relaxed', reason: "init({ simd: 'relaxed' }) asked for the relaxed-SIMD build" };
  }
  return features.relaxedSimd
    ? { build: 'relaxed', reason: 'auto: the runtime validates relaxed SIMD, so the relaxed-SIMD build (FMA) runs' }
    : { build: 'simd', reason: 'auto: the runtime does not validate relaxed SIMD, so the SIMD128 build runs' };
}

function describe(source: unknown): string {
  if (typeof source === 'string') return source;
  if (source instanceof URL) return source.href;
  if (isResponse(source)) return source.url || '(a Response)';
  return '(bytes)';
}

function checkMagic(bytes: Uint8Array, where: string, contentType?: string | null): void {
  const ok = bytes.length >= 8 && WASM_MAGIC.every((b, i) => bytes[i] === b);
  if (ok) return;
  const head = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
  const text = new TextDecoder().decode(bytes.subarray(0, 64)).replace(/\s+/g, ' ');
  const looksHtml = /^\s*</.test(text);
  throw new InitError(
    `not a WebAssembly file: ${where} starts with bytes ${head || '(empty)'}, expected 00 61 73 6d ("\\0asm")` +
      (contentType ? `; content-type was ${contentType}` : '') +
      (looksHtml
        ? `. The server answered HTML ("${text.slice(0, 40)}..."), most often a dev server's index.html or 404 page: ` +
          'serve the package\'s .wasm files, or pass init({ source }) / init({ module }) explicitly'
        : ''),
  );
}

function asBytes(x: ArrayBuffer | ArrayBufferView): Uint8Array {
  return x instanceof ArrayBuffer ? new Uint8Array(x) : new Uint8Array(x.buffer, x.byteOffset, x.byteLength);
}

async function compileResponse(res: Response, where: string): Promise<WebAssembly.Module> {
  if (!res.ok) throw new InitError(`could not fetch the wasm: ${where} answered HTTP ${res.status} ${res.statusText}`);
  const type = res.headers.get('content-type');
  const bytes = new Uint8Array(await res.arrayBuffer());
  checkMagic(bytes, where, type);
  return compileBytes(bytes, where);
}

async function compileBytes(bytes: Uint8Array, where: string): Promise<WebAssembly.Module> {
  try {
    return await WebAssembly.compile(bytes as BufferSource);
  } catch (e) {
    throw compileError(e, where);
  }
}

export function compileError(e: unknown, where: string): InitError {
  const msg = (e as Error).message ?? String(e);
  const hint = /disallowed by embedder/.test(msg)
    ? ' This runtime (Cloudflare Workers, Vercel Edge) forbids compiling wasm from bytes: import the .wasm ' +
      "statically and pass it as init({ module }), or use the package's workerd entry"
    : /relaxed/i.test(msg)
      ? ' (the relaxed build needs relaxed SIMD; use the simd build)'
      : /unsafe-eval|Content Security Policy/i.test(msg)
        ? " The page's Content-Security-Policy must allow 'wasm-unsafe-eval' in script-src"
        : '';
  return new InitError(`could not compile ${where}: ${msg.replace(/\.$/, '')}.${hint}`);
}

async function toModule(source: WasmSource, hooks: EntryHooks): Promise<WebAssembly.Module> {
  if (isModule(source)) return source;
  if ((source as object) instanceof ArrayBuffer || ArrayBuffer.isView(source)) {
    const bytes = asBytes(source as ArrayBuffer | ArrayBufferView);
    checkMagic(bytes, 'the bytes passed to init()');
    return compileBytes(bytes, 'the bytes passed to init()');
  }
  if (isResponse(source)) return compileResponse(source, describe(source));
  if (typeof source === 'string' || (source as object) instanceof URL) {
    const where = describe(source);
    let got: Response | ArrayBuffer | ArrayBufferView;
    try {
      got = await hooks.fetchUrl(source);
    } catch (e) {
      throw new InitError(`could not read the wasm at ${where}: ${(e as Error).message}`);
    }
    if (isResponse(got)) return compileResponse(got, where);
    const bytes = asBytes(got);
    checkMagic(bytes, where);
    return compileBytes(bytes, where);
  }
  if (typeof (source as PromiseLike<Response>).then === 'function') {
    return toModule(await (source as PromiseLike<Response>), hooks);
  }
  throw new ArgumentError(`init: cannot load wasm from ${Object.prototype.toString.call(source)}`);
}

function buildOf(mod: WebAssembly.Module): BuildName {
  const exp = WebAssembly.Module.exports(mod).map((e) => e.name);
  const imp = WebAssembly.Module.imports(mod).map((i) => `${i.module}.${i.name}`);
  if (imp.includes('env.abort')) return 'debug';
  return exp.includes('RELAXED_BUILD') ? 'relaxed' : 'simd';
}

/** Wraps every kernel of the debug build so an AssemblyScript abort becomes a KernelAssertError. */
function wrapDebug(exports: Record<string, unknown>): KernelExports {
  const out: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(exports)) {
    if (typeof f !== 'function') {
      out[name] = f;
      continue;
    }
    out[name] = (...args: number[]) => {
      try {
        return (f as (...a: number[]) => unknown)(...args);
      } catch (e) {
        const msg = (e as Error).message ?? String(e);
        if (msg.startsWith('abort:')) throw new KernelAssertError(`${name}: kernel assert failed: ${msg.slice(7)}`);
        throw e;
      }
    };
  }
  return out as unknown as KernelExports;
}

function newMemory(maxBytes: number, shared = false): WebAssembly.Memory {
  const maximum = Math.min(65536, Math.floor(maxBytes / PAGE_BYTES));
  if (!(maximum >= INITIAL_PAGES)) {
    throw new ArgumentError(`init: maxMemoryBytes must be at least ${INITIAL_PAGES * PAGE_BYTES}, got ${maxBytes}`);
  }
  return new WebAssembly.Memory(shared ? { initial: INITIAL_PAGES, maximum, shared: true } : { initial: INITIAL_PAGES, maximum });
}

function finish(
  instance: WebAssembly.Instance,
  memory: WebAssembly.Memory,
  build: BuildName,
  features: Features,
  reason: string,
  maxBytes: number,
  kernels?: KernelExports,
): Engine {
  const exp = instance.exports as Record<string, unknown>;
  const missing = REQUIRED_EXPORTS.filter((n) => typeof exp[n] !== 'function');
  if (missing.length) {
    throw new InitError(`the ${build} wasm lacks exports ${missing.join(', ')}: is it a simdnn build of the same version?`);
  }
  const abi = (exp.abi_version as () => number)();
  if (abi !== ABI_VERSION) {
    throw new InitError(
      `wasm/JS version mismatch: the ${build} wasm has ABI ${abi}, this simdnn JS expects ${ABI_VERSION}; ` +
        'serve the .wasm files from the same simdnn release as the JS',
    );
  }
  return new Engine(instance, memory, build, features, reason, Math.min(maxBytes, 65536 * PAGE_BYTES), kernels);
}

function resolvePlan(opts: InitOptions, features: Features): { build: BuildName; reason: string; given?: WasmSource } {
  const src = opts.module ?? opts.source;
  if (src !== undefined && !isSource(src)) {
    // A map of sources per build.
    const plan = chooseBuild(opts, features);
    const map = src as Partial<Record<BuildName, WasmSource>>;
    let build = plan.build;
    let reason = plan.reason;
    if (!map[build] && build === 'relaxed' && map.simd && (opts.simd ?? 'auto') === 'auto') {
      build = 'simd';
      reason = 'auto: no relaxed source was given, so the SIMD128 build runs';
    }
    if (!map[build]) throw new ArgumentError(`init: source map has no entry for the ${build} build`);
    return { build, reason, given: map[build] };
  }
  const plan = chooseBuild(opts, features);
  return src === undefined ? plan : { ...plan, given: src };
}

/**
 * The threads plan, and for a packaged build with n > 1 the compiled threads twin. A twin that
 * cannot be loaded (not shipped by this entry, say) means 1 thread, with the reason.
 */
async function threadsModule(
  opts: InitOptions, features: Features, hooks: EntryHooks, build: BuildName, given: WasmSource | undefined,
): Promise<{ plan: ThreadsPlan; module?: WebAssembly.Module }> {
  const plan = threadsPlanFor(opts.threads, features, hooks, build);
  if (plan.n === 1 || given !== undefined) return { plan };
  const file = threadsTwin(build);
  try {
    return { plan, module: await toModule(await hooks.locate(file), hooks) };
  } catch (e) {
    return { plan: { n: 1, reason: `1 thread: the ${file} build could not be loaded (${(e as Error).message ?? e})` } };
  }
}

/** Creates a new, independent engine (init() keeps one as the default). */
export async function createEngine(arg: WasmSource | InitOptions | undefined, hooks: EntryHooks): Promise<Engine> {
  const opts = toOptions(arg);
  const features = detectFeatures();
  const plan = resolvePlan(opts, features);
  const th = await threadsModule(opts, features, hooks, plan.build, plan.given);
  const mod = th.module ?? (await toModule(plan.given ?? (await hooks.locate(plan.build)), hooks));
  const build = plan.given !== undefined ? buildOf(mod) : plan.build;
  const reason = plan.given !== undefined && build !== plan.build ? `the caller supplied the ${build} build` : plan.reason;
  if (build === 'relaxed' && !features.relaxedSimd) {
    throw new InitError('the wasm supplied is the relaxed-SIMD build, which this runtime does not validate: supply the simd build');
  }
  const maxBytes = opts.maxMemoryBytes ?? DEFAULT_MAX_BYTES;
  const memory = newMemory(maxBytes, isThreadsBuild(mod));
  try {
    if (build === 'debug') {
      const res = await loaderInstantiate(mod, { env: { memory } });
      const engine = finish(res.instance, memory, build, features, reason, maxBytes, wrapDebug(res.exports as Record<string, unknown>));
      await startThreads(engine, mod, th.plan, hooks);
      return engine;
    }
    const instance = await WebAssembly.instantiate(mod, { env: { memory } });
    const engine = finish(instance, memory, build, features, reason, maxBytes);
    await startThreads(engine, mod, th.plan, hooks);
    return engine;
  } catch (e) {
    if (e instanceof InitError) throw e;
    throw new InitError(`could not instantiate the ${build} wasm: ${(e as Error).message}`);
  }
}

/** Synchronous twin of createEngine: the source must be a compiled Module or bytes. */
export function createEngineSync(arg: WasmSource | InitOptions, hooks: Partial<EntryHooks> = {}): Engine {
  const opts = toOptions(arg);
  const features = detectFeatures();
  const plan = resolvePlan(opts, features);
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const src = plan.given as any;
  let mod: WebAssembly.Module;
  if (isModule(src)) mod = src;
  else if (src instanceof ArrayBuffer || ArrayBuffer.isView(src)) {
    const bytes = asBytes(src);
    checkMagic(bytes, 'the bytes passed to initSync()');
    try {
      mod = new WebAssembly.Module(bytes as BufferSource);
    } catch (e) {
      throw compileError(e, 'the bytes passed to initSync()');
    }
  } else {
    throw new ArgumentError('initSync: pass a compiled WebAssembly.Module or the wasm bytes (use init() for URLs and Responses)');
  }
  const build = buildOf(mod);
  if (build === 'relaxed' && !features.relaxedSimd) {
    throw new InitError('the wasm supplied is the relaxed-SIMD build, which this runtime does not validate: supply the simd build');
  }
  const maxBytes = opts.maxMemoryBytes ?? DEFAULT_MAX_BYTES;
  const memory = newMemory(maxBytes, isThreadsBuild(mod));
  if (build === 'debug') {
    throw new ArgumentError('initSync: the debug build needs init({ debug: true }) (its loader is asynchronous)');
  }
  const instance = new WebAssembly.Instance(mod, { env: { memory } });
  const engine = finish(instance, memory, build, features, `the caller supplied the ${build} build`, maxBytes);
  // Workers join as they come up (each takes part from the first job after it is ready).
  void startThreads(engine, mod, threadsPlanFor(opts.threads, features, hooks, build), hooks);
  return engine;
}

/** The default engine's init state machine: idempotent, and a failure stays failed. */
export class InitState {
  private promise?: Promise<Engine>;
  private engine?: Engine;
  private failure?: unknown;

  constructor(private readonly hooks: EntryHooks) {}

  init(arg?: WasmSource | InitOptions): Promise<Engine> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    this.forgetDisposed();
    this.promise ??= createEngine(arg, this.hooks).then(
      (e) => {
        this.engine = e;
        setEngine(e);
        return e;
      },
      (err) => {
        this.failure = err;
        throw err;
      },
    );
    return this.promise;
  }

  initSync(arg: WasmSource | InitOptions): Engine {
    if (this.failure !== undefined) throw this.failure;
    this.forgetDisposed();
    if (this.engine) return this.engine;
    if (this.promise) throw new InitError('initSync: an asynchronous init() is already under way');
    try {
      const e = createEngineSync(arg, this.hooks);
      this.engine = e;
      this.promise = Promise.resolve(e);
      setEngine(e);
      return e;
    } catch (err) {
      this.failure = err;
      throw err;
    }
  }

  /** After engine.dispose() of the default engine, the next init() starts a new one. */
  private forgetDisposed(): void {
    if (this.engine?.isDisposed) {
      this.engine = undefined;
      this.promise = undefined;
    }
  }
}
