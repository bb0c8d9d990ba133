/**
 * Opt-in `simdnn/inline` entry: the simd and relaxed builds embedded as base64 (generated at build
 * time by tools/build-entries.mjs), for single-file bundles where no .wasm file can be located.
 * Compiles bytes, so it does NOT work in Cloudflare Workers / workerd: use the default import there.
 * Costs about 1.9x the gzipped size of the separate files. The debug build is not embedded.
 */
import { makeEntry } from '../runtime/entry.js';
import { InitError } from '../runtime/errors.js';
import * as data from './inline-data.js';
export * from '../api.js';

function decode(b64: string): Uint8Array {
  const bin = atob(b64);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const entry = makeEntry({
  locate: (build) => {
    if (build !== 'simd' && build !== 'relaxed') {
      throw new InitError(`simdnn/inline does not embed the ${build} build: use the default 'simdnn' entry for it`);
    }
    return decode(data[build]);
  },
  fetchUrl: (url) => fetch(url),
});

export const init = entry.init;
export const initSync = entry.initSync;
export const createEngine = entry.createEngine;
