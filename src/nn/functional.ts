/** Stateless functional forms, named as in torch.nn.functional (camelCase). */
export { relu } from '../ops/unary.js';
export { leakyRelu, gelu, silu, sigmoid, tanh, type GeluOptions } from '../ops/unary.js';
export { add, mul } from '../ops/binary.js';
export { softmax, logSoftmax } from '../ops/softmax.js';
export { layerNorm } from '../ops/layernorm.js';
