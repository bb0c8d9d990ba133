/**
 * Size and cold start of the built package (run `npm run build` first):
 *   node dist/bench/size-startup.js [--runs N]
 * - gzipped size (level 9) of each .wasm, and of the file each export condition resolves to with
 *   every module it imports, concatenated (1 file for the single-file bundles that
 *   tools/bundle-entries.mjs makes; for those, also the unbundled tsc output they are built from);
 * - Node cold start: a fresh `node` process per run doing `import('simdnn')` (the package's own
 *   exports, node condition: what users get) + init() + a first relu call; also the unbundled
 *   tsc output of the node entry, for comparison;
 * - Chromium cold start: a fresh browser context per run (no HTTP cache) doing the same through
 *   the browser condition (wasm streamed as application/wasm from a local server).
 * Prints a markdown report (medians of N runs) and exits 1 if a budget is exceeded:
 * all .wasm builds together under 300 KB gzipped, Node cold start under 50 ms.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { launchChromium, pageHtml, runPage } from '../tools/chromium.js';
import { resolveExport } from '../tools/resolve-export.js';
import { startStaticServer } from '../tools/static-server.js';

const REPO = fileURLToPath(new URL('../../', import.meta.url));
const WASM_BUDGET = 300 * 1024;
const NODE_BUDGET_MS = 50;
const runs = Number(process.argv[process.argv.indexOf('--runs') + 1]) || 9;

const gz = (buf: Buffer) => gzipSync(buf, { level: 9 }).length;
const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The JS module graph reachable from `file` through static imports (packages from our node_modules). */
function graph(file: string, seen = new Set<string>()): Set<string> {
  if (seen.has(file)) return seen;
  seen.add(file);
  const src = readFileSync(file, 'utf8');
  for (const m of src.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?from\s*['"]([^'"]+)['"]/g)) {
    const spec = m[1];
    if (spec.startsWith('.')) {
      if (spec.endsWith('.js')) graph(join(dirname(file), spec), seen);
    } else if (!spec.startsWith('node:')) {
      const dir = join(REPO, 'node_modules', spec);
      graph(join(dir, resolveExport(dir, '.', ['import'])), seen);
    }
  }
  return seen;
}

/** A size row for `file` and every module it imports. */
function entryRow(label: string, file: string): string {
  const files = [...graph(file)];
  const all = Buffer.concat(files.map((f) => readFileSync(f)));
  const what = files.length === 1 ? 'single file' : `+ ${files.length - 1} imported modules`;
  return `| ${label} (${relative(REPO, file)}, ${what}) | ${all.length} | ${gz(all)} |`;
}

async function sizes(): Promise<{ lines: string[]; wasmTotal: number }> {
  const lines = ['| file | bytes | gzipped |', '| --- | ---: | ---: |'];
  let wasmTotal = 0;
  for (const f of readdirSync(join(REPO, 'dist/wasm')).filter((f) => f.endsWith('.wasm')).sort()) {
    const buf = readFileSync(join(REPO, 'dist/wasm', f));
    wasmTotal += gz(buf);
    lines.push(`| dist/wasm/${f} | ${buf.length} | ${gz(buf)} |`);
  }
  lines.push(`| **all .wasm builds** | | **${wasmTotal} (${kb(wasmTotal)}; budget ${kb(WASM_BUDGET)})** |`);
  for (const [cond, entry] of [['browser', '.'], ['node', '.'], ['workerd', '.'], ['deno', '.'], ['inline', './inline']]) {
    const file = join(REPO, resolveExport(REPO, entry, cond === 'inline' ? ['import'] : [cond]));
    lines.push(entryRow(`JS entry \`${cond}\``, file));
    if (file.endsWith('.min.js')) lines.push(entryRow(`JS entry \`${cond}\`, unbundled tsc output (the bundle's source)`, file.replace(/\.min\.js$/, '.js')));
  }
  return { lines, wasmTotal };
}

