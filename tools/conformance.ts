/**
 * npm run conformance -- <dir> [--filter REGEX] [--build simd|relaxed|debug]
 * Walks every *.safetensors case under <dir>, runs it through the public API and prints
 * `PASS|FAIL|SKIP <op>/<case> <max error>` per case and `N passed, M failed, K skipped` last.
 * Exits 1 if any case fails.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { init } from '../src/entries/node.js';
import { runCase } from './conformance/run-case.js';

function walk(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...walk(p));
    else if (name.endsWith('.safetensors')) out.push(p);
  }
  return out;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const dir = args.find((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--')));
  const opt = (k: string) => {
    const i = args.indexOf(k);
    return i >= 0 ? args[i + 1] : undefined;
  };
  if (!dir) {
    console.error('usage: npm run conformance -- <dir> [--filter REGEX] [--build simd|relaxed|debug]');
    return 2;
  }
  const build = opt('--build');
  const engine = await init(build === 'debug' ? { debug: true } : build ? { simd: build as 'simd' | 'relaxed' } : undefined);
  const filter = opt('--filter') ? new RegExp(opt('--filter')!) : undefined;
  console.log(`simdnn conformance: ${engine.info().build} build, ${dir}`);
  let pass = 0;
  let fail = 0;
  let skip = 0;
  for (const file of walk(dir)) {
    if (filter && !filter.test(relative(dir, file))) continue;
    const r = runCase(new Uint8Array(readFileSync(file)), relative(dir, file));
    const err = r.status === 'SKIP' ? '-' : r.maxError.toExponential(2);
    console.log(`${r.status} ${r.op}/${r.name} ${err}${r.detail ? `  (${r.detail})` : ''}`);
    if (r.status === 'PASS') pass++;
    else if (r.status === 'FAIL') fail++;
    else skip++;
  }
  console.log(`${pass} passed, ${fail} failed, ${skip} skipped`);
  return fail > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
