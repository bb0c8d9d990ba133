/** The environment recorded next to every set of numbers. */
import { execFileSync } from 'node:child_process';
import os from 'node:os';

export interface BenchEnv {
  runtime: string;
  node: string;
  v8: string;
  execArgv: string[];
  platform: string;
  cpu: string;
  cores: number;
  /** 1, 5 and 15 minute load averages when the run started: the machine is shared. */
  loadavg: number[];
  builds: Record<string, string>;
  threads: number;
  peers: Record<string, string>;
  commit: string;
  date: string;
  mode: string;
}

function gitCommit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return dirty ? `${sha}+dirty` : sha;
  } catch {
    return 'unknown';
  }
}

export function collectEnv(builds: Record<string, string>, peers: Record<string, string>, mode: string): BenchEnv {
  const cpus = os.cpus();
  return {
    runtime: `node ${process.version}`,
    node: process.version,
    v8: process.versions.v8,
    execArgv: process.execArgv,
    platform: `${process.platform} ${process.arch}`,
    cpu: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
    builds,
    threads: 1,
    peers,
    commit: gitCommit(),
    date: new Date().toISOString(),
    mode,
  };
}
