/**
 * `npm run bench -- [--filter REGEX] [--json FILE] [--markdown FILE] [--quick] [--builds simd,relaxed]
 *                    [--peers ours,ort,tfjs] [--rounds N] [--threads 1,2]`
 *
 * --threads 1,2: our engines per build at each thread count (rows ours-simd, ours-simd-t2, ...)
 * and onnxruntime-web sessions with intraOpNumThreads = each count (rows ort, ort-t2).
 
 *
 * Runs every workload (bench/workloads/*) on our builds and on the peers, in one process:
 * onnxruntime-web (wasm, 1 thread) and tfjs-backend-wasm (1 thread). Per workload, every engine
 * is set up first (outside any timing), then measured in rounds that alternate the order
 * (ours, peers; then peers, ours; ...) so that drift on this noisy machine hits everyone alike;
 * the samples of all rounds are pooled and the median is reported. Prints a table as it goes;
 * --json writes { env, results }, --markdown the same as a markdown table.
 * Size and cold start have their own script: `npm run bench:size` (bench/size-startup.ts).
 */
import { writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { BuildName, Engine } from '../src/entries/node.js';
import { collectEnv } from './env.js';
import { measure, summarize, type HarnessOptions, type TimedCase } from './harness.js';
import { loadOrt, type OrtPeer } from './peers/ort.js';
import { enter, loadOurs } from './peers/ours.js';
import { loadTfjs, type TfPeer } from './peers/tfjs.js';
import { markdown, tableHeader, tableRow, type BenchReport, type ResultRow } from './report.js';
import { attentionWorkloads } from './workloads/attention.js';
import { convWorkloads } from './workloads/conv.js';
import { gemmWorkloads } from './workloads/gemm.js';
import { normWorkloads } from './workloads/norm.js';
import { onnxWorkloads } from './workloads/onnx.js';
import { rnnWorkloads } from './workloads/rnn.js';
import { transformerWorkloads } from './workloads/transformer.js';
import { int8Workloads } from './workloads/int8.js';
import { vadWorkloads } from './workloads/vad.js';
import { zooWorkloads } from './workloads/zoo.js';
import { NotAvailable, type Prepared, type Workload } from './workloads/types.js';

const QUICK: HarnessOptions = { warmupMinCalls: 3, warmupMinMs: 300, warmupMaxMs: 800, maxTimeS: 0.1, minSamples: 3, budgetMs: 300, singleCallAboveMs: 600 };
const FULL: HarnessOptions = { warmupMinCalls: 5, warmupMinMs: 500, warmupMaxMs: 2000, maxTimeS: 0.5, minSamples: 8, budgetMs: 1500, singleCallAboveMs: 3000 };

/**
 * Later rounds warm up for this long only: V8 has already tiered the code up in round 0.
 * The long first warm-up matters: onnxruntime-web's GEMV 768 ran at 0.3-0.5 ms per call for its
 * first ~300 ms of calls and at 0.07-0.15 ms after (the wasm kernels and the JS around
 * session.run tier up while it runs), and "best time stopped improving" alone stopped too early.
 */
const REWARM_MIN_MS = 100;

const ALL_WORKLOADS: Workload[] = [...normWorkloads, ...gemmWorkloads, ...convWorkloads, ...rnnWorkloads, ...attentionWorkloads, ...transformerWorkloads, ...int8Workloads, ...onnxWorkloads, ...vadWorkloads, ...zooWorkloads];

interface Peers {
  ours: Map<string, Engine>;
  /** Thread counts above 1 that get their own onnxruntime-web rows (ort-t<n>). */
  ortThreads: number[];
  ort: OrtPeer | null;
  tf: TfPeer | null;
  skipped: Record<string, string>;
}

interface Entry {
  engine: string;
  prepared?: Prepared;
  timed?: TimedCase;
  status: string;
  samplesMs: number[];
  cpuShares: number[];
  cpuMs: number[];
  single: boolean;
  /** Max |y - y_ref| / max |y_ref| against the reference engine's output. */
  relErr?: number;
  checkNote?: string;
}

const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;

function errorText(e: unknown): string {
  if (e instanceof NotAvailable) return e.message;
  return `error: ${String((e as Error)?.message ?? e).split('\n')[0].slice(0, 200)}`;
}

/** Sets up every engine's side of one workload (nothing is timed here). */
async function prepare(w: Workload, data: unknown, peers: Peers, wanted: Set<string>): Promise<Entry[]> {
  const out: Entry[] = [];
  const add = async (engine: string, make: () => Prepared | Promise<Prepared>, enterFn?: () => void) => {
    if (!wanted.has(engine.split('-')[0])) return;
    const e: Entry = { engine, status: 'ok', samplesMs: [], cpuShares: [], cpuMs: [], single: false };
    try {
      enterFn?.();
      e.prepared = await make();
      e.timed = { run: e.prepared.run, async: e.prepared.async ?? false, enter: enterFn };
    } catch (err) {
      e.status = errorText(err);
    }
    out.push(e);
  };
  const s = w.sides;
  for (const [build, engine] of peers.ours) {
    if (s.ours) await add(`ours-${build}`, () => s.ours!(engine, data), () => enter(engine));
  }
  if (peers.ort && s.ort) await add('ort', () => s.ort!(peers.ort!, data));
  for (const n of peers.ortThreads) if (peers.ort && s.ort) await add(`ort-t${n}`, () => s.ort!({ ...peers.ort!, threads: n }, data));
  if (peers.ort && s['ort-fused']) await add('ort-fused', () => s['ort-fused']!(peers.ort!, data));
  if (peers.tf && s.tfjs) await add('tfjs', () => s.tfjs!(peers.tf!, data));
  return out;
}

/** Worst relative difference that still counts as the same result (float32, 128 RNN steps). */
const CHECK_TOL = 2e-3;

/**
 * Runs every engine once (untimed) and compares its output with the reference engine's
 * (onnxruntime-web when it ran, else the first that did): the rows must compute the same thing.
 */
async function crossCheck(entries: Entry[], tol = CHECK_TOL): Promise<string | undefined> {
  const outs = new Map<Entry, Float32Array>();
  for (const e of entries) {
    if (e.status !== 'ok' || !e.prepared?.output) continue;
    try {
      e.timed?.enter?.();
      outs.set(e, await e.prepared.output());
    } catch (err) {
      e.checkNote = `output check failed: ${errorText(err)}`;
    }
  }
  const ref = [...outs.keys()].find((e) => e.engine === 'ort') ?? [...outs.keys()][0];
  if (!ref) return undefined;
  const y0 = outs.get(ref)!;
  let scale = 0;
  for (const v of y0) scale = Math.max(scale, Math.abs(v));
  for (const [e, y] of outs) {
    if (e === ref) continue;
    if (y.length !== y0.length) {
      e.checkNote = `MISMATCH: ${y.length} outputs vs ${y0.length} from ${ref.engine}`;
      continue;
    }
    let d = 0;
    for (let i = 0; i < y.length; i++) {
      const di = Math.abs(y[i] - y0[i]);
      if (!(di <= d)) d = di; // NaN sticks
    }
    e.relErr = d / (scale || 1);
    if (!(e.relErr <= tol)) e.checkNote = `MISMATCH vs ${ref.engine}: max rel err ${e.relErr.toExponential(1)}`;
  }
  return ref.engine;
}

async function runWorkload(w: Workload, peers: Peers, opts: HarnessOptions, rounds: number, wanted: Set<string>): Promise<ResultRow[]> {
  const entries = await prepare(w, w.data(), peers, wanted);
  const refEngine = await crossCheck(entries, w.checkTol);
  const ready = entries.filter((e) => e.timed);
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? ready : [...ready].reverse();
    const o = r === 0 ? opts : { ...opts, warmupMinMs: Math.min(opts.warmupMinMs, REWARM_MIN_MS) };
    for (const e of order) {
      if (e.status !== 'ok') continue;
      try {
        const t = await measure(e.timed!, o);
        e.samplesMs.push(...t.samplesMs);
        e.cpuShares.push(t.cpuShare);
        e.cpuMs.push(t.cpuMsPerCall);
        e.single ||= t.single;
      } catch (err) {
        e.status = errorText(err);
      }
    }
  }
  for (const e of entries) {
    try {
      await e.prepared?.dispose();
    } catch {
      // A failed cleanup does not change the numbers.
    }
  }
  const rows: ResultRow[] = entries.map((e) => {
    const ok = e.status === 'ok' && e.samplesMs.length > 0;
    const s = summarize(e.samplesMs);
    return {
      workload: w.name,
      engine: e.engine,
      medianMs: ok ? s.medianMs : null,
      gflops: ok && w.flops ? w.flops / s.medianMs / 1e6 : null,
      gbps: ok && w.bytes ? w.bytes / s.medianMs / 1e6 : null,
      rme: ok ? s.rme : null,
      samples: s.samples,
      cpuShare: ok ? mean(e.cpuShares) : null,
      cpuMsPerCall: ok ? mean(e.cpuMs) : null,
      workspaceBytes: e.engine.startsWith('ours') && ok ? e.prepared?.workspaceBytes : undefined,
      status: e.status,
      checkedAgainst: e.relErr !== undefined ? refEngine : undefined,
      relErr: e.relErr,
      note: [e.checkNote, e.single ? 'one call (too slow to sample)' : '', e.prepared?.note].filter(Boolean).join('; ') || undefined,
    };
  });
  const base = (b: string) => rows.find((x) => x.engine === `ours-${b}`)?.medianMs ?? null;
  // Thread rows say their scaling against the same engine on 1 thread.
  for (const row of rows) {
    const m = /^(ours-\w+|ort)-t(\d+)$/.exec(row.engine);
    const one = m && rows.find((x) => x.engine === m[1])?.medianMs;
    if (m && one && row.medianMs) row.note = [`${(one / row.medianMs).toFixed(2)}x ${m[1]} (1 thread)`, row.note].filter(Boolean).join('; ');
  }
  for (const row of rows) {
    if (row.engine.startsWith('ours') || row.medianMs == null) continue;
    const simd = base('simd');
    const relaxed = base('relaxed');
    row.speedupSimd = simd ? row.medianMs / simd : null;
    row.speedupRelaxed = relaxed ? row.medianMs / relaxed : null;
  }
  return rows;
}

