#!/usr/bin/env node
/**
 * Last build step (run by `npm run build:ts`, after tsc and build-entries.mjs): bundles the
 * browser/default, node/bun and inline entries into single minified ES modules with rolldown
 * (vite's bundler), @assemblyscript/loader included, which package.json `exports` point at.
 * 52 separate modules cost Node ~65 ms of import time and Chromium one request each.
 *
 * Each bundle sits next to its entry's compiled file (dist/src/index.min.js,
 * dist/src/entries/{node,inline}.min.js), so the relative `new URL('../wasm/x.wasm',
 * import.meta.url)` / `new URL('../../wasm/', import.meta.url)` still resolve, and the browser
 * bundle keeps those literal forms so Vite/webpack/Rollup consumers find the assets (checked
 * below). Class and function names are kept: Module reprs and error messages use them.
 * workerd (static .wasm imports) and deno (source-phase imports) stay unbundled.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { rolldown } from 'rolldown';

const root = new URL('../', import.meta.url);
const at = (p) => new URL(p, root).pathname;

/** [compiled entry, bundle, platform, literal wasm URLs the bundle must keep]. */
const BUNDLES = [
  ['dist/src/index.js', 'dist/src/index.min.js', 'browser', ['../wasm/simdnn-simd.wasm', '../wasm/simdnn-relaxed.wasm', '../wasm/simdnn-simd-threads.wasm', '../wasm/simdnn-relaxed-threads.wasm', '../wasm/simdnn-debug.wasm']],
  ['dist/src/entries/node.js', 'dist/src/entries/node.min.js', 'node', []],
  ['dist/src/entries/inline.js', 'dist/src/entries/inline.min.js', 'neutral', []],
];

for (const [input, file, platform, urls] of BUNDLES) {
  const bundle = await rolldown({
    input: at(input),
    platform,
    // Only node: builtins stay imports; everything else (our modules, @assemblyscript/loader) is inlined.
    external: [/^node:/],
    treeshake: true,
    logLevel: 'warn',
  });
  await bundle.write({ file: at(file), format: 'esm', minify: true, keepNames: true });
  await bundle.close();

  // The minifier prints string literals as `...`; webpack and older tools only look for a plain
  // string literal in new URL(<literal>, import.meta.url), so those go back to "...".
  const code = readFileSync(at(file), 'utf8').replace(/new URL\(`([^`$"\\]+)`,import\.meta\.url\)/g, 'new URL("$1",import.meta.url)');
  writeFileSync(at(file), code);
  const imports = [...code.matchAll(/\bimport\s*(?:[\w*{}\s,$]*from\s*)?["']([^"']+)["']/g)].map((m) => m[1]);
  const foreign = imports.filter((s) => !s.startsWith('node:'));
  if (foreign.length) throw new Error(`bundle-entries: ${file} still imports ${foreign.join(', ')}`);
  // eval(<code>) always has an argument: `eval()` is nn.Module's eval() method (PyTorch's model.eval()).
  if (/(?<![.\w$])eval\((?!\))|\b(?:globalThis|window|self)\.eval\(|,\s*eval\s*\)|new Function\(|\bimport\(/.test(code)) throw new Error(`bundle-entries: ${file} has eval, new Function or a dynamic import()`);
  for (const u of urls) {
    const lit = new RegExp(`new URL\\(\\s*"${u.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}"\\s*,\\s*import\\.meta\\.url\\s*\\)`);
    if (!lit.test(code)) throw new Error(`bundle-entries: ${file} lost the literal new URL('${u}', import.meta.url)`);
  }
}
