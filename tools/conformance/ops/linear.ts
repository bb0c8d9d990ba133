/** Runners for the GEMM-based golden ops: linear (nn.Linear) and matmul (torch.matmul). */
import { F, nn } from '../../../src/api.js';
import { stateDictOf, type OpRunner } from '../types.js';

export const runners: Record<string, OpRunner> = {
  linear: (c) => {
    const p = c.params;
    const m = new nn.Linear(p.in_features, p.out_features, { bias: p.bias });
    try {
      m.loadStateDict(stateDictOf(c));
      return { output: m.forward(c.tensors.input) };
    } finally {
      m.dispose();
    }
  },
  matmul: (c) => ({ output: F.matmul(c.tensors.input, c.tensors.other) }),
};
