/**
 * Runtime suite: the packed package (npm pack of the built dist) installed into throwaway
 * consumer projects and imported the way a user would, in Node 20 (ESM, CommonJS require, the
 * relaxed flag, simdnn/inline), Deno (no permissions), Bun, workerd (bundled like wrangler, served
 * on 127.0.0.1) and headless Chromium (import map, wasm served as application/wasm, as
 * application/octet-stream, and answered with HTML). Each runs test/runtimes/check.mjs, whose
 * outputs are compared here with test/runtimes/reference.ts, and reports the build it picked.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { build as viteBuild } from 'vite';
import type { Browser } from 'playwright-core';
import { CASES, fixedInput } from './check.mjs';
import { REFERENCES } from './reference.js';
import { cjsMain, consumer, esmMain, pack, REPO } from './consumer.js';
import { resultOf, run } from './proc.js';
import { bundleWorker, fetchFromWorkerd } from './workerd.js';
import { IN_CI, chromiumMissing, launchChromium, pageHtml, runPage } from '../../dist/tools/chromium.js';
import { browserImportMap, resolveExport } from '../../dist/tools/resolve-export.js';
import { startStaticServer } from '../../dist/tools/static-server.js';

const BIN = (name: string) => join(REPO, 'node_modules/.bin', name);
const picked: Record<string, string> = {};

interface CheckResult {
  build: string;
  reason: string;
  cases: Record<string, { shape: number[]; values: number[] }>;
}

/** Compares every case with its reference; returns the build for the summary. */
function verify(runtime: string, got: unknown, build: 'simd' | 'relaxed'): void {
  const r = got as CheckResult;
  picked[runtime] = r.build;
  expect(r.build, `${runtime} picked ${r.build} (${r.reason})`).toBe(build);
  for (const c of CASES as { name: string; shape: number[]; seed: number }[]) {
    const ref = REFERENCES[c.name];
    expect(ref, `no reference for case ${c.name}`).toBeDefined();
    const x = fixedInput(c.shape.reduce((a, b) => a * b, 1), c.seed);
    const want = ref.expected(x, c.shape);
    const out = r.cases[c.name];
    expect(out, `${runtime}: case ${c.name} missing`).toBeDefined();
    expect(out.shape, `${runtime} ${c.name} shape`).toEqual(want.shape);
    expect(out.values.length).toBe(want.values.length);
    for (let i = 0; i < want.values.length; i++) {
      const err = Math.abs(out.values[i] - want.values[i]);
      if (!(err <= ref.atol + ref.rtol * Math.abs(want.values[i]))) {
        throw new Error(`${runtime} ${c.name} (seed ${c.seed}, shape [${c.shape}]) index ${i}: got ${out.values[i]}, want ${want.values[i]}`);
      }
    }
  }
}


let tmp: string;
let tgz: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'simdnn-runtimes-'));
  tgz = pack(tmp);
});

