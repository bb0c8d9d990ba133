/** Runners for the elementwise and normalization ops. */
import { F } from '../../../src/api.js';
import { Unsupported, type OpRunner } from '../types.js';

function lastDim(op: string, dim: unknown): number {
  if (dim !== undefined && dim !== -1) throw new Unsupported(`${op} over dim ${String(dim)}: only the last dim is implemented`);
  return -1;
}

export const runners: Record<string, OpRunner> = {
  relu: (c) => ({ output: F.relu(c.tensors.input) }),
  leaky_relu: (c) => ({ output: F.leakyRelu(c.tensors.input, c.params.negative_slope ?? 0.01) }),
  gelu: (c) => ({ output: F.gelu(c.tensors.input, { approximate: c.params.approximate ?? 'none' }) }),
  silu: (c) => ({ output: F.silu(c.tensors.input) }),
  sigmoid: (c) => ({ output: F.sigmoid(c.tensors.input) }),
  tanh: (c) => ({ output: F.tanh(c.tensors.input) }),
  softmax: (c) => ({ output: F.softmax(c.tensors.input, lastDim('softmax', c.params.dim)) }),
  log_softmax: (c) => ({ output: F.logSoftmax(c.tensors.input, lastDim('log_softmax', c.params.dim)) }),
  layer_norm: (c) => ({
    output: F.layerNorm(c.tensors.input, c.params.normalized_shape, c.tensors.weight ?? null, c.tensors.bias ?? null, c.params.eps ?? 1e-5),
  }),
};
