/**
 * The conformance runner's contract. A golden case (format of shared/golden/README.md) is run
 * through the public API by the runner registered for its op id; the runner returns the outputs
 * by the names the file lists in `outputs`.
 */
import type { Tensor } from '../../src/api.js';

export interface GoldenCase {
  op: string;
  name: string;
  /** Parsed `params` metadata. */
  params: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  inputs: string[];
  stateDict: string[];
  outputs: string[];
  tol: number;
  meta: Record<string, string>;
  /** Every tensor of the file, in the engine (float32, int64 or bool). */
  tensors: Record<string, Tensor>;
}

/** Runs one case; returns the outputs by name. Throw `new Unsupported(reason)` for a SKIP. */
export type OpRunner = (c: GoldenCase) => Record<string, Tensor>;

/** Thrown by a runner for configurations the engine does not implement yet (reported as SKIP). */
export class Unsupported extends Error {}

/** The file is not a golden case (reported as FAIL with the reason). */
export class NotAGoldenCase extends Error {}

/** The state dict of a case: its state_dict tensors by their PyTorch names. */
export function stateDictOf(c: GoldenCase): Record<string, Tensor> {
  return Object.fromEntries(c.stateDict.map((k) => [k, c.tensors[k]]));
}
