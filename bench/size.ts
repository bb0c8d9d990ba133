/**
 * Size and start-up (issue 8): gzipped size of each packaged .wasm and of the JS entry, and the
 * Node cold start (fresh process: import + init() + one small layer; median of several spawns).
 *
 * JS size is measured two ways: `modules` is every dist/src module the entry reaches through
 * static imports (dependencies such as @assemblyscript/loader included), concatenated as tsc
 * emitted them (unminified) and gzipped; `bundle` is a minified ESM bundle of the entry made with
 * rolldown (present as vite's bundler), gzipped, when rolldown can be imported.
 */
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { summarize } from './harness.js';

const here = dirname(fileURLToPath(import.meta.url)); // dist/bench
const distDir = resolve(here, '..');

export interface SizeRow {
  file: string;
  bytes: number;
  gzipBytes: number;
}

export interface ColdStart {
  runs: number;
  layer: string;
  build: string;
  /** Median of import + init() + first layer call, ms. */
  medianMs: number;
  medianImportMs: number;
  medianInitMs: number;
  medianFirstCallMs: number;
  /** Median time from the process's start (Node's own start-up included) to the first result. */
  medianSinceProcessStartMs: number;
}

const gz = (b: Uint8Array | string) => gzipSync(b, { level: 9 }).length;

function row(file: string, content: Uint8Array | string): SizeRow {
  return { file, bytes: typeof content === 'string' ? Buffer.byteLength(content) : content.length, gzipBytes: gz(content) };
}

const IMPORT_RE = /(?:^|[\s;])(?:import|export)\s[^'"]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;])import\s*['"]([^'"]+)['"]/g;

/** Every module reachable from `entry` by static import, relative and bare (resolved like Node). */
function reachable(entry: string): string[] {
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const src = readFileSync(file, 'utf8');
    const req = createRequire(file);
    for (const m of src.matchAll(IMPORT_RE)) {
      const spec = m[1] ?? m[2];
      if (spec.startsWith('node:')) continue;
      try {
        stack.push(spec.startsWith('.') ? resolve(dirname(file), spec) : req.resolve(spec));
      } catch {
        // A bare specifier with only an `import` condition: not counted (none today).
      }
    }
  }
  return [...seen];
}

async function bundle(entry: string, platform: 'browser' | 'node'): Promise<string | null> {
  try {
    const { rolldown } = await import('rolldown');
    const b = await rolldown({ input: entry, platform, logLevel: 'silent' });
    const out = await b.generate({ format: 'esm', minify: true });
    await b.close();
    return out.output.map((c) => ('code' in c ? c.code : '')).join('\n');
  } catch {
    return null;
  }
}

export async function measureSizes(): Promise<SizeRow[]> {
  const rows: SizeRow[] = [];
  const wasmDir = join(distDir, 'wasm');
  const wasm = readdirSync(wasmDir).filter((f) => f.endsWith('.wasm')).sort();
  for (const f of wasm) rows.push(row(`wasm/${f}`, readFileSync(join(wasmDir, f))));
  const shipped = wasm.filter((f) => !f.includes('debug'));
  const all = shipped.map((f) => readFileSync(join(wasmDir, f)));
  rows.push({ file: `wasm/{${shipped.join(',')}} (sum of separate gzips)`, bytes: all.reduce((a, b) => a + b.length, 0), gzipBytes: all.reduce((a, b) => a + gz(b), 0) });
  for (const [label, entry, platform] of [
    ['browser entry src/index.js', join(distDir, 'src/index.js'), 'browser'],
    ['node entry src/entries/node.js', join(distDir, 'src/entries/node.js'), 'node'],
  ] as const) {
    if (!existsSync(entry)) continue;
    const files = reachable(entry);
    rows.push(row(`${label}: ${files.length} modules, unminified`, files.map((f) => readFileSync(f, 'utf8')).join('\n')));
    const b = await bundle(entry, platform);
    if (b !== null) rows.push(row(`${label}: rolldown bundle, minified`, b));
  }
  return rows;
}

export async function measureColdStart(runs: number): Promise<ColdStart> {
  const child = join(here, 'cold-start.js');
  const samples: { layer: string; build: string; importMs: number; initMs: number; firstCallMs: number; sinceProcessStartMs: number }[] = [];
  for (let i = 0; i < runs; i++) {
    const { stdout } = await promisify(execFile)(process.execPath, [child], { encoding: 'utf8' });
    samples.push(JSON.parse(stdout.trim().split('\n').pop()!));
  }
  const med = (f: (s: (typeof samples)[number]) => number) => summarize(samples.map(f)).medianMs;
  return {
    runs,
    layer: samples[0].layer,
    build: samples[0].build,
    medianMs: med((s) => s.importMs + s.initMs + s.firstCallMs),
    medianImportMs: med((s) => s.importMs),
    medianInitMs: med((s) => s.initMs),
    medianFirstCallMs: med((s) => s.firstCallMs),
    medianSinceProcessStartMs: med((s) => s.sinceProcessStartMs),
  };
}