afterAll(() => {
  console.log(`builds picked: ${JSON.stringify(picked)}`);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('Node 20', () => {
  let dir: string;
  beforeAll(() => {
    dir = consumer(join(tmp, 'node'), tgz, {
      'main.mjs': esmMain('simdnn'),
      'main.cjs': cjsMain('simdnn'),
      'inline.mjs': esmMain('simdnn/inline'),
    });
  });

  it('import from ESM picks the simd build (no relaxed SIMD without the flag)', async () => {
    verify('node', resultOf('node main.mjs', await run(process.execPath, ['main.mjs'], dir)), 'simd');
  });

  it('require() from CommonJS works (no top-level await in the graph)', async () => {
    verify('node-cjs', resultOf('node main.cjs', await run(process.execPath, ['main.cjs'], dir)), 'simd');
  });

  it('with --experimental-wasm-relaxed-simd picks relaxed', async () => {
    const r = await run(process.execPath, ['--experimental-wasm-relaxed-simd', 'main.mjs'], dir);
    verify('node-relaxed-flag', resultOf('node --experimental-wasm-relaxed-simd main.mjs', r), 'relaxed');
  });

  it('the node, bun, browser, default and inline conditions resolve to self-contained single-file bundles', () => {
    const pkg = join(dir, 'node_modules/simdnn');
    for (const [sub, cond] of [['.', 'node'], ['.', 'bun'], ['.', 'browser'], ['.', 'default'], ['./inline', 'import']]) {
      const file = resolveExport(pkg, sub, [cond]);
      expect(file, `${sub} [${cond}]`).toMatch(/\.min\.js$/);
      const imports = [...readFileSync(join(pkg, file), 'utf8').matchAll(/\bimport\s*(?:[\w*{}\s,$]*from\s*)?["']([^"']+)["']/g)].map((m) => m[1]);
      expect(imports.filter((s) => !s.startsWith('node:')), `${file} imports`).toEqual([]);
    }
  });

  it('simdnn/inline (embedded base64) works', async () => {
    verify('node-inline', resultOf('node inline.mjs', await run(process.execPath, ['inline.mjs'], dir)), 'simd');
  });
});

describe('Deno', () => {
  let dir: string;
  beforeAll(() => {
    dir = consumer(join(tmp, 'deno'), tgz, { 'main.mjs': esmMain('simdnn'), 'inline.mjs': esmMain('simdnn/inline') });
  });

  it('the deno entry (source-phase imports) needs no permission and picks relaxed', async () => {
    verify('deno', resultOf('deno run main.mjs', await run(BIN('deno'), ['run', '--no-prompt', 'main.mjs'], dir)), 'relaxed');
  });

  it('simdnn/inline needs no permission either', async () => {
    verify('deno-inline', resultOf('deno run inline.mjs', await run(BIN('deno'), ['run', '--no-prompt', 'inline.mjs'], dir)), 'relaxed');
  });
});

describe('Bun', () => {
  it('the bun entry picks relaxed', async () => {
    const dir = consumer(join(tmp, 'bun'), tgz, { 'main.mjs': esmMain('simdnn') });
    verify('bun', resultOf('bun main.mjs', await run(BIN('bun'), ['main.mjs'], dir)), 'relaxed');
  });
});

const WORKER = `import * as simdnn from 'simdnn';
import { runChecks } from './check.mjs';
export default {
  async fetch() {
    try {
      return Response.json(await runChecks(simdnn));
    } catch (e) {
      return new Response(String((e && e.stack) || e), { status: 500 });
    }
  },
};
`;


describe('workerd', () => {
  it('bundled with the workerd condition (like wrangler), the static wasm imports load and relaxed is picked', async () => {
    const dir = consumer(join(tmp, 'workerd'), tgz, { 'worker-src.mjs': WORKER });
    const wasm = await bundleWorker(dir, 'worker-src.mjs');
    expect(wasm.sort()).toEqual(['node_modules/simdnn/dist/wasm/simdnn-relaxed.wasm', 'node_modules/simdnn/dist/wasm/simdnn-simd.wasm']);
    const got = await fetchFromWorkerd(dir, wasm);
    verify('workerd', got, 'relaxed');
  });
});

// Without Chromium: each browser test is a counted SKIP whose note is the install command (the
// summary line prints it); with CI=true the suite fails instead, so CI never passes without it.
const noChromium = chromiumMissing();
const browserIt = (name: string, fn: () => Promise<void>) =>
  it(name, async (ctx) => {
    if (noChromium) return ctx.skip(noChromium);
    await fn();
  });

describe('Chromium (headless)', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startStaticServer>>;
  let dir: string;

  // Counts streaming compiles, to tell the streaming path from the arrayBuffer fallback.
  const script =
    "import * as simdnn from 'simdnn';\nimport { runChecks } from './check.mjs';\n" +
    'let streamed = 0;\nconst compileStreaming = WebAssembly.compileStreaming;\n' +
    'WebAssembly.compileStreaming = (r) => { streamed++; return compileStreaming(r); };\n' +
    'runChecks(simdnn).then((value) => { window.__result = { ok: true, value: { ...value, streamed } }; },' +
    ' (e) => { window.__result = { ok: false, error: `${e.name}: ${e.message}` }; });';
  const streamed = (v: unknown) => (v as { streamed: number }).streamed;

  beforeAll(async () => {
    if (noChromium) {
      if (IN_CI) throw new Error(`${noChromium} (CI=true: the browser suite must run)`);
      return;
    }
    dir = consumer(join(tmp, 'browser'), tgz, {});
    const pages: Record<string, string> = {};
    for (const mode of ['ok', 'octet', 'html']) {
      // simdnn only: the browser bundle must be self-contained (@assemblyscript/loader inlined).
      const map = browserImportMap(join(dir, 'node_modules'), `/${mode}`, ['simdnn']);
      pages[`index-${mode}.html`] = pageHtml(map, script);
    }
    server = await startStaticServer(dir, pages);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  browserIt('the browser entry streams the wasm (application/wasm) and picks relaxed', async () => {
    const got = await runPage(browser, `${server.origin}/ok/index-ok.html`);
    verify('chromium', got, 'relaxed');
    expect(streamed(got)).toBe(1);
  });

  browserIt('a wrong MIME type (application/octet-stream) falls back to arrayBuffer and still loads', async () => {
    const got = await runPage(browser, `${server.origin}/octet/index-octet.html`);
    verify('chromium-octet', got, 'relaxed');
    expect(streamed(got)).toBe(0);
  });

  browserIt('an app built with Vite (wasm inlined as data: URLs, the default for files under 4 KB, or emitted as files) loads', async () => {
    const app = consumer(join(tmp, 'vite-app'), tgz, {
      'index.html': '<!DOCTYPE html><html><head><meta charset="utf-8"><script type="module" src="./main.js"></script></head></html>',
      'main.js': script,
    });
    // 'inlined' forces data: URLs (Vite inlines assets under assetsInlineLimit, 4 KB by default;
    // the wasm files outgrow that as kernels are added, so the limit is raised rather than assumed).
    for (const [variant, assetsInlineLimit] of [['inlined', 64 * 1024 * 1024], ['files', 0]] as const) {
      const outDir = join(app, `dist-${variant}`);
      await viteBuild({ root: app, configFile: false, logLevel: 'silent', base: './', build: { outDir, assetsInlineLimit } });
      const files = readdirSync(join(outDir, 'assets'));
      expect(files.some((f) => f.endsWith('.wasm')), `vite ${variant}: ${files}`).toBe(variant === 'files');
      const vite = await startStaticServer(outDir);
      try {
        verify(`chromium-vite-${variant}`, await runPage(browser, `${vite.origin}/ok/index.html`), 'relaxed');
        if (variant === 'files') {
          // The README's minimal CSP is enough, and without 'wasm-unsafe-eval' the error says what to add.
          verify('chromium-vite-csp', await runPage(browser, `${vite.origin}/csp/index.html`), 'relaxed');
          const err = await runPage(browser, `${vite.origin}/csp-no-wasm/index.html`).catch((e: Error) => e.message);
          // (no class name here: Vite's minifier renames InitError, whose .name comes from new.target.name)
          expect(err).toMatch(/: could not compile .*simdnn-relaxed.*'wasm-unsafe-eval' in script-src/);
        }
      } finally {
        await vite.close();
      }
    }
  });

  browserIt('an HTML answer for the wasm URL is a clear InitError, not a compile error', async () => {
    const err = await runPage(browser, `${server.origin}/html/index-html.html`).catch((e: Error) => e.message);
    expect(err).toMatch(/InitError: not a WebAssembly file: http:\/\/127\.0\.0\.1:\d+\/html\/node_modules\/simdnn\/dist\/wasm\/simdnn-relaxed\.wasm/);
    expect(err).toMatch(/content-type was text\/html.*server answered HTML/);
  });
});
