/**
 * Reads a golden case file into a GoldenCase (through the public safetensors loader) and checks
 * that it is one: format nn-golden*, op and case named, inputs/state_dict/outputs lists of
 * tensors the file holds, a numeric tol. Anything else throws NotAGoldenCase with the reason.
 */
import { parseSafetensors } from '../../src/io/safetensors.js';
import type { Tensor } from '../../src/tensor.js';
import type { Engine } from '../../src/runtime/engine.js';
import { NotAGoldenCase, type GoldenCase } from './types.js';

function list(m: Record<string, string>, key: string, tensors: Record<string, Tensor>, required: boolean): string[] {
  if (m[key] === undefined) {
    if (required) throw new NotAGoldenCase(`no "${key}" in __metadata__`);
    return [];
  }
  let v: unknown;
  try {
    v = JSON.parse(m[key]);
  } catch {
    throw new NotAGoldenCase(`__metadata__.${key} is not JSON: ${m[key].slice(0, 60)}`);
  }
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) throw new NotAGoldenCase(`__metadata__.${key} is not a list of tensor names`);
  const absent = v.filter((n) => !Object.hasOwn(tensors, n));
  if (absent.length) throw new NotAGoldenCase(`__metadata__.${key} names tensors the file does not hold: ${absent.join(', ')}`);
  return v;
}

/** Reads a golden case; its tensors live in `engine` (default: the current engine). */
export function loadCaseBytes(bytes: Uint8Array, engine?: Engine): GoldenCase {
  const { tensors, metadata: m } = parseSafetensors(bytes, engine);
  if (!m.format?.startsWith('nn-golden')) throw new NotAGoldenCase(`__metadata__.format is ${JSON.stringify(m.format)}, expected nn-golden/1`);
  if (!m.op) throw new NotAGoldenCase('no "op" in __metadata__');
  if (!m.case) throw new NotAGoldenCase('no "case" in __metadata__');
  let params: Record<string, unknown> = {};
  if (m.params !== undefined) {
    try {
      params = JSON.parse(m.params);
    } catch {
      throw new NotAGoldenCase(`__metadata__.params is not JSON: ${m.params.slice(0, 60)}`);
    }
  }
  const tol = Number(m.tol ?? '1e-4');
  if (!Number.isFinite(tol) || tol < 0) throw new NotAGoldenCase(`__metadata__.tol ${JSON.stringify(m.tol)} is not a number >= 0`);
  const outputs = list(m, 'outputs', tensors, true);
  if (!outputs.length) throw new NotAGoldenCase('__metadata__.outputs is empty: nothing to compare');
  return {
    op: m.op,
    name: m.case,
    params,
    inputs: list(m, 'inputs', tensors, true),
    stateDict: list(m, 'state_dict', tensors, false),
    outputs,
    tol,
    meta: m,
    tensors,
  };
}
