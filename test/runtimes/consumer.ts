/**
 * Throwaway consumer projects: `npm pack` the built package once, then extract the tarball into
 * <dir>/node_modules/simdnn the way npm installs it (offline), with its one dependency
 * (@assemblyscript/loader) copied from our node_modules, plus the shared check script.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));

/** Packs the already built package (no prepare script: `npm test` built it) into `dest`. */
export function pack(dest: string): string {
  const out = execFileSync('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dest], {
    cwd: REPO,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  const info = JSON.parse(out) as { filename: string; files: { path: string }[] }[];
  return join(dest, info[0].filename);
}

/** A consumer project at `dir` with simdnn installed from `tgz` and `files` written into it. */
export function consumer(dir: string, tgz: string, files: Record<string, string>): string {
  const pkgDir = join(dir, 'node_modules', 'simdnn');
  mkdirSync(pkgDir, { recursive: true });
  execFileSync('tar', ['-xzf', tgz, '-C', pkgDir, '--strip-components=1'], { timeout: 30_000 });
  cpSync(join(REPO, 'node_modules/@assemblyscript/loader'), join(dir, 'node_modules/@assemblyscript/loader'), {
    recursive: true,
    dereference: true,
  });
  cpSync(join(REPO, 'test/runtimes/check.mjs'), join(dir, 'check.mjs'));
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module', dependencies: { simdnn: '*' } }));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/** A script printing the check result for `import * as simdnn from <specifier>` as JSON. */
export function esmMain(specifier: string): string {
  return `import * as simdnn from '${specifier}';\nimport { runChecks } from './check.mjs';\nconsole.log(JSON.stringify(await runChecks(simdnn)));\n`;
}

/** The same through require() from CommonJS (Node 20 can require() ESM without top-level await). */
export function cjsMain(specifier: string): string {
  return (
    `const simdnn = require('${specifier}');\n` +
    "import('./check.mjs').then(({ runChecks }) => runChecks(simdnn)).then((r) => console.log(JSON.stringify(r)))" +
    '.catch((e) => { console.error(e); process.exit(1); });\n'
  );
}
