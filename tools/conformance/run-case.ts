/** Loads one golden .safetensors case and runs it through the registry. */
import { loadCaseBytes } from './load.js';
import { RUNNERS } from './registry.js';
import { compareTensors } from './compare.js';
import { Unsupported, type GoldenCase } from './types.js';
import { getEngine } from '../../src/api.js';

export interface CaseResult {
  status: 'PASS' | 'FAIL' | 'SKIP';
  op: string;
  name: string;
  maxError: number;
  detail?: string;
}

export function runCase(bytes: Uint8Array, fallbackName = '?'): CaseResult {
  return getEngine().scope(() => {
    let c: GoldenCase;
    try {
      c = loadCaseBytes(bytes);
    } catch (e) {
      return { status: 'FAIL', op: '?', name: fallbackName, maxError: Infinity, detail: `cannot read case: ${(e as Error).message}` };
    }
    const runner = RUNNERS[c.op];
    if (!runner) return { status: 'SKIP', op: c.op, name: c.name, maxError: 0, detail: `op ${c.op} is not implemented yet` };
    let outs;
    try {
      outs = runner(c);
    } catch (e) {
      if (e instanceof Unsupported) return { status: 'SKIP', op: c.op, name: c.name, maxError: 0, detail: e.message };
      return { status: 'FAIL', op: c.op, name: c.name, maxError: Infinity, detail: `${(e as Error).name}: ${(e as Error).message}` };
    }
    let maxError = 0;
    for (const o of c.outputs) {
      const got = outs[o];
      const ref = c.tensors[o];
      if (!got) return { status: 'FAIL', op: c.op, name: c.name, maxError: Infinity, detail: `runner returned no ${o}` };
      const r = compareTensors(o, got.toFloat32Array(), got.shape, ref.toFloat32Array(), ref.shape, c.tol);
      maxError = Math.max(maxError, r.maxError);
      if (!r.ok) return { status: 'FAIL', op: c.op, name: c.name, maxError, detail: r.failure };
    }
    return { status: 'PASS', op: c.op, name: c.name, maxError };
  });
}