async function loadPeers(builds: BuildName[], wanted: Set<string>, threads: number[]): Promise<{ peers: Peers; versions: Record<string, string>; buildInfo: Record<string, string> }> {
  const ortThreads = threads.filter((n) => n > 1);
  const versions: Record<string, string> = {};
  const skipped: Record<string, string> = {};
  let ort: OrtPeer | null = null;
  let tf: TfPeer | null = null;
  if (wanted.has('ort')) {
    try {
      ort = await loadOrt(Math.max(1, ...threads));
      versions['onnxruntime-web'] = `${ort.version} (${ort.entry}, numThreads=${Math.max(1, ...threads)}, sessions: intraOpNumThreads ${[1, ...ortThreads].join(', ')})`;
    } catch (e) {
      skipped.ort = errorText(e);
    }
  }
  if (wanted.has('tfjs')) {
    try {
      const t = await loadTfjs();
      tf = t.tf;
      versions['tfjs-backend-wasm'] = `${t.version} (simd ${t.simd}, threads ${t.threads}, 1 thread)`;
    } catch (e) {
      skipped.tfjs = errorText(e);
    }
  }
  const ours = wanted.has('ours') ? await loadOurs(builds, threads) : new Map<string, Engine>();
  const buildInfo: Record<string, string> = {};
  for (const [b, e] of ours) buildInfo[b] = `${e.info().reason}; ${e.info().threadsReason}`;
  for (const b of builds) if (!ours.has(b)) buildInfo[b] = 'not run: this runtime does not validate it';
  for (const [k, v] of Object.entries(skipped)) versions[k] = `not loaded: ${v}`;
  return { peers: { ours, ort, tf, skipped, ortThreads }, versions, buildInfo };
}

