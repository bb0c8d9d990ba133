/**
 * Entry hooks for runtimes that hand us the packaged builds already compiled: workerd (a static
 * `.wasm` import is a WebAssembly.Module) and Deno (a source-phase import). Never compiles bytes
 * for the packaged builds; a build that was not imported is located by `fallback`, if any.
 */
import { makeEntry, type EntryFunctions } from '../runtime/entry.js';
import { InitError } from '../runtime/errors.js';
import type { WasmFile, WasmSource } from '../runtime/loader.js';

export type CompiledBuilds = Partial<Record<WasmFile, WebAssembly.Module>>;

export function compiledEntry(
  modules: CompiledBuilds,
  runtime: string,
  fallback?: (build: WasmFile) => WasmSource | Promise<WasmSource>,
): EntryFunctions {
  return makeEntry({
    locate: (build) => {
      const mod = modules[build];
      if (mod) return mod;
      if (fallback) return fallback(build);
      throw new InitError(
        `the ${runtime} entry does not bundle the ${build} build: import 'simdnn/wasm/simdnn-${build}.wasm' ` +
          `yourself and pass it as init({ module${build === 'debug' ? ', debug: true' : ''} })`,
      );
    },
    fetchUrl: (url) => fetch(url),
  });
}
