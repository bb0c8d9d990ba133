/**
 * Deno entry, plain JS because TypeScript 5.9 cannot parse source-phase imports (copied into
 * dist/src/entries by tools/build-entries.mjs; this syntax must stay in this file only: it is a
 * SyntaxError in Node 20 and Bun). `import source` gives a compiled WebAssembly.Module and needs
 * no --allow-read, also from inside node_modules. The debug build is read on demand (needs
 * --allow-read), so it is not compiled at import time.
 */
import source simd from '../../wasm/simdnn-simd.wasm';
import source relaxed from '../../wasm/simdnn-relaxed.wasm';
import source simdThreads from '../../wasm/simdnn-simd-threads.wasm';
import source relaxedThreads from '../../wasm/simdnn-relaxed-threads.wasm';
import { compiledEntry } from './compiled.js';
export * from '../api.js';

const entry = compiledEntry({ simd, relaxed, 'simd-threads': simdThreads, 'relaxed-threads': relaxedThreads }, 'deno', () => fetch(new URL('../../wasm/simdnn-debug.wasm', import.meta.url)));

export const init = entry.init;
export const initSync = entry.initSync;
export const createEngine = entry.createEngine;
