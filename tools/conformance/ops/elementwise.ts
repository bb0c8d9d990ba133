/** Runners for the elementwise and normalization ops (activation/binary/reduction cases by tools/gen-golden-elementwise.py). */
import { F, nn, type Tensor } from '../../../src/api.js';
import { stateDictOf, type GoldenCase, type OpRunner } from '../types.js';

const unary = (f: (x: Tensor, c: GoldenCase) => Tensor): OpRunner => (c) => ({ output: f(c.tensors.input, c) });
const binary = (f: (a: Tensor, b: Tensor) => Tensor): OpRunner => (c) => ({ output: f(c.tensors.input, c.tensors.other) });
const reduction = (f: (x: Tensor, dims: number[], keepdim: boolean) => Tensor): OpRunner => (c) => ({ output: f(c.tensors.input, c.params.dim, c.params.keepdim) });

export const runners: Record<string, OpRunner> = {
  relu: (c) => ({ output: F.relu(c.tensors.input) }),
  leaky_relu: (c) => ({ output: F.leakyRelu(c.tensors.input, c.params.negative_slope ?? 0.01) }),
  gelu: (c) => ({ output: F.gelu(c.tensors.input, { approximate: c.params.approximate ?? 'none' }) }),
  silu: (c) => ({ output: F.silu(c.tensors.input) }),
  sigmoid: (c) => ({ output: F.sigmoid(c.tensors.input) }),
  tanh: (c) => ({ output: F.tanh(c.tensors.input) }),
  softmax: (c) => ({ output: F.softmax(c.tensors.input, c.params.dim ?? -1) }),
  log_softmax: (c) => ({ output: F.logSoftmax(c.tensors.input, c.params.dim ?? -1) }),
  relu6: unary((x) => F.relu6(x)),
  hardtanh: unary((x, c) => F.hardtanh(x, c.params.min_val, c.params.max_val)),
  hardswish: unary((x) => F.hardswish(x)),
  hardsigmoid: unary((x) => F.hardsigmoid(x)),
  mish: unary((x) => F.mish(x)),
  elu: unary((x, c) => F.elu(x, c.params.alpha)),
  selu: unary((x) => F.selu(x)),
  celu: unary((x, c) => F.celu(x, c.params.alpha)),
  softplus: unary((x, c) => F.softplus(x, c.params.beta, c.params.threshold)),
  softsign: unary((x) => F.softsign(x)),
  hardshrink: unary((x, c) => F.hardshrink(x, c.params.lambd)),
  softshrink: unary((x, c) => F.softshrink(x, c.params.lambd)),
  threshold: unary((x, c) => F.threshold(x, c.params.threshold, c.params.value)),
  glu: unary((x, c) => F.glu(x, c.params.dim)),
  exp: unary((x) => F.exp(x)),
  log: unary((x) => F.log(F.abs(x))),
  erf: unary((x) => F.erf(x)),
  sin: unary((x) => F.sin(x)),
  cos: unary((x) => F.cos(x)),
  prelu: (c) => {
    const m = new nn.PReLU(c.params.num_parameters);
    try {
      m.loadStateDict(stateDictOf(c));
      return { output: m.forward(c.tensors.input) };
    } finally {
      m.dispose();
    }
  },
  sub: binary(F.sub),
  div: binary((a, b) => F.div(a, b)),
  pow: binary((a, b) => F.pow(F.add(F.abs(a), 0.1), b)),
  maximum: binary(F.maximum),
  minimum: binary(F.minimum),
  sum: reduction(F.sum),
  mean: reduction(F.mean),
  amax: reduction(F.amax),
  amin: reduction(F.amin),
  logsumexp: reduction(F.logsumexp),
  norm: reduction((x, d, k) => F.norm(x, 2, d, k)),
  prod: reduction(F.prod),
  layer_norm: (c) => ({
    output: F.layerNorm(c.tensors.input, c.params.normalized_shape, c.tensors.weight ?? null, c.tensors.bias ?? null, c.params.eps ?? 1e-5),
  }),
};
