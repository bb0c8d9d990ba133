/**
 * Loads one golden .safetensors case and runs it through the registry. Never throws: a file
 * that is not a golden case, a runner that throws or returns the wrong thing, a bad output all
 * become a FAIL with the reason; only an op without a runner (or a runner's Unsupported) is a
 * SKIP. Every tensor made during the case is freed; bytes a runner leaves allocated (modules it
 * forgot to dispose) are reported in the detail.
 */
import { loadCaseBytes } from './load.js';
import { RUNNERS } from './registry.js';
import { runOnnxCase } from './onnx-case.js';
import { compareTensors } from './compare.js';
import { NotAGoldenCase, Unsupported, type GoldenCase } from './types.js';
import { Tensor, getEngine } from '../../src/internal.js';

export interface CaseResult {
  status: 'PASS' | 'FAIL' | 'SKIP';
  op: string;
  name: string;
  maxError: number;
  detail?: string;
}

const why = (e: unknown) => (e instanceof Error ? `${e.name}: ${e.message}` : String(e));

/** op and case guessed from a path `<op>/<case>.safetensors`, for files that cannot be read. */
function fromPath(path: string): { op: string; name: string } {
  const parts = path.split(/[\\/]/);
  const file = parts.pop() ?? path;
  return { op: parts.pop() || '?', name: file.replace(/\.safetensors$/, '') };
}

export function runCase(bytes: Uint8Array, fallbackName = '?'): CaseResult {
  const engine = getEngine();
  const before = engine.memoryStats().inUseBytes;
  let r: CaseResult;
  try {
    r = engine.scope(() => runInScope(bytes, fallbackName));
  } catch (e) {
    r = { status: 'FAIL', ...fromPath(fallbackName), maxError: Infinity, detail: `the case crashed: ${why(e)}` };
  }
  const leaked = engine.memoryStats().inUseBytes - before;
  if (leaked > 0) r.detail = `${r.detail ? `${r.detail}; ` : ''}left ${leaked} bytes allocated`;
  return r;
}

function runInScope(bytes: Uint8Array, fallbackName: string): CaseResult {
  let c: GoldenCase;
  try {
    c = loadCaseBytes(bytes);
  } catch (e) {
    const what = e instanceof NotAGoldenCase ? 'not a golden case' : 'cannot read the file';
    return { status: 'FAIL', ...fromPath(fallbackName), maxError: Infinity, detail: `${what}: ${e instanceof Error ? e.message : String(e)}` };
  }
  const fail = (detail: string, maxError = Infinity): CaseResult => ({ status: 'FAIL', op: c.op, name: c.name, maxError, detail });
  const runner = c.meta.format?.startsWith('nn-golden-onnx') ? runOnnxCase : RUNNERS[c.op];
  if (!runner) return { status: 'SKIP', op: c.op, name: c.name, maxError: 0, detail: `op ${c.op} is not implemented yet` };
  let outs: Record<string, unknown>;
  try {
    outs = runner(c);
  } catch (e) {
    if (e instanceof Unsupported) return { status: 'SKIP', op: c.op, name: c.name, maxError: 0, detail: e.message };
    return fail(why(e));
  }
  if (typeof outs !== 'object' || outs === null) return fail(`the runner returned ${String(outs)}, expected outputs by name`);
  let maxError = 0;
  for (const o of c.outputs) {
    const got = outs[o];
    const ref = c.tensors[o];
    if (!(got instanceof Tensor)) return fail(`the runner returned ${got === undefined ? 'no' : typeof got} ${o}, expected a Tensor`, maxError);
    let r;
    try {
      r = compareTensors(o, got.toFloat32Array(), got.shape, ref.toFloat32Array(), ref.shape, c.tol);
    } catch (e) {
      return fail(`cannot read output ${o}: ${why(e)}`, maxError);
    }
    maxError = Math.max(maxError, r.maxError);
    if (!r.ok) return fail(r.failure ?? 'mismatch', maxError);
  }
  return { status: 'PASS', op: c.op, name: c.name, maxError };
}
