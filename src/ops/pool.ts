/**
 * Pooling (NCHW, PyTorch semantics): max_pool2d, avg_pool2d, adaptive_avg_pool2d (1x1 only).
 * One wasm call per image covering every channel; output-size and divisor rules as PyTorch
 * (shared/golden/README.md), padding never selected by max.
 */
import { Tensor } from '../tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../runtime/errors.js';
import { expectRank, expectTensor } from './check.js';
import { pair, poolOut, withGeom, type Geom } from './conv-geom.js';
import { owning } from './own.js';

type IntOr2 = number | readonly number[];

function poolGeom(op: string, x: Tensor, kernelSize: IntOr2, stride: IntOr2 | null | undefined, padding: IntOr2, dilation: IntOr2, ceilMode: boolean): [Geom, number[], number] {
  expectTensor(op, 'input', x);
  expectRank(op, 'input', x, [3, 4]);
  const [kh, kw] = pair(op, 'kernel_size', kernelSize, 1);
  const [sh, sw] = stride == null || (Array.isArray(stride) && stride.length === 0) ? [kh, kw] : pair(op, 'stride', stride, 1);
  const [ph, pw] = pair(op, 'padding', padding, 0);
  const [dh, dw] = pair(op, 'dilation', dilation, 1);
  if (ph > Math.floor(kh / 2) || pw > Math.floor(kw / 2)) {
    throw new ArgumentError(`${op}: pad should be at most half of kernel size, got padding [${ph}, ${pw}] for kernel_size [${kh}, ${kw}]`);
  }
  const [h, w] = x.shape.slice(-2);
  const oh = poolOut(h, kh, sh, ph, dh, ceilMode);
  const ow = poolOut(w, kw, sw, pw, dw, ceilMode);
  if (oh < 1 || ow < 1) throw new ShapeError(`${op}: input of shape ${fmtShape(x.shape)} is too small for the window: output size would be ${oh}x${ow}`);
  const planes = x.shape.slice(0, -2).reduce((a, b) => a * b, 1);
  return [{ h, w, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw }, [...x.shape.slice(0, -2), oh, ow], planes];
}

/** F.max_pool2d(input, kernelSize, stride = kernelSize, padding = 0, dilation = 1, ceilMode = false). */
export function maxPool2d(input: Tensor, kernelSize: IntOr2, stride: IntOr2 | null = null, padding: IntOr2 = 0, dilation: IntOr2 = 1, ceilMode = false): Tensor {
  const [g, shape, planes] = poolGeom('max_pool2d', input, kernelSize, stride, padding, dilation, ceilMode);
  return owning((own) => {
    const y = own(Tensor.empty(shape, 'float32', input.engine));
    if (planes > 0 && g.h * g.w > 0) withGeom(input.engine, g, (gp) => input.engine.k.f32_maxpool2d__wasmsimd(gp, planes, input.ptr, y.ptr));
    return y;
  });
}

/** F.avg_pool2d(input, kernelSize, stride = kernelSize, padding = 0, ceilMode = false, countIncludePad = true, divisorOverride = null). */
export function avgPool2d(
  input: Tensor, kernelSize: IntOr2, stride: IntOr2 | null = null, padding: IntOr2 = 0,
  ceilMode = false, countIncludePad = true, divisorOverride: number | null = null,
): Tensor {
  if (divisorOverride != null) throw new ArgumentError(`avg_pool2d: divisor_override is not supported, got ${divisorOverride}, expected null`);
  const [g, shape, planes] = poolGeom('avg_pool2d', input, kernelSize, stride, padding, 1, ceilMode);
  return owning((own) => {
    const y = own(Tensor.empty(shape, 'float32', input.engine));
    if (planes > 0 && g.h * g.w > 0) withGeom(input.engine, g, (gp) => input.engine.k.f32_avgpool2d__wasmsimd(gp, planes, countIncludePad ? 1 : 0, input.ptr, y.ptr));
    return y;
  });
}

/** F.adaptive_avg_pool2d(input, outputSize): only outputSize 1 / [1, 1] (the global mean over H x W). */
export function adaptiveAvgPool2d(input: Tensor, outputSize: IntOr2 | readonly (number | null)[]): Tensor {
  const op = 'adaptive_avg_pool2d';
  const ok = outputSize === 1 || (Array.isArray(outputSize) && outputSize.length === 2 && outputSize.every((d) => d === 1));
  if (!ok) throw new ArgumentError(`${op}: only output_size 1 or [1, 1] is supported, got ${JSON.stringify(outputSize)}`);
  expectTensor(op, 'input', input);
  expectRank(op, 'input', input, [3, 4]);
  const [h, w] = input.shape.slice(-2);
  if (h * w === 0) throw new ShapeError(`${op}: input of shape ${fmtShape(input.shape)} has an empty plane`);
  const planes = input.shape.slice(0, -2).reduce((a, b) => a * b, 1);
  const y = Tensor.empty([...input.shape.slice(0, -2), 1, 1], 'float32', input.engine);
  if (planes > 0) input.engine.k.f32_gavgpool_cw__wasmsimd(planes, h * w, input.ptr, y.ptr);
  return y;
}