/** Exits with the list of workload names when --filter is not a regex or matches none of them. */
function workloadFilter(source: string | undefined, quick: boolean): RegExp | null {
  if (source === undefined) return null;
  const names = ALL_WORKLOADS.filter((w) => !quick || w.quick !== false).map((w) => w.name);
  const list = `workloads${quick ? ' (--quick)' : ''}:\n${names.map((n) => `  ${n}`).join('\n')}`;
  let re: RegExp;
  try {
    re = new RegExp(source);
  } catch (e) {
    console.error(`bench: --filter ${JSON.stringify(source)} is not a regular expression (${(e as Error).message})\n${list}`);
    process.exit(2);
  }
  if (!names.some((n) => re.test(n))) {
    console.error(`bench: --filter ${JSON.stringify(source)} matches no workload. ${list}`);
    process.exit(2);
  }
  return re;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      filter: { type: 'string' },
      json: { type: 'string' },
      markdown: { type: 'string' },
      quick: { type: 'boolean', default: false },
      builds: { type: 'string', default: 'simd,relaxed' },
      peers: { type: 'string', default: 'ours,ort,tfjs' },
      rounds: { type: 'string' },
      threads: { type: 'string', default: '1' },
    },
  });
  const quick = values.quick!;
  const filter = workloadFilter(values.filter, quick);
  const opts = quick ? QUICK : FULL;
  const rounds = values.rounds ? Number(values.rounds) : quick ? 1 : 2;
  const builds = values.builds!.split(',').map((b) => b.trim()) as BuildName[];
  const wanted = new Set(values.peers!.split(',').map((p) => p.trim()));
  const workloads = ALL_WORKLOADS.filter((w) => (!filter || filter.test(w.name)) && (!quick || w.quick !== false));

  const t0 = performance.now();
  const threads = [...new Set(values.threads!.split(',').map((t) => Number(t.trim())))];
  if (!threads.every((n) => Number.isInteger(n) && n >= 1)) {
    console.error(`bench: --threads takes thread counts like 1,2, got ${JSON.stringify(values.threads)}`);
    process.exit(2);
  }
  const { peers, versions, buildInfo } = await loadPeers(builds, wanted, threads);
  const env = collectEnv(buildInfo, versions, `${quick ? 'quick' : 'full'}, ${rounds} round(s)${filter ? `, filter ${filter.source}` : ''}`);
  console.log(`simdnn bench: ${env.runtime}, ${env.cpu} x${env.cores}, load ${env.loadavg.join(' ')}, commit ${env.commit}`);
  for (const [k, v] of Object.entries({ ...buildInfo, ...versions })) console.log(`  ${k}: ${v}`);
  console.log(`  speedup columns: peer median / ours median (> 1 means simdnn is faster)\n`);
  console.log(tableHeader());

  const report: BenchReport = { env, results: [] };
  for (const w of workloads) {
    const rows = await runWorkload(w, peers, opts, rounds, wanted);
    for (const r of rows) console.log(tableRow(r));
    report.results.push(...rows);
  }

  console.log(`\n${report.results.length} rows in ${((performance.now() - t0) / 1e3).toFixed(1)} s (size and cold start: npm run bench:size)`);
  if (values.json) writeFileSync(values.json, JSON.stringify(report, null, 2) + '\n');
  if (values.markdown) writeFileSync(values.markdown, markdown(report));
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
