/**
 * Default entry (browsers and bundlers): fetches the packaged .wasm with the statically
 * analysable `new URL('../wasm/x.wasm', import.meta.url)` form, so Vite, webpack and Rollup copy
 * the files, and compiles it while streaming (arrayBuffer fallback on a wrong MIME type, see
 * entries/stream.ts). Runtime-specific entries live in src/entries/, chosen by package.json exports.
 */
import { makeEntry } from './runtime/entry.js';
import { compilePackaged } from './entries/stream.js';
import type { WasmFile } from './runtime/loader.js';
export * from './api.js';

function packaged(build: WasmFile): URL {
  switch (build) {
    case 'relaxed':
      return new URL('../wasm/simdnn-relaxed.wasm', import.meta.url);
    case 'simd-threads':
      return new URL('../wasm/simdnn-simd-threads.wasm', import.meta.url);
    case 'relaxed-threads':
      return new URL('../wasm/simdnn-relaxed-threads.wasm', import.meta.url);
    case 'debug':
      return new URL('../wasm/simdnn-debug.wasm', import.meta.url);
    default:
      return new URL('../wasm/simdnn-simd.wasm', import.meta.url);
  }
}

const entry = makeEntry({
  locate: (build) => compilePackaged(fetch(packaged(build))),
  fetchUrl: (url) => fetch(url),
});

export const init = entry.init;
export const initSync = entry.initSync;
export const createEngine = entry.createEngine;
