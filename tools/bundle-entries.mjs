#!/usr/bin/env node
/**
 * Last build step (run by `npm run build:ts`, after tsc and build-entries.mjs): bundles the
 * browser/default, node/bun and inline entries into single minified ES modules with rolldown
 * (vite's bundler), @assemblyscript/loader included, which package.json `exports` point at.
 * Each bundle has a source map beside it (x.min.js.map, sources inlined) that leads back to
 * src/*.ts, in Node (`node --enable-source-maps`) and in browsers' devtools; and the bundle keeps
 * its line breaks (minified names, no comments, short lines) so a stack trace without the map
 * still shows a readable line instead of the whole bundle.
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

/** [entry source, bundle, platform, literal wasm URLs the bundle must keep]. */
const BUNDLES = [
  ['src/index.ts', 'dist/src/index.min.js', 'browser', ['../wasm/simdnn-simd.wasm', '../wasm/simdnn-relaxed.wasm', '../wasm/simdnn-simd-threads.wasm', '../wasm/simdnn-relaxed-threads.wasm', '../wasm/simdnn-debug.wasm']],
  ['src/entries/node.ts', 'dist/src/entries/node.min.js', 'node', []],
  ['src/entries/inline.ts', 'dist/src/entries/inline.min.js', 'neutral', []],
];

/** The base64 builds exist only in dist (written by build-entries.mjs), not under src/. */
const inlineData = {
  name: 'simdnn-inline-data',
  resolveId: (source, importer) => (source === './inline-data.js' && importer?.endsWith('/src/entries/inline.ts') ? at('dist/src/entries/inline-data.js') : null),
};

for (const [input, file, platform, urls] of BUNDLES) {
  // Bundled from the TypeScript sources (rolldown strips the types), so the source map points at
  // src/*.ts directly; `import './x.js'` resolves to x.ts as tsc does.
  const bundle = await rolldown({
    input: at(input),
    platform,
    // Only node: builtins stay imports; everything else (our modules, @assemblyscript/loader) is inlined.
    external: [/^node:/],
    resolve: { extensionAlias: { '.js': ['.ts', '.js'] } },
    plugins: [inlineData],
    treeshake: true,
    logLevel: 'warn',
  });
  // Minified but not on one line (codegen keeps line breaks), so a stack trace shows a short
  // line; the source map (chained through tsc's maps, sources inlined) leads back to src/*.ts.
  await bundle.write({
    file: at(file),
    format: 'esm',
    minify: { compress: true, mangle: true, codegen: { removeWhitespace: false } },
    keepNames: true,
    comments: { legal: true, annotation: false, jsdoc: false },
    sourcemap: true,
  });
  await bundle.close();

  // The minifier prints string literals as `...`; webpack and older tools only look for a plain
  // string literal in new URL(<literal>, import.meta.url), so those go back to "...".
  const code = readFileSync(at(file), 'utf8').replace(/new URL\(`([^`$"\\]+)`,import\.meta\.url\)/g, 'new URL("$1",import.meta.url)');
  writeFileSync(at(file), code);
  // The inline bundle's map would repeat the 330 KB of base64 wasm as a "source": drop that content.
  const mapFile = at(`${file}.map`);
  const map = JSON.parse(readFileSync(mapFile, 'utf8'));
  map.sourcesContent = map.sourcesContent?.map((c, i) => (/(^|\/)inline-data\.js$/.test(map.sources[i]) ? null : c));
  writeFileSync(mapFile, JSON.stringify(map));
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
