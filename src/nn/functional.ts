/** Stateless functional forms, named as in torch.nn.functional (camelCase). */
export { relu } from '../ops/unary.js';
export { scaledDotProductAttention, type SdpaOptions } from '../ops/sdpa.js';
