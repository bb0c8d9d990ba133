/**
 * Every PyTorch golden case copied into test/fixtures/<op>/ runs through the conformance runner
 * (the public API) on every build and must PASS: a fixture is only copied once its op exists.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCase } from '../../dist/tools/conformance/run-case.js';
import { runnableBuilds, useBuild } from '../helpers/engines.js';

const root = new URL('../fixtures/', import.meta.url).pathname;
/** Fixture folders in other formats, run by their own tests (test/onnx/). */
const NOT_GOLDEN = new Set(['onnx', 'onnx-models', 'int8']); // int8/: torch quantize_dynamic models for test/nn/quantize.test.ts

function casesByOp(): [string, string[]][] {
  return readdirSync(root)
    .filter((d) => statSync(join(root, d)).isDirectory() && !NOT_GOLDEN.has(d))
    .sort()
    .map((op) => [op, readdirSync(join(root, op)).filter((f) => f.endsWith('.safetensors')).sort().map((f) => join(root, op, f))]);
}

describe.each(runnableBuilds())('golden cases [%s build]', (build) => {
  for (const [op, files] of casesByOp()) {
    it(`${op}: ${files.length} cases`, async () => {
      await useBuild(build);
      for (const f of files) {
        const r = runCase(new Uint8Array(readFileSync(f)), f);
        if (r.status !== 'PASS') expect.fail(`${build} ${r.status} ${r.op}/${r.name}: ${r.detail ?? ''}`);
      }
    });
  }
});
