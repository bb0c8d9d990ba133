/**
 * npm run conformance -- <dir or file> [--filter REGEX] [--build simd|relaxed|debug]
 * Walks every *.safetensors case under <dir> (any directory in the golden format of
 * shared/golden/README.md), runs it through the public API and prints
 * `PASS|FAIL|SKIP <op>/<case> <max error>` per case and `N passed, M failed, K skipped` last.
 * SKIP only for ops without a runner (with the reason). A file that cannot be read or is not a
 * golden case is a FAIL with the reason, never a crash. Exits 1 if any case fails or no case is
 * found, 2 on bad usage.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { init } from '../src/entries/node.js';
import { runCase } from './conformance/run-case.js';

const USAGE = 'usage: npm run conformance -- <dir or file> [--filter REGEX] [--build simd|relaxed|debug]';

/** Every .safetensors file under `dir`, sorted; directories that cannot be read are reported. */
function walk(dir: string, problems: string[]): string[] {
  const out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (e) {
    problems.push(`${dir}: ${(e as Error).message}`);
    return out;
  }
  for (const name of names) {
    const p = join(dir, name);
    let isDir = false;
    try {
      isDir = statSync(p).isDirectory();
    } catch (e) {
      problems.push(`${p}: ${(e as Error).message}`);
      continue;
    }
    if (isDir) out.push(...walk(p, problems));
    else if (name.endsWith('.safetensors')) out.push(p);
  }
  return out;
}

function parseArgs(args: string[]): { target?: string; filter?: RegExp; build?: string; error?: string } {
  let target: string | undefined;
  let filter: RegExp | undefined;
  let build: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--filter' || a === '--build') {
      const v = args[++i];
      if (v === undefined) return { error: `${a} needs a value` };
      if (a === '--build') {
        if (!['simd', 'relaxed', 'debug'].includes(v)) return { error: `--build must be simd, relaxed or debug, got ${v}` };
        build = v;
      } else {
        try {
          filter = new RegExp(v);
        } catch (e) {
          return { error: `--filter: ${(e as Error).message}` };
        }
      }
    } else if (a.startsWith('--')) return { error: `unknown option ${a}` };
    else if (target !== undefined) return { error: `one directory or file, got ${target} and ${a}` };
    else target = a;
  }
  return target === undefined ? { error: 'no directory given' } : { target, filter, build };
}

async function main(): Promise<number> {
  const { target, filter, build, error } = parseArgs(process.argv.slice(2));
  if (error || !target) {
    console.error(`${error}\n${USAGE}`);
    return 2;
  }
  let isDir: boolean;
  try {
    isDir = statSync(target).isDirectory();
  } catch (e) {
    console.error(`conformance: cannot read ${target}: ${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const problems: string[] = [];
  const root = isDir ? target : dirname(target);
  const files = isDir ? walk(target, problems) : [target];
  const engine = await init(build === 'debug' ? { debug: true } : build ? { simd: build as 'simd' | 'relaxed' } : undefined);
  console.log(`simdnn conformance: ${engine.info().build} build, ${target}`);
  for (const p of problems) console.log(`WARN cannot read ${p}`);
  let pass = 0;
  let fail = 0;
  let skip = 0;
  let seen = 0;
  for (const file of files) {
    const rel = isDir ? relative(root, file) : join(basename(dirname(file)), basename(file));
    if (filter && !filter.test(rel)) continue;
    seen++;
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(readFileSync(file));
    } catch (e) {
      console.log(`FAIL ${rel.replace(/\.safetensors$/, '')} -  (cannot read the file: ${(e as Error).message})`);
      fail++;
      continue;
    }
    const r = runCase(bytes, rel);
    const err = r.status === 'SKIP' ? '-' : r.maxError.toExponential(2);
    console.log(`${r.status} ${r.op}/${r.name} ${err}${r.detail ? `  (${r.detail})` : ''}`);
    if (r.status === 'PASS') pass++;
    else if (r.status === 'FAIL') fail++;
    else skip++;
  }
  if (seen === 0) console.log(`no .safetensors case found in ${target}${filter ? ` matching ${filter}` : ''}`);
  console.log(`${pass} passed, ${fail} failed, ${skip} skipped`);
  return fail > 0 || seen === 0 ? 1 : 0; // finding nothing (a wrong path or filter) is not a pass
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
