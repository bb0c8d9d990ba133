/** Stateless functional forms, named as in torch.nn.functional (camelCase). */
export { relu } from '../ops/unary.js';
export { linear } from '../ops/linear.js';
export { matmul } from '../ops/matmul.js';
