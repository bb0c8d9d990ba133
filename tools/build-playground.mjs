#!/usr/bin/env node
/**
 * Builds the browser playground into dist/playground-site/ as plain static files (deployable on any
 * static host): index.html, app.js (bundled from playground/main.ts with the library, the example
 * models and the golden-case reader; source map beside it), the simd and relaxed wasm builds in
 * wasm/, and the demo's three golden model files in models/. Needs `npm run build` first (the wasm).
 */
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { rolldown } from 'rolldown';

const root = new URL('../', import.meta.url);
const at = (p) => new URL(p, root).pathname;
const out = at('dist/playground-site/');
export const MODEL_FILES = ['tiny_cnn_1x3x32x32.safetensors', 'tiny_transformer_classifier_2x16.safetensors', 'char_lstm_2x32.safetensors'];

export async function buildPlayground() {
  for (const b of ['simd', 'relaxed']) {
    if (!existsSync(at(`dist/wasm/simdnn-${b}.wasm`))) throw new Error(`build-playground: dist/wasm/simdnn-${b}.wasm is missing: run npm run build first`);
  }
  for (const d of ['', 'wasm', 'models']) mkdirSync(out + d, { recursive: true });
  const bundle = await rolldown({
    input: at('playground/main.ts'),
    platform: 'browser',
    resolve: { extensionAlias: { '.js': ['.ts', '.js'] } },
    treeshake: true,
    logLevel: 'warn',
  });
  await bundle.write({ file: out + 'app.js', format: 'esm', minify: false, sourcemap: true, keepNames: true });
  await bundle.close();
  copyFileSync(at('playground/index.html'), out + 'index.html');
  for (const b of ['simd', 'relaxed']) copyFileSync(at(`dist/wasm/simdnn-${b}.wasm`), `${out}wasm/simdnn-${b}.wasm`);
  for (const f of MODEL_FILES) copyFileSync(at(`test/fixtures/model/${f}`), `${out}models/${f}`);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const dir = await buildPlayground();
  console.log(`build-playground: static files in ${dir}`);
}
