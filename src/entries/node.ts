/**
 * Node entry (also Bun): reads the packaged .wasm next to this module with node:fs.
 * Node 20's fetch cannot read file: URLs, so paths and file URLs go through readFile too.
 * Each packaged build is compiled once per process: later engines (one per model lifetime,
 * see engine.dispose()) instantiate the same WebAssembly.Module instead of compiling again.
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { makeEntry } from '../runtime/entry.js';
import { WASM_FILES, compileError, type WasmFile } from '../runtime/loader.js';
import { nodeSpawner } from '../threads/spawn-node.js';
import { webSpawner } from '../threads/spawn-web.js';
export * from '../api.js';

const wasmDir = new URL('../../wasm/', import.meta.url);
const compiled = new Map<WasmFile, Promise<WebAssembly.Module>>();

function packaged(build: WasmFile): Promise<WebAssembly.Module> {
  let m = compiled.get(build);
  if (!m) {
    const file = new URL(WASM_FILES[build], wasmDir);
    m = readFile(file).then((bytes) => WebAssembly.compile(bytes).catch((e) => Promise.reject(compileError(e, file.href))));
    m.catch(() => compiled.delete(build)); // a failure is not cached (init() keeps its own sticky failure)
    compiled.set(build, m);
  }
  return m;
}

const entry = makeEntry({
  locate: packaged,
  fetchUrl: (url) => {
    const s = String(url);
    if (/^https?:/.test(s)) return fetch(s);
    return readFile(s.startsWith('file:') ? new URL(s) : s);
  },
  // Bun shares this entry: it runs the pool on its Web Workers, Node on worker_threads.
  spawnWorker: typeof (globalThis as { Bun?: unknown }).Bun !== 'undefined' ? webSpawner() : nodeSpawner,
  cores: () => availableParallelism(),
});

export const init = entry.init;
export const initSync = entry.initSync;
export const createEngine = entry.createEngine;
