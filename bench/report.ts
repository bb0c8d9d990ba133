/** Result rows and their presentation: the console table, markdown, JSON. */
import type { BenchEnv } from './env.js';

export interface ResultRow {
  workload: string;
  engine: string;
  /** null when the engine could not run the workload (see status). */
  medianMs: number | null;
  gflops: number | null;
  gbps?: number | null;
  /** Relative margin of error of the mean, %. */
  rme?: number | null;
  samples?: number;
  /** CPU time the process got while sampling / wall time (1 = a whole core; low = busy machine). */
  cpuShare?: number | null;
  /** CPU time per call (ms), averaged over the rounds: steadier than wall time on a shared machine. */
  cpuMsPerCall?: number | null;
  /** Scratch memory of one call beyond inputs, weights and outputs (ours only), bytes. */
  workspaceBytes?: number;
  /** Peer median / ours-simd median (> 1: ours is faster), on peer rows. */
  speedupSimd?: number | null;
  speedupRelaxed?: number | null;
  status: string;
  /** The engine whose output this row's output was compared with, and the max relative error. */
  checkedAgainst?: string;
  relErr?: number;
  note?: string;
}

export interface BenchReport {
  env: BenchEnv;
  results: ResultRow[];
}

const f = (x: number | null | undefined, digits: number) => (x == null || !Number.isFinite(x) ? '' : x.toFixed(digits));
const ms = (x: number | null | undefined) => (x == null ? '' : x >= 100 ? x.toFixed(1) : x >= 1 ? x.toFixed(3) : x.toFixed(4));
const kib = (x: number | undefined) => (x == null ? '' : x >= 1 << 20 ? `${(x / (1 << 20)).toFixed(1)} MiB` : `${(x / 1024).toFixed(1)} KiB`);
const times = (x: number | null | undefined) => (x == null || !Number.isFinite(x) ? '' : `${x.toFixed(2)}x`);

const COLUMNS: [string, (r: ResultRow) => string, number][] = [
  ['workload', (r) => r.workload, 40],
  ['engine', (r) => r.engine, 12],
  ['median ms', (r) => ms(r.medianMs), 10],
  ['±rme%', (r) => f(r.rme, 1), 6],
  ['cpu ms', (r) => ms(r.cpuMsPerCall), 9],
  ['cpu%', (r) => (r.cpuShare == null ? '' : (r.cpuShare * 100).toFixed(0)), 5],
  ['GFLOP/s', (r) => f(r.gflops, 2), 8],
  ['GB/s', (r) => f(r.gbps, 2), 7],
  ['simd×', (r) => times(r.speedupSimd), 7],
  ['relaxed×', (r) => times(r.speedupRelaxed), 8],
  ['workspace', (r) => kib(r.workspaceBytes), 10],
  ['status / note', (r) => [r.status === 'ok' ? '' : r.status, r.note ?? ''].filter(Boolean).join('; '), 0],
];

export function tableHeader(): string {
  const head = COLUMNS.map(([h, , w]) => h.padEnd(w)).join(' ');
  return `${head}\n${'-'.repeat(head.length + 12)}`;
}

export function tableRow(r: ResultRow): string {
  return COLUMNS.map(([, get, w], i) => (i >= 2 && i <= 10 ? get(r).padStart(w) : get(r).padEnd(w))).join(' ');
}

export function markdown(rep: BenchReport): string {
  const e = rep.env;
  const lines = [
    `- ${e.runtime} (V8 ${e.v8}), flags \`${e.execArgv.join(' ') || '(none)'}\`, ${e.platform}`,
    `- CPU: ${e.cpu}, ${e.cores} cores; load average at start ${e.loadavg.join(' / ')}`,
    `- simdnn builds: ${Object.entries(e.builds).map(([k, v]) => `${k} (${v})`).join(', ')}; threads ${e.threads}`,
    `- peers: ${Object.entries(e.peers).map(([k, v]) => `${k} ${v}`).join('; ')}`,
    `- commit ${e.commit}, ${e.date}, mode ${e.mode}`,
    '',
    '| workload | engine | median ms | ±rme % | cpu ms | cpu % | GFLOP/s | GB/s | simd× | relaxed× | workspace | status / note |',
    '|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|---|',
  ];
  for (const r of rep.results) {
    const cells = COLUMNS.map(([, get]) => get(r).replace(/\|/g, '\\|'));
    lines.push(`| ${cells.join(' | ')} |`);
  }
  return lines.join('\n') + '\n';
}