interface Cold {
  importMs: number;
  initMs: number;
  callMs: number;
  totalMs: number;
  build: string;
  cpuMs?: number;
  sinceProcessStartMs?: number;
}

function coldTable(name: string, xs: Cold[]): string {
  const med = (k: keyof Cold) => median(xs.map((x) => x[k] as number)).toFixed(1);
  return `| ${name} (${xs[0].build}) | ${med('importMs')} | ${med('initMs')} | ${med('callMs')} | **${med('totalMs')}** | ${xs.length} |`;
}

/** `specifier`: 'simdnn' (self-reference through package.json exports) or a file URL. */
function nodeCold(specifier: string): Cold[] {
  const script = join(REPO, 'dist/bench/cold-start-node.js');
  return Array.from({ length: runs }, () => JSON.parse(execFileSync(process.execPath, [script, specifier], { encoding: 'utf8', timeout: 30_000 })));
}

async function chromiumCold(): Promise<Cold[]> {
  const map = JSON.stringify({
    imports: {
      simdnn: `/ok/${resolveExport(REPO, '.', ['browser', 'import'])}`,
    },
  });
  const script = `const t0 = performance.now();
const simdnn = await import('simdnn');
const t1 = performance.now();
const engine = await simdnn.init();
const t2 = performance.now();
simdnn.F.relu(simdnn.Tensor.from(Float32Array.from({ length: 256 }, (_, i) => i - 128), [256])).toFloat32Array();
const t3 = performance.now();
window.__result = { ok: true, value: { importMs: t1 - t0, initMs: t2 - t1, callMs: t3 - t2, totalMs: t3 - t0, build: engine.info().build } };`;
  const server = await startStaticServer(REPO, { 'bench.html': pageHtml(map, script) });
  const browser = await launchChromium();
  try {
    const out: Cold[] = [];
    for (let i = 0; i < runs; i++) out.push((await runPage(browser, `${server.origin}/ok/bench.html`)) as Cold);
    return out;
  } finally {
    await browser.close();
    await server.close();
  }
}

const { lines, wasmTotal } = await sizes();
const node = nodeCold('simdnn');
const nodeUnbundled = nodeCold(pathToFileURL(join(REPO, 'dist/src/entries/node.js')).href);
const chrome = await chromiumCold();
const nodeMs = median(node.map((x) => x.totalMs));
const nodeProc = median(node.map((x) => x.sinceProcessStartMs ?? 0));
const nodeCpu = median(node.map((x) => x.cpuMs ?? 0));
console.log(`## Size and cold start (node ${process.version}, ${new Date().toISOString().slice(0, 16)}Z, median of ${runs} runs)\n`);
console.log(lines.join('\n'));
console.log('\n| cold start (ms) | import | init() | first relu | total | runs |\n| --- | ---: | ---: | ---: | ---: | ---: |');
console.log(coldTable("Node, fresh process, import('simdnn')", node));
console.log(coldTable('Node, fresh process, unbundled dist/src/entries/node.js', nodeUnbundled));
console.log(coldTable("Chromium, fresh context, import('simdnn') via import map (browser condition)", chrome));
console.log(`\nNode (import('simdnn')): process CPU time over import + init() + first call: ${nodeCpu.toFixed(1)} ms median (all threads).`);
console.log(`Node (import('simdnn')) process start to first result (includes Node's own boot): ${nodeProc.toFixed(1)} ms median.`);
const wasmOk = wasmTotal < WASM_BUDGET;
const nodeOk = nodeMs < NODE_BUDGET_MS;
console.log(`Budgets: all .wasm < ${kb(WASM_BUDGET)} gzipped: ${wasmOk ? 'OK' : 'OVER'}; Node cold start < ${NODE_BUDGET_MS} ms: ${nodeOk ? 'OK' : 'OVER'}.`);
if (!wasmOk || !nodeOk) process.exitCode = 1;
