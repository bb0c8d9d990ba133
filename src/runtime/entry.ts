/**
 * What every entry point exports on top of the shared API: init, initSync and createEngine,
 * bound to that runtime's way of finding the packaged .wasm files.
 */
import type { Engine } from './engine.js';
import { InitState, createEngine as create, type EntryHooks, type InitOptions, type WasmSource } from './loader.js';

export interface EntryFunctions {
  /**
   * Loads and instantiates the best build for this runtime and makes it the default engine.
   * Idempotent: every call returns the same engine; a failure stays failed.
   */
  init(source?: WasmSource | InitOptions): Promise<Engine>;
  /** The synchronous form: pass a compiled WebAssembly.Module or the wasm bytes. */
  initSync(source: WasmSource | InitOptions): Engine;
  /** A new independent engine (not the default one). */
  createEngine(source?: WasmSource | InitOptions): Promise<Engine>;
}

export function makeEntry(hooks: EntryHooks): EntryFunctions {
  const state = new InitState(hooks);
  return {
    init: (source) => state.init(source),
    initSync: (source) => state.initSync(source),
    createEngine: (source) => create(source, hooks),
  };
}
