/**
 * Child processes with bounds: every process runs in its own process group and is killed
 * (SIGKILL to the group) on timeout, so a runtime that hangs fails the test with its output.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1', DENO_NO_PROMPT: '1' };
  delete env.NODE_OPTIONS;
  return env;
}

export function start(cmd: string, args: string[], cwd: string): ChildProcess {
  return spawn(cmd, args, { cwd, env: cleanEnv(), detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
}

export function stop(child: ChildProcess): void {
  if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

/** Collects a child's output until it exits (or `timeoutMs` passes: then it is killed). */
export function collect(child: ChildProcess, timeoutMs: number): Promise<Ran> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (d) => (stdout += d));
  child.stderr?.on('data', (d) => (stderr += d));
  return new Promise((resolve) => {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      stop(child);
    }, timeoutMs);
    child.on('error', (e) => (stderr += `\nspawn error: ${e.message}`));
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, timedOut });
    });
  });
}

export function run(cmd: string, args: string[], cwd: string, timeoutMs = 30_000): Promise<Ran> {
  return collect(start(cmd, args, cwd), timeoutMs);
}

/** The JSON a check program printed as its last stdout line; throws with all output otherwise. */
export function resultOf(what: string, r: Ran): unknown {
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (r.code === 0 && !r.timedOut && last.startsWith('{')) return JSON.parse(last);
  throw new Error(
    `${what} ${r.timedOut ? 'timed out' : `exited with ${r.code}`}\n--- stdout ---\n${r.stdout}\n--- stderr ---\n${r.stderr}`,
  );
}
