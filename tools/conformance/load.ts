/** Reads a golden case file into a GoldenCase (through the public safetensors loader). */
import { parseSafetensors } from '../../src/io/safetensors.js';
import type { GoldenCase } from './types.js';

const json = <T>(s: string | undefined, fallback: T): T => (s === undefined ? fallback : (JSON.parse(s) as T));

export function loadCaseBytes(bytes: Uint8Array): GoldenCase {
  const { tensors, metadata: m } = parseSafetensors(bytes);
  return {
    op: m.op,
    name: m.case,
    params: json(m.params, {}),
    inputs: json(m.inputs, []),
    stateDict: json(m.state_dict, []),
    outputs: json(m.outputs, []),
    tol: Number(m.tol ?? '1e-4'),
    meta: m,
    tensors,
  };
}
