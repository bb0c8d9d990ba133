/**
 * The public API is the committed report api/simdnn.api.md: when the .d.ts surface of the package
 * (every package.json entry) changes, this fails until `npm run api:update` rewrites the report,
 * so the change is visible in review. Also: the published .d.ts type-checks on its own (strict, no
 * skipLibCheck) for a consumer, and internals stay out of it.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import ts from 'typescript';
// @ts-expect-error plain JS tool without types
import { apiReport } from '../../tools/api-report.mjs';

const REPO = new URL('../../', import.meta.url).pathname;

describe('public API', () => {
  it('matches the committed API report (after a deliberate change: npm run api:update)', () => {
    const want = readFileSync(join(REPO, 'api/simdnn.api.md'), 'utf8');
    const got = apiReport() as string;
    if (got !== want) {
      const a = new Set(want.split('\n'));
      const b = new Set(got.split('\n'));
      const diff = [...[...a].filter((l) => !b.has(l)).map((l) => `- ${l}`), ...[...b].filter((l) => !a.has(l)).map((l) => `+ ${l}`)];
      expect.fail(`the public API changed; if deliberate, run \`npm run api:update\` and commit api/simdnn.api.md\n${diff.slice(0, 60).join('\n')}`);
    }
  });

  it('keeps internals out of the .d.ts surface', () => {
    const report = readFileSync(join(REPO, 'api/simdnn.api.md'), 'utf8');
    for (const name of ['fmtShape', 'getEngine', 'setEngine', 'fuseConvBnEval', 'planFoldedForward', 'disposeFoldedPlan', 'FoldedPlan', 'makeRecurrentParams', 'parseSafetensors', 'loadSafetensorsSync', 'scratch', 'track(', ' arena', 'get k()']) {
      expect(report, name).not.toContain(name);
    }
    // One name per safetensors job, none of them under nn.
    expect(report.match(/^function (loadSafetensors|readSafetensors|saveSafetensors)\b/gm)?.length).toBeGreaterThanOrEqual(3);
    expect(report).not.toMatch(/^ {2}function \w*[sS]afetensors/m);
  });

  it('the published .d.ts type-checks for a consumer (strict, no skipLibCheck); saveSafetensors bytes are a Response body', () => {
    const dir = mkdtempSync(join(tmpdir(), 'simdnn-types-'));
    try {
      const file = join(dir, 'consumer.ts');
      writeFileSync(
        file,
        `import { init, nn, Tensor, saveSafetensors, loadSafetensors, type Engine } from ${JSON.stringify(join(REPO, 'dist/src/index.js'))};\n` +
          'export async function main(): Promise<Response> {\n' +
          '  const engine: Engine = await init();\n' +
          '  const lin = new nn.Linear(4, 2, {}, engine);\n' +
          '  const y: Tensor = lin.forward(Tensor.from([1, 2, 3, 4], [1, 4]));\n' +
          '  y.dispose();\n' +
          '  const bytes = saveSafetensors(lin.stateDict());\n' +
          '  lin.loadStateDict(loadSafetensors(bytes));\n' +
          '  engine.dispose();\n' +
          '  return new Response(bytes, { headers: { "content-type": "application/octet-stream" } });\n' +
          '}\n',
      );
      const program = ts.createProgram([file], {
        strict: true, noEmit: true, skipLibCheck: false, target: ts.ScriptTarget.ES2022,
        module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext,
        lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.esnext.disposable.d.ts'], types: [],
      });
      const diags = ts.getPreEmitDiagnostics(program).map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
      expect(diags).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
