/**
 * Every PyTorch golden case copied into test/fixtures/<op>/ runs through the conformance runner
 * (the public API) on every build and must PASS: a fixture is only copied once its op exists.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCase } from '../../dist/tools/conformance/run-case.js';
import { runnableBuilds, useBuild } from '../helpers/engines.js';
import { goldenOps } from '../helpers/golden-dirs.js';

const root = new URL('../fixtures/', import.meta.url).pathname;

function casesByOp(): [string, string[]][] {
  return goldenOps(root).map((op) => [op, readdirSync(join(root, op)).filter((f) => f.endsWith('.safetensors')).sort().map((f) => join(root, op, f))]);
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
