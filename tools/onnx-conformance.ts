/**
 * npm run conformance:onnx -- <dir>... [--filter REGEX] [--summary] [--build simd|relaxed|debug]
 * Runs the ONNX backend tests under each <dir> (a test directory with model.onnx, a suite such as
 * /usr/share/libonnx-testdata/data/node, or the data root holding the suites) and prints
 * `PASS|FAIL|SKIP <suite>/<test> <max error>` per test and `N passed, M failed, K skipped` last.
 * SKIP only for ops outside issue 11's list or dtypes outside float32/int64/int32/bool/uint8/int8/
 * float16 (tools/onnx-conformance/supported.ts), saying which; an op of the list the registry
 * lacks is a FAIL. --summary adds per-op counts (tests using each op). Exit 1 on any FAIL or when
 * no test is found, 2 on bad usage.
 */
import { statSync } from 'node:fs';
import { init } from '../src/entries/node.js';
import { findTests, runOnnxTest, type TestResult } from './onnx-conformance/run-test.js';

const USAGE = 'usage: npm run conformance:onnx -- <dir>... [--filter REGEX] [--summary] [--build simd|relaxed|debug]';

function parseArgs(args: string[]): { dirs: string[]; filter?: RegExp; summary: boolean; build?: string; error?: string } {
  const dirs: string[] = [];
  let filter: RegExp | undefined;
  let build: string | undefined;
  let summary = false;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--summary') summary = true;
    else if (a === '--filter' || a === '--build') {
      const v = args[++i];
      if (v === undefined) return { dirs, summary, error: `${a} needs a value` };
      if (a === '--build') {
        if (!['simd', 'relaxed', 'debug'].includes(v)) return { dirs, summary, error: `--build must be simd, relaxed or debug, got ${v}` };
        build = v;
      } else {
        try {
          filter = new RegExp(v);
        } catch (e) {
          return { dirs, summary, error: `--filter: ${(e as Error).message}` };
        }
      }
    } else if (a.startsWith('--')) return { dirs, summary, error: `unknown option ${a}` };
    else dirs.push(a);
  }
  return dirs.length ? { dirs, filter, summary, build } : { dirs, summary, error: 'no directory given' };
}

function printSummary(results: TestResult[]): void {
  const per = new Map<string, [number, number, number]>();
  for (const r of results) {
    for (const op of r.ops) {
      const c = per.get(op) ?? [0, 0, 0];
      c[r.status === 'PASS' ? 0 : r.status === 'FAIL' ? 1 : 2]++;
      per.set(op, c);
    }
  }
  console.log('per op (tests using it): op passed failed skipped');
  for (const [op, [p, f, s]] of [...per].sort((a, b) => (a[0] < b[0] ? -1 : 1))) console.log(`  ${op.padEnd(28)} ${String(p).padStart(4)} ${String(f).padStart(4)} ${String(s).padStart(4)}`);
  const reasons = new Map<string, number>();
  for (const r of results) if (r.status === 'SKIP') reasons.set(r.detail ?? '?', (reasons.get(r.detail ?? '?') ?? 0) + 1);
  console.log('skip reasons:');
  for (const [d, n] of [...reasons].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(4)}  ${d}`);
}

async function main(): Promise<number> {
  const { dirs, filter, summary, build, error } = parseArgs(process.argv.slice(2));
  if (error) {
    console.error(`${error}\n${USAGE}`);
    return 2;
  }
  for (const d of dirs) {
    try {
      if (!statSync(d).isDirectory()) throw new Error('not a directory');
    } catch (e) {
      console.error(`conformance:onnx: cannot read ${d}: ${(e as Error).message}\n${USAGE}`);
      return 2;
    }
  }
  const engine = await init(build === 'debug' ? { debug: true } : build ? { simd: build as 'simd' | 'relaxed' } : undefined);
  console.log(`simdnn ONNX conformance: ${engine.info().build} build, ${dirs.join(' ')}`);
  const results: TestResult[] = [];
  for (const d of dirs) {
    for (const t of findTests(d)) {
      if (filter && !filter.test(`${t.suite}/${t.dir.split('/').pop()}`)) continue;
      const r = runOnnxTest(t.dir, t.suite, engine);
      results.push(r);
      const err = r.status === 'SKIP' ? '-' : r.maxError.toExponential(2);
      console.log(`${r.status} ${r.name} ${err}${r.detail ? `  (${r.detail})` : ''}`);
    }
  }
  if (summary) printSummary(results);
  const count = (s: string) => results.filter((r) => r.status === s).length;
  if (!results.length) console.log(`no ONNX test found in ${dirs.join(' ')}${filter ? ` matching ${filter}` : ''}`);
  console.log(`${count('PASS')} passed, ${count('FAIL')} failed, ${count('SKIP')} skipped`);
  return count('FAIL') > 0 || !results.length ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
