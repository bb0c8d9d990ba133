/**
 * Our side: one simdnn engine per build (simd, relaxed) through the public API, plus the feature
 * checks that let a workload say "not implemented" until the operator lands on main.
 */
import { F, Tensor, createEngine, detectFeatures, nn, setEngine, type BuildName, type Engine } from '../../src/internal.js';
import { NotAvailable, type Prepared } from '../workloads/types.js';

/**
 * The builds asked for that this runtime can run, each as its own engine per thread count:
 * keyed by the build name for 1 thread ('simd'), `<build>-t<n>` for n threads ('simd-t2').
 */
export async function loadOurs(builds: readonly BuildName[], threads: readonly number[] = [1]): Promise<Map<string, Engine>> {
  const out = new Map<string, Engine>();
  const f = detectFeatures();
  for (const b of builds) {
    if (b === 'relaxed' && !f.relaxedSimd) continue;
    for (const n of threads) {
      const e = await createEngine({ simd: b === 'relaxed' ? 'relaxed' : 'simd', debug: b === 'debug', threads: n });
      if (n > 1 && e.info().threads !== n) throw new Error(`bench: ${b} with ${n} threads runs on ${e.info().threadsReason}`);
      out.set(n === 1 ? b : `${b}-t${n}`, e);
    }
  }
  return out;
}

/** Makes `engine` the default for tensors and modules created next (setup), and for the timed calls. */
export function enter(engine: Engine): void {
  setEngine(engine);
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyCtor = new (...args: any[]) => any;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyFn = (...args: any[]) => any;

/** nn.<name>, or NotAvailable while that module is not on this branch yet. */
export function nnModule(name: string): AnyCtor {
  const c = (nn as unknown as Record<string, unknown>)[name];
  if (typeof c !== 'function') throw new NotAvailable(`ours: not implemented (nn.${name} is not in this build of simdnn)`);
  return c as AnyCtor;
}

/** F.<name>, or NotAvailable while that function is not on this branch yet. */
export function fn(name: string): AnyFn {
  const f = (F as unknown as Record<string, unknown>)[name];
  if (typeof f !== 'function') throw new NotAvailable(`ours: not implemented (F.${name} is not in this build of simdnn)`);
  return f as AnyFn;
}

/** A method of a module instance, or NotAvailable. */
export function method(obj: object, name: string, what: string): AnyFn {
  const m = (obj as Record<string, unknown>)[name];
  if (typeof m !== 'function') throw new NotAvailable(`ours: not implemented (${what}.${name})`);
  return (m as AnyFn).bind(obj);
}

/**
 * Loads PyTorch-layout weights into a module; the numbers are ours so every engine computes on the
 * same values. Falls back to the module's own initialization (noted) if the keys are refused.
 */
export function loadWeights(mod: { loadStateDict(d: object): unknown }, dict: Record<string, { data: Float32Array; shape: number[] }>): string | undefined {
  try {
    mod.loadStateDict(dict);
    return undefined;
  } catch (e) {
    return `own init (loadStateDict refused: ${(e as Error).message.slice(0, 80)})`;
  }
}

/** The first Tensor in a forward() result: a tensor, or nested arrays/objects of them. */
function firstTensor(r: unknown): Tensor | null {
  if (r instanceof Tensor) return r;
  if (r && typeof r === 'object') {
    for (const v of Object.values(r)) {
      const t = firstTensor(v);
      if (t) return t;
    }
  }
  return null;
}

/**
 * The timed call for our side: `call` inside a scope that keeps nothing, so every tensor it makes
 * (outputs included) is freed when it returns, as a user's scope() would. Measures once, outside
 * the timing (on a second call), how much scratch memory one call needs beyond its `outputBytes`.
 * `call` returns the forward() result; its first tensor is the output checked against the peers.
 */
export function oursCase(engine: Engine, call: () => unknown, release: () => void, outputBytes = 0, note?: string): Prepared {
  const run = () => {
    engine.scope(() => {
      call();
    });
  };
  const output = () =>
    engine.scope(() => {
      const t = firstTensor(call());
      if (!t) throw new Error('forward() returned no tensor');
      return t.toFloat32Array();
    });
  run(); // a first call may pack weights or size caches: not scratch memory
  const before = engine.memoryStats().inUseBytes;
  engine.arena.resetHighWater();
  run();
  const peak = engine.memoryStats().highWaterBytes - before;
  return { run, output, dispose: release, workspaceBytes: Math.max(0, peak - outputBytes), note };
}
