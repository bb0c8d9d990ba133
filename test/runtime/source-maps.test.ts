/**
 * The bundles (dist/src/index.min.js, entries/node.min.js, entries/inline.min.js) ship source maps
 * with the sources inlined: under `node --enable-source-maps` an error's stack names src/*.ts, and
 * an uncaught error prints a short line, never the whole bundle.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const DIST = new URL('../../dist/src/', import.meta.url);
const BUNDLES = ['index.min.js', 'entries/node.min.js', 'entries/inline.min.js'];

/** Runs an ES module snippet that imports the node bundle and throws a ShapeError from Tensor.zeros, uncaught. */
function crash(flags: string[]): { stderr: string; status: number | null } {
  const bundle = new URL('entries/node.min.js', DIST).href;
  const code = `import { init, Tensor } from ${JSON.stringify(bundle)};\nawait init({ simd: 'simd' });\nTensor.zeros([2, -1]);\n`;
  const r = spawnSync(process.execPath, [...flags, '--input-type=module', '-e', code], { encoding: 'utf8', timeout: 60_000 });
  return { stderr: r.stderr, status: r.status };
}

describe('source maps of the bundles', () => {
  it.each(BUNDLES)('%s has a map next to it whose sources are src/*.ts, inlined', (name) => {
    const file = new URL(name, DIST);
    const code = readFileSync(file, 'utf8');
    expect(code.trimEnd().split('\n').at(-1)).toBe(`//# sourceMappingURL=${name.split('/').at(-1)}.map`);
    const mapFile = new URL(`${name}.map`, DIST);
    expect(existsSync(mapFile)).toBe(true);
    const map = JSON.parse(readFileSync(mapFile, 'utf8')) as { sources: string[]; sourcesContent: string[] };
    const ours = map.sources.filter((s) => s.includes('/src/'));
    expect(ours.length).toBeGreaterThan(20);
    expect(ours.every((s) => s.endsWith('.ts'))).toBe(true);
    expect(map.sources).toContain('../'.repeat(name.split('/').length + 1) + 'src/tensor.ts');
    expect(map.sourcesContent.length).toBe(map.sources.length);
    // Every source inlined, but the inline bundle's base64 wasm (data, not code).
    expect(map.sources.filter((src, i) => !(typeof map.sourcesContent[i] === 'string' && map.sourcesContent[i].length > 0))).toEqual(name.includes('inline') ? ['inline-data.js'] : []);
  });

  it.each(BUNDLES)('%s keeps its lines short (no line over 2,000 characters outside the inlined wasm)', (name) => {
    const lines = readFileSync(new URL(name, DIST), 'utf8').split('\n');
    // (the inline bundle's base64 wasm strings are data, not code: measured without them)
    const long = lines.map((l) => l.replace(/"[A-Za-z0-9+/=]{1000,}"/g, '""')).filter((l) => l.length > 2000);
    expect(long.map((l) => l.slice(0, 80))).toEqual([]);
  });

  it('node --enable-source-maps: an uncaught error from the bundle names src/tensor.ts and the line of the throw', () => {
    const { stderr, status } = crash(['--enable-source-maps']);
    expect(status).not.toBe(0);
    expect(stderr).toMatch(/ShapeError: shape \[2, -1\] has an invalid size -1/);
    const frames = stderr.split('\n').filter((l) => /^\s+at /.test(l));
    expect(frames[0], stderr).toMatch(/src\/tensor\.ts:\d+:\d+/);
    const src = readFileSync(new URL('../../src/tensor.ts', import.meta.url), 'utf8').split('\n');
    const line = Number(/src\/tensor\.ts:(\d+):/.exec(frames[0])![1]);
    expect(src[line - 1]).toMatch(/throw new ShapeError/);
    expect(stderr.length).toBeLessThan(4000);
  });

  it('without source maps the uncaught error still prints a short line, not the whole bundle', () => {
    const { stderr, status } = crash([]);
    expect(status).not.toBe(0);
    expect(stderr).toMatch(/ShapeError/);
    expect(stderr).toMatch(/node\.min\.js:\d+:\d+/);
    expect(Math.max(...stderr.split('\n').map((l) => l.length))).toBeLessThan(2000);
    expect(stderr.length).toBeLessThan(4000);
  });
});
