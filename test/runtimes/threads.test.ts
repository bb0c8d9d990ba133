/**
 * Threads in every runtime, through the packed package imported the way a user would: Node
 * (worker_threads), Deno (Web Workers from a Blob URL, no permissions), Bun (Web Workers) and
 * Chromium on a cross-origin isolated page run a Linear on 2 threads, bitwise equal to 1 thread,
 * and exit by themselves after dispose(); a Chromium page without COOP/COEP and workerd run on
 * 1 thread and say why. The check itself is test/runtimes/threads-check.mjs.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rolldown } from 'rolldown';
import type { Browser } from 'playwright-core';
import { consumer, pack, REPO } from './consumer.js';
import { collect, resultOf, run, start, stop } from './proc.js';
import { launchChromium, pageHtml, runPage } from '../../dist/tools/chromium.js';
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

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

describe('workerd', () => {
  it('asks for 2 threads, runs on 1 and says workerd has no threads', async () => {
    const worker = `import * as simdnn from 'simdnn';
import { runThreadsCheck } from './threads-check.mjs';
export default { async fetch() {
  try { return Response.json(await runThreadsCheck(simdnn)); } catch (e) { return new Response(String((e && e.stack) || e), { status: 500 }); }
} };
`;
    const dir = consumer(join(tmp, 'workerd'), tgz, { 'threads-check.mjs': CHECK, 'worker-src.mjs': worker });
    const bundle = await rolldown({
      input: join(dir, 'worker-src.mjs'), cwd: dir, platform: 'neutral',
      resolve: { conditionNames: ['workerd', 'worker', 'browser', 'import', 'default'] }, external: [/\.wasm$/], logLevel: 'silent',
    });
    const { output } = await bundle.write({ file: join(dir, 'worker.js'), format: 'esm' });
    await bundle.close();
    const wasm = [...output[0].code.matchAll(/^import \w+ from "\.\/([^"]+\.wasm)";$/gm)].map((m) => m[1]);
    const port = await freePort();
    const mods = wasm.map((w) => `    (name = "${w}", wasm = embed "${w}"),\n`).join('');
    writeFileSync(join(dir, 'config.capnp'), `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = ( services = [ (name = "main", worker = .w) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ] );
const w :Workerd.Worker = ( modules = [ (name = "worker.js", esModule = embed "worker.js"),
${mods}  ], compatibilityDate = "2026-11-01" );
`);
    const child = start(BIN('workerd'), ['serve', 'config.capnp'], dir);
    const done = collect(child, 25_000);
    let got: ThreadsResult | undefined;
    try {
      const deadline = Date.now() + 20_000;
      while (!got && Date.now() < deadline) {
        try {
          const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5_000) });
          const text = await res.text();
          if (res.status !== 200) throw new Error(`workerd answered ${res.status}:\n${text}`);
          got = JSON.parse(text) as ThreadsResult;
        } catch (e) {
          if ((e as Error).message.startsWith('workerd answered')) throw e;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    } finally {
      stop(child);
    }
    if (!got) throw new Error(`workerd did not answer\n${(await done).stderr}`);
    seen.workerd = got.reason;
    expect(got).toMatchObject({ threads: 1, jobs: 0, equal: true });
    expect(got.reason).toBe('1 thread: workerd has no threads (no Worker, and Atomics.wait is not allowed)');
  });
});

describe('Chromium (headless)', () => {
  let browser: Browser;
  let server: Awaited<ReturnType<typeof startStaticServer>>;
  const script =
    "import * as simdnn from 'simdnn';\nimport { runThreadsCheck } from './threads-check.mjs';\n" +
    'runThreadsCheck(simdnn).then((value) => { window.__result = { ok: true, value }; },' +
    ' (e) => { window.__result = { ok: false, error: `${e.name}: ${e.message}` }; });';

  beforeAll(async () => {
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

  it('a cross-origin isolated page (COOP + COEP) runs on 2 threads, bitwise 1 thread', async () => {
    expectThreads('chromium-coi', await runPage(browser, `${server.origin}/coi/threads-coi.html`));
  });

  it('a page without COOP/COEP runs on 1 thread and says how to serve it', async () => {
    const got = (await runPage(browser, `${server.origin}/ok/threads-ok.html`)) as ThreadsResult;
    seen.chromium = got.reason;
    expect(got).toMatchObject({ threads: 1, jobs: 0, equal: true });
    expect(got.reason).toMatch(/^1 thread: the page is not cross-origin isolated \(serve it with Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp/);
  });
});
