/**
 * Node entry (also Bun): reads the packaged .wasm next to this module with node:fs.
 * Node 20's fetch cannot read file: URLs, so paths and file URLs go through readFile too.
 */
import { readFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { makeEntry } from '../runtime/entry.js';
import { WASM_FILES } from '../runtime/loader.js';
import { nodeSpawner } from '../threads/spawn-node.js';
import { webSpawner } from '../threads/spawn-web.js';
export * from '../api.js';

const wasmDir = new URL('../../wasm/', import.meta.url);

const entry = makeEntry({
  locate: (build) => readFile(new URL(WASM_FILES[build], wasmDir)),
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
