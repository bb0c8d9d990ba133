/** Runners for the elementwise ops. */
import { F } from '../../../src/api.js';
import type { OpRunner } from '../types.js';

export const runners: Record<string, OpRunner> = {
  relu: (c) => ({ output: F.relu(c.tensors.input) }),
};
