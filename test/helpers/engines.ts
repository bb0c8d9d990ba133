/**
 * One engine per build, created once per test file. The relaxed build is skipped (visibly, with
 * the reason) where the runtime does not validate relaxed SIMD.
 */
import { createEngine, detectFeatures, setEngine, type Engine, type BuildName } from '../../dist/src/internal.js';

export const BUILDS: BuildName[] = ['debug', 'simd', 'relaxed'];

export const RELAXED_OK = detectFeatures().relaxedSimd;
export const RELAXED_SKIP_REASON =
  'relaxed SIMD does not validate in this runtime (Node 20 needs --experimental-wasm-relaxed-simd on the command line)';

const cache = new Map<BuildName, Promise<Engine>>();

export function engineFor(build: BuildName): Promise<Engine> {
  let p = cache.get(build);
  if (!p) {
    p = createEngine(build === 'debug' ? { debug: true } : { simd: build });
    cache.set(build, p);
  }
  return p;
}

/** Makes the engine of `build` the default one (for Tensor.from and layers) and returns it. */
export async function useBuild(build: BuildName): Promise<Engine> {
  const e = await engineFor(build);
  setEngine(e);
  return e;
}

/** The builds this runtime can run, with a console note for each skipped one. */
export function runnableBuilds(): BuildName[] {
  if (!RELAXED_OK) console.warn(`[skip] relaxed build: ${RELAXED_SKIP_REASON}`);
  return BUILDS.filter((b) => b !== 'relaxed' || RELAXED_OK);
}

/** A second, distinct engine (another build) for "tensor from another engine" tests. */
export function otherEngine(build: BuildName): Promise<Engine> {
  return engineFor(build === 'debug' ? 'simd' : 'debug');
}
