/**
 * Resolves a package subpath through package.json `exports` for a list of conditions, the way a
 * bundler or an import map generator does (exact subpaths and nested condition objects only).
 * Used to point the browser test's import map at the file the `browser` condition selects.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

type Target = string | { [condition: string]: Target } | null;

function pick(target: Target, conditions: readonly string[]): string | undefined {
  if (typeof target === 'string') return target;
  if (target === null || typeof target !== 'object') return undefined;
  for (const [cond, sub] of Object.entries(target)) {
    if (cond === 'types' || !(cond === 'default' || conditions.includes(cond))) continue;
    const got = pick(sub, conditions);
    if (got !== undefined) return got;
  }
  return undefined;
}

/** The file (relative to the package directory, without './') that `pkg/subpath` resolves to. */
export function resolveExport(pkgDir: string, subpath: string, conditions: readonly string[]): string {
  const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
  const exp = pkg.exports;
  const target = typeof exp === 'string' || (exp && !Object.keys(exp).some((k) => k.startsWith('.'))) ? (subpath === '.' ? exp : null) : exp?.[subpath];
  const file = pick(target ?? null, conditions);
  if (file === undefined) throw new Error(`${pkg.name}: no export for ${subpath} under conditions ${conditions.join(', ')}`);
  return file.replace(/^\.\//, '');
}

/** An import map for `packages` installed under `<prefix>/node_modules/`, for browsers. */
export function browserImportMap(nodeModules: string, urlPrefix: string, packages: readonly string[]): string {
  const imports: Record<string, string> = {};
  for (const name of packages) {
    imports[name] = `${urlPrefix}/node_modules/${name}/${resolveExport(join(nodeModules, name), '.', ['browser', 'import'])}`;
  }
  return JSON.stringify({ imports });
}
