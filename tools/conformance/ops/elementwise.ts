/** Runners for the elementwise and normalization ops. */
import { F } from '../../../src/api.js';
import type { OpRunner } from '../types.js';

export const runners: Record<string, OpRunner> = {
  relu: (c) => ({ output: F.relu(c.tensors.input) }),
  leaky_relu: (c) => ({ output: F.leakyRelu(c.tensors.input, c.params.negative_slope ?? 0.01) }),
  gelu: (c) => ({ output: F.gelu(c.tensors.input, { approximate: c.params.approximate ?? 'none' }) }),
  silu: (c) => ({ output: F.silu(c.tensors.input) }),
  sigmoid: (c) => ({ output: F.sigmoid(c.tensors.input) }),
  tanh: (c) => ({ output: F.tanh(c.tensors.input) }),
  softmax: (c) => ({ output: F.softmax(c.tensors.input, c.params.dim ?? -1) }),
  log_softmax: (c) => ({ output: F.logSoftmax(c.tensors.input, c.params.dim ?? -1) }),
  layer_norm: (c) => ({
    output: F.layerNorm(c.tensors.input, c.params.normalized_shape, c.tensors.weight ?? null, c.tensors.bias ?? null, c.params.eps ?? 1e-5),
  }),
};
