/**
 * The conformance runner never crashes: unreadable files, files that are not golden cases and
 * runners that throw are FAIL lines with the reason; unknown ops are SKIP with the reason; the
 * CLI prints one line per case, the totals last, and exits 1 on any failure (2 on bad usage).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Tensor, saveSafetensors, type Engine } from '../../dist/src/entries/node.js';
import { runCase } from '../../dist/tools/conformance/run-case.js';
import { useBuild } from '../helpers/engines.js';

let e: Engine;
beforeAll(async () => {
  e = await useBuild('simd');
});

const CLI = new URL('../../dist/tools/conformance.js', import.meta.url).pathname;
const RELU = new URL('../fixtures/relu/randn_4x256.safetensors', import.meta.url).pathname;

/** A case file in the golden format with the given metadata overrides. */
function goldenCase(meta: Record<string, string>, tensors?: Record<string, Tensor>): Uint8Array {
  return e.scope(() =>
    saveSafetensors(tensors ?? { input: Tensor.from([-1, 2], [2]), output: Tensor.from([0, 2], [2]) }, {
      metadata: { format: 'nn-golden/1', op: 'relu', case: 'tiny', inputs: '["input"]', state_dict: '[]', outputs: '["output"]', tol: '0', ...meta },
    }),
  );
}

describe('runCase', () => {
  it('passes a good case and frees everything it made', () => {
    const before = e.memoryStats().inUseBytes;
    expect(runCase(goldenCase({}), 'relu/tiny.safetensors')).toEqual({ status: 'PASS', op: 'relu', name: 'tiny', maxError: 0 });
    expect(e.memoryStats().inUseBytes).toBe(before);
  });

  it('reports a wrong value with the element, expected value and tol', () => {
    const bytes = goldenCase({}, { input: Tensor.from([-1, 2], [2]), output: Tensor.from([0, 2.5], [2]) });
    const r = runCase(bytes, 'x');
    expect(r.status).toBe('FAIL');
    expect(r.detail).toBe('output[1]: got 2, expected 2.5 (tol 0)');
  });

  it('files that are not golden cases are FAIL with the reason, named from their path', () => {
    const plain = e.scope(() => saveSafetensors({ w: Tensor.zeros([2]) }));
    expect(runCase(plain, 'weights/model.safetensors')).toMatchObject({
      status: 'FAIL',
      op: 'weights',
      name: 'model',
      detail: 'not a golden case: __metadata__.format is undefined, expected nn-golden/1',
    });
    expect(runCase(goldenCase({ outputs: '["output","h_n"]' }), 'a/b').detail).toBe('not a golden case: __metadata__.outputs names tensors the file does not hold: h_n');
    expect(runCase(goldenCase({ outputs: '[]' }), 'a/b').detail).toMatch(/outputs is empty/);
    expect(runCase(goldenCase({ params: '{oops' }), 'a/b').detail).toMatch(/params is not JSON/);
    expect(runCase(goldenCase({ tol: 'loose' }), 'a/b').detail).toMatch(/tol "loose" is not a number/);
    expect(runCase(goldenCase({ op: '' }), 'a/b').detail).toMatch(/no "op"/);
    expect(runCase(new Uint8Array([1, 2, 3]), 'relu/broken.safetensors')).toMatchObject({
      status: 'FAIL',
      op: 'relu',
      name: 'broken',
      detail: 'cannot read the file: safetensors: file is 3 bytes, shorter than the 8-byte header length',
    });
  });

  it('a runner that throws is a FAIL with the error; an op without a runner is a SKIP with the reason', () => {
    const bad = goldenCase({}, { input: Tensor.from(new BigInt64Array([1n, 2n]), [2]), output: Tensor.from([1, 2], [2]) });
    const r = runCase(bad, 'x');
    expect(r.status).toBe('FAIL');
    expect(r.detail).toMatch(/^DTypeError: .*int64/);
    expect(runCase(goldenCase({ op: 'conv9d' }), 'x')).toEqual({ status: 'SKIP', op: 'conv9d', name: 'tiny', maxError: 0, detail: 'op conv9d is not implemented yet' });
  });
});

describe('conformance CLI', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'simdnn-conf-'));
    mkdirSync(join(dir, 'relu'));
    mkdirSync(join(dir, 'misc', 'deep'), { recursive: true });
    copyFileSync(RELU, join(dir, 'relu', 'randn_4x256.safetensors'));
    writeFileSync(join(dir, 'misc', 'junk.safetensors'), 'not a safetensors file');
    writeFileSync(join(dir, 'misc', 'deep', 'unknown.safetensors'), goldenCase({ op: 'conv9d', case: 'c1' }));
    writeFileSync(join(dir, 'misc', 'notes.txt'), 'ignored');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('walks a directory: one line per case, totals last, exit 1 on failure', () => {
    const r = spawnSync(process.execPath, [CLI, dir], { encoding: 'utf8' });
    const lines = r.stdout.trim().split('\n');
    expect(lines.slice(1)).toEqual([
      'SKIP conv9d/c1 -  (op conv9d is not implemented yet)',
      expect.stringMatching(/^FAIL misc\/junk Infinity {2}\(cannot read the file: safetensors: header length \d+ is absurd/),
      'PASS relu/randn_4x256 0.00e+0',
      '1 passed, 1 failed, 1 skipped',
    ]);
    expect(r.status).toBe(1);
  });

  it('filters, accepts a single file, exits 0 when nothing fails, 1 when nothing is found, 2 on bad usage', () => {
    expect(execFileSync(process.execPath, [CLI, dir, '--filter', '^relu/'], { encoding: 'utf8' }).trim().split('\n').at(-1)).toBe('1 passed, 0 failed, 0 skipped');
    expect(execFileSync(process.execPath, [CLI, RELU], { encoding: 'utf8' })).toMatch(/PASS relu\/randn_4x256 0.00e\+0\n1 passed, 0 failed, 0 skipped/);
    const nothing = spawnSync(process.execPath, [CLI, dir, '--filter', 'zzz'], { encoding: 'utf8' });
    expect(nothing.stdout).toMatch(/no .safetensors case found .* matching \/zzz\/\n0 passed, 0 failed, 0 skipped/);
    expect(nothing.status).toBe(1);
    for (const args of [[], [join(dir, 'nope')], [dir, '--filter', '('], [dir, '--build', 'fast'], [dir, '--frobnicate']]) {
      const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8' });
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr, args.join(' ')).toMatch(/usage: npm run conformance/);
    }
  });
});
