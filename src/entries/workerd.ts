/**
 * Cloudflare Workers / workerd entry. workerd forbids compiling wasm from bytes, and has no
 * import.meta.url; a static `.wasm` import arrives as a compiled WebAssembly.Module (wrangler
 * keeps it as a separate wasm module). The simd and relaxed builds are imported; init() picks
 * relaxed where WebAssembly.validate accepts relaxed SIMD. The debug build is not bundled.
 */
import simd from '../../wasm/simdnn-simd.wasm';
import relaxed from '../../wasm/simdnn-relaxed.wasm';
import { compiledEntry } from './compiled.js';
export * from '../api.js';

const entry = compiledEntry({ simd, relaxed }, 'workerd');

export const init = entry.init;
export const initSync = entry.initSync;
export const createEngine = entry.createEngine;
