/**
 * Threads in every runtime, through the packed package imported the way a user would: Node
 * (worker_threads), Deno (Web Workers from a Blob URL, no permissions), Bun (Web Workers) and
 * Chromium on a cross-origin isolated page run a Linear on 2 threads, bitwise equal to 1 thread,
 * and exit by themselves after dispose(); a Chromium page without COOP/COEP and workerd run on
 * 1 thread and say why. The check itself is test/runtimes/threads-check.mjs.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { consumer, pack, REPO } from './consumer.js';
import { resultOf, run } from './proc.js';
import { bundleWorker, fetchFromWorkerd } from './workerd.js';
import { IN_CI, chromiumMissing, launchChromium, pageHtml, runPage } from '../../dist/tools/chromium.js';
import { browserImportMap } from '../../dist/tools/resolve-export.js';
import { startStaticServer } from '../../dist/tools/static-server.js';

const BIN = (name: string) => join(REPO, 'node_modules/.bin', name);
const CHECK = readFileSync(join(REPO, 'test/runtimes/threads-check.mjs'), 'utf8');
const MAIN = "import * as simdnn from 'simdnn';\nimport { runThreadsCheck } from './threads-check.mjs';\nconsole.log(JSON.stringify(await runThreadsCheck(simdnn)));\n";

interface ThreadsResult {
  threads: number;
  reason: string;
  jobs: number;
  equal: boolean;
  initMs: number;
}

const seen: Record<string, string> = {};

function expectThreads(runtime: string, got: unknown): void {
  const r = got as ThreadsResult;
  seen[runtime] = `${r.reason} (init ${r.initMs} ms)`;
  expect(r.threads, `${runtime}: ${r.reason}`).toBe(2);
  expect(r.reason).toBe('2 threads: init({ threads: 2 }) asked for them (the calling thread + 1 worker)');
  expect(r.jobs, `${runtime}: jobs through the pool`).toBeGreaterThan(0);
  expect(r.equal, `${runtime}: 2 threads bitwise equal to 1`).toBe(true);
}

let tmp: string;
let tgz: string;

beforeAll(() => {
  tmp = mkdtempSync(join(tmpdir(), 'simdnn-threads-'));
  tgz = pack(tmp);
});

afterAll(() => {
  console.log(`threads per runtime: ${JSON.stringify(seen, null, 1)}`);
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('threads in Node, Deno, Bun', () => {
  it('Node: worker_threads, 2 threads, bitwise 1 thread, exits after dispose()', async () => {
    const dir = consumer(join(tmp, 'node'), tgz, { 'threads-check.mjs': CHECK, 'main.mjs': MAIN });
    expectThreads('node', resultOf('node main.mjs', await run(process.execPath, ['main.mjs'], dir)));
  });

  it('Deno: Blob-URL Web Workers with no permission flag', async () => {
    const dir = consumer(join(tmp, 'deno'), tgz, { 'threads-check.mjs': CHECK, 'main.mjs': MAIN });
    expectThreads('deno', resultOf('deno run main.mjs', await run(BIN('deno'), ['run', '--no-prompt', 'main.mjs'], dir)));
  });

  it('Bun: Web Workers', async () => {
    const dir = consumer(join(tmp, 'bun'), tgz, { 'threads-check.mjs': CHECK, 'main.mjs': MAIN });
    expectThreads('bun', resultOf('bun main.mjs', await run(BIN('bun'), ['main.mjs'], dir)));
  });
});

describe('workerd', () => {
  it('asks for 2 threads, runs on 1 and says workerd has no threads', async () => {
    const worker = `import * as simdnn from 'simdnn';
import { runThreadsCheck } from './threads-check.mjs';
export default { async fetch() {
  try { return Response.json(await runThreadsCheck(simdnn)); } catch (e) { return new Response(String((e && e.stack) || e), { status: 500 }); }
} };
`;
    const dir = consumer(join(tmp, 'workerd'), tgz, { 'threads-check.mjs': CHECK, 'worker-src.mjs': worker });
    const got = (await fetchFromWorkerd(dir, await bundleWorker(dir, 'worker-src.mjs'))) as ThreadsResult;
    seen.workerd = got.reason;
    expect(got).toMatchObject({ threads: 1, jobs: 0, equal: true });
    expect(got.reason).toBe('1 thread: workerd has no threads (no Worker, and Atomics.wait is not allowed)');
  });
});

// Without Chromium the browser checks are counted SKIPs naming the install command (fail in CI).
const noChromium = chromiumMissing();
const browserIt = (name: string, fn: () => Promise<void>) =>
  it(name, async (ctx) => {
    if (noChromium) return ctx.skip(noChromium);
    await fn();
  });

describe('Chromium (headless)', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startStaticServer>>;
  const script =
    "import * as simdnn from 'simdnn';\nimport { runThreadsCheck } from './threads-check.mjs';\n" +
    'runThreadsCheck(simdnn).then((value) => { window.__result = { ok: true, value }; },' +
    ' (e) => { window.__result = { ok: false, error: `${e.name}: ${e.message}` }; });';

  beforeAll(async () => {
    if (noChromium) {
      if (IN_CI) throw new Error(`${noChromium} (CI=true: the browser suite must run)`);
      return;
    }
    const dir = consumer(join(tmp, 'browser'), tgz, { 'threads-check.mjs': CHECK });
    const pages: Record<string, string> = {};
    for (const mode of ['coi', 'ok']) pages[`threads-${mode}.html`] = pageHtml(browserImportMap(join(dir, 'node_modules'), `/${mode}`, ['simdnn']), script);
    server = await startStaticServer(dir, pages);
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  browserIt('a cross-origin isolated page (COOP + COEP) runs on 2 threads, bitwise 1 thread', async () => {
    expectThreads('chromium-coi', await runPage(browser, `${server.origin}/coi/threads-coi.html`));
  });

  browserIt('a page without COOP/COEP runs on 1 thread and says how to serve it', async () => {
    const got = (await runPage(browser, `${server.origin}/ok/threads-ok.html`)) as ThreadsResult;
    seen.chromium = got.reason;
    expect(got).toMatchObject({ threads: 1, jobs: 0, equal: true });
    expect(got.reason).toMatch(/^1 thread: the page is not cross-origin isolated \(serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp/);
  });
});
