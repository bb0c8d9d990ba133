/** Stateless functional forms, named as in torch.nn.functional (camelCase). */
export { relu } from '../ops/unary.js';
export { scaledDotProductAttention, type SdpaOptions } from '../ops/sdpa.js';
export { conv2d, conv1d } from '../ops/conv2d.js';
export { convTranspose1d, convTranspose2d } from '../ops/conv-transpose.js';
export { interpolate, type InterpolateOptions, type InterpolateMode } from '../ops/interpolate.js';
export { maxPool2d, avgPool2d, adaptiveAvgPool2d } from '../ops/pool.js';
export { maxPool1d, avgPool1d, adaptiveAvgPool1d, adaptiveMaxPool1d, adaptiveMaxPool2d } from '../ops/pool.js';
export { groupNorm, instanceNorm } from '../ops/groupnorm.js';
export { batchNorm } from '../ops/batchnorm.js';
export { flatten } from './flatten.js';
export { leakyRelu, gelu, silu, sigmoid, tanh, type GeluOptions } from '../ops/unary.js';
export { add, mul, sub, div, pow, maximum, minimum, fmod, remainder, type BinaryOptions } from '../ops/binary.js';
export {
  sqrt, exp, log, neg, abs, reciprocal, floor, ceil, round, sign, erf, sin, cos, clamp, hardtanh, relu6, hardswish, hardsigmoid,
  mish, elu, selu, celu, softplus, softsign, threshold, hardshrink, softshrink, prelu, glu,
} from '../ops/unary.js';
export { eq, ne, lt, le, gt, ge, logicalAnd, logicalOr, logicalXor, logicalNot, isnan, isinf, where, maskedFill } from '../ops/compare.js';
export { sum, mean, amax, amin, prod, max, min, argmax, argmin, norm, cumsum, topk, logsumexp, type ValuesIndices, type TopkOptions } from '../ops/reduce.js';
export { cast } from '../ops/cast.js';
export { softmax, logSoftmax } from '../ops/softmax.js';
export { layerNorm } from '../ops/layernorm.js';
export { linear } from '../ops/linear.js';
export { matmul } from '../ops/matmul.js';
export { pad, type PadMode } from '../ops/pad.js';
export { pixelShuffle, pixelUnshuffle, channelShuffle } from '../ops/pixel-shuffle.js';
export { oneHot, type OneHotOptions } from '../ops/factories.js';
