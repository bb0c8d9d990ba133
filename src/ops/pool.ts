/**
 * Pooling over the last 1 or 2 dims (NCL / NCHW, PyTorch semantics), shared by the torch front
 * end (F.max_pool1d/2d, F.avg_pool1d/2d, F.adaptive_*) and ONNX (MaxPool, AveragePool,
 * GlobalAveragePool, GlobalMaxPool).
 *
 * One wasm call per tensor covering every plane. A 1-D pool is a 2-D pool of height 1. Windows
 * may pad asymmetrically (ONNX pads [begin..., end...]): the kernels take the top/left padding and
 * treat every tap outside the input as padding (never selected by max); the average's divisor
 * counts the padding up to the end pad (torch: end pad = begin pad). Output sizes follow
 * PyTorch's rule, ceil mode included (shared/golden/README.md).
 * Adaptive pools use torch's windows [floor(i*n/o), ceil((i+1)*n/o)) for ANY output size.
 */
import { Tensor } from '../tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../runtime/errors.js';
import { expectRank, expectTensor } from './check.js';
import { pair, withGeom } from './conv-geom.js';
import { owning } from './own.js';

type IntOr2 = number | readonly number[];
type IntOrList = number | readonly number[];

/** A resolved window over the last `kernel.length` dims (1 or 2), per axis. */
export interface PoolWindow {
  kernel: number[];
  stride: number[];
  dilation: number[];
  padBegin: number[];
  padEnd: number[];
  ceilMode: boolean;
}

/**
 * Output size of one axis: floor((n + pb + pe - d(k-1) - 1 + (ceil ? s-1 : 0)) / s) + 1, then
 * with ceil mode one less if the last window would start past the input and its begin padding.
 */
export function poolOutSize(n: number, k: number, s: number, pb: number, pe: number, d: number, ceil: boolean): number {
  let o = Math.floor((n + pb + pe - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (o - 1) * s >= n + pb) o -= 1;
  return o;
}

const prod = (a: readonly number[]) => a.reduce((p, d) => p * d, 1);

/**
 * Runs a max or average pool of `win` over the trailing 1, 2 or 3 dims of x (any leading dims).
 * A 3-D window is separable: the (H, W) pool of every depth slice, then the depth pool as a
 * (kd x 1) pool over [D, H'*W'] planes (the max of maxes, and the average of averages since
 * both divisors are products of per-axis counts). Max pooling of a uint8 input runs on a float32
 * copy (exact) and returns uint8.
 */
export function poolWindowed(op: string, kind: 'max' | 'avg', x: Tensor, win: PoolWindow, countIncludePad = true): Tensor {
  if (kind === 'max' && x instanceof Tensor && x.dtype === 'uint8') {
    return x.engine.scope(() => {
      const yf = poolWindowed(op, kind, Tensor.from(x.toFloat32Array(), x.shape, 'float32', x.engine), win, countIncludePad);
      return Tensor.from(yf.toFloat32Array(), yf.shape, 'uint8', x.engine);
    });
  }
  expectTensor(op, 'input', x);
  const nd = win.kernel.length;
  if (nd === 3) return pool3d(op, kind, x, win, countIncludePad);
  if (nd !== 1 && nd !== 2) throw new ArgumentError(`${op}: only 1-D, 2-D and 3-D pooling are supported, got a ${nd}-D window`);
  if (x.ndim < nd + 1) throw new ShapeError(`${op}: input must have at least ${nd + 1} dims, got shape ${fmtShape(x.shape)}`);
  const at = (v: number[], i: number, fill: number) => (nd === 2 ? v[i] : i === 0 ? fill : v[0]);
  const h = nd === 2 ? x.shape[x.ndim - 2] : 1;
  const w = x.shape[x.ndim - 1];
  const g = {
    h, w, oh: 0, ow: 0,
    kh: at(win.kernel, 0, 1), kw: at(win.kernel, 1, 1), sh: at(win.stride, 0, 1), sw: at(win.stride, 1, 1),
    ph: at(win.padBegin, 0, 0), pw: at(win.padBegin, 1, 0), dh: at(win.dilation, 0, 1), dw: at(win.dilation, 1, 1),
  };
  const peh = at(win.padEnd, 0, 0), pew = at(win.padEnd, 1, 0);
  for (const [name, v, min] of [['kernel_size', [g.kh, g.kw], 1], ['stride', [g.sh, g.sw], 1], ['dilation', [g.dh, g.dw], 1], ['padding', [g.ph, g.pw, peh, pew], 0]] as const) {
    if (!v.every((d) => Number.isInteger(d) && d >= min)) throw new ArgumentError(`${op}: ${name} must be integers >= ${min}, got ${JSON.stringify(v)}`);
  }
  if (kind === 'avg' && (g.dh !== 1 || g.dw !== 1)) throw new ArgumentError(`${op}: average pooling supports dilation 1 only, got ${JSON.stringify(win.dilation)}`);
  g.oh = poolOutSize(h, g.kh, g.sh, g.ph, peh, g.dh, win.ceilMode);
  g.ow = poolOutSize(w, g.kw, g.sw, g.pw, pew, g.dw, win.ceilMode);
  if (g.oh < 1 || g.ow < 1) {
    throw new ShapeError(`${op}: input of shape ${fmtShape(x.shape)} is too small for the window: output size would be ${nd === 2 ? `${g.oh}x${g.ow}` : g.ow}`);
  }
  const lead = x.shape.slice(0, x.ndim - nd);
  const planes = prod(lead);
  return owning((own) => {
    const y = own(Tensor.empty([...lead, ...(nd === 2 ? [g.oh, g.ow] : [g.ow])], 'float32', x.engine));
    if (planes === 0 || h * w === 0) return y;
    const k = x.engine.k;
    withGeom(x.engine, g, (gp) => {
      if (kind === 'max') k.f32_maxpool2d__wasmsimd(gp, planes, x.ptr, y.ptr);
      else k.f32_avgpool2d__wasmsimd(gp, planes, countIncludePad ? 1 : 0, peh, pew, x.ptr, y.ptr);
    });
    return y;
  });
}

function pool3d(op: string, kind: 'max' | 'avg', x: Tensor, win: PoolWindow, countIncludePad: boolean): Tensor {
  if (x.ndim < 4) throw new ShapeError(`${op}: input must have at least 4 dims for a 3-D window, got shape ${fmtShape(x.shape)}`);
  const axis = (v: number[], from: number, n: number) => v.slice(from, from + n);
  const hw: PoolWindow = {
    kernel: axis(win.kernel, 1, 2), stride: axis(win.stride, 1, 2), dilation: axis(win.dilation, 1, 2),
    padBegin: axis(win.padBegin, 1, 2), padEnd: axis(win.padEnd, 1, 2), ceilMode: win.ceilMode,
  };
  const depth: PoolWindow = {
    kernel: [win.kernel[0], 1], stride: [win.stride[0], 1], dilation: [win.dilation[0], 1],
    padBegin: [win.padBegin[0], 0], padEnd: [win.padEnd[0], 0], ceilMode: win.ceilMode,
  };
  // The scope frees the intermediates (the result, a view of y2, keeps y2's memory).
  return x.engine.scope(() => {
    const y1 = poolWindowed(op, kind, x, hw, countIncludePad);
    const [oh, ow] = y1.shape.slice(-2);
    const y2 = poolWindowed(op, kind, y1.reshape([...y1.shape.slice(0, -2), oh * ow]), depth, countIncludePad);
    return y2.reshape([...y2.shape.slice(0, -1), oh, ow]);
  });
}

/** Torch's window arguments for `dims` spatial dims, checked as torch does (pad <= kernel/2). */
function torchWindow(op: string, x: Tensor, dims: 1 | 2, kernelSize: IntOr2, stride: IntOr2 | null | undefined, padding: IntOr2, dilation: IntOr2, ceilMode: boolean): PoolWindow {
  expectTensor(op, 'input', x);
  expectRank(op, 'input', x, [dims + 1, dims + 2]);
  const pick = (v: [number, number]) => (dims === 2 ? v : [v[1]]);
  const k = pair(op, 'kernel_size', kernelSize, 1, dims);
  const noStride = stride == null || (Array.isArray(stride) && stride.length === 0);
  const s = noStride ? k : pair(op, 'stride', stride, 1, dims);
  const p = pair(op, 'padding', padding, 0, dims);
  const d = pair(op, 'dilation', dilation, 1, dims);
  const pp = pick(p);
  const kk = pick(k);
  if (pp.some((v, i) => v > Math.floor(kk[i] / 2))) {
    throw new ArgumentError(`${op}: pad should be at most half of kernel size, got padding ${JSON.stringify(pp)} for kernel_size ${JSON.stringify(kk)}`);
  }
  return { kernel: kk, stride: pick(s), dilation: pick(d), padBegin: pp, padEnd: pp, ceilMode };
}

function noIndices(op: string, returnIndices: boolean): void {
  if (returnIndices) throw new ArgumentError(`${op}: return_indices=true is not supported, expected false`);
}

/** F.max_pool2d(input, kernelSize, stride = kernelSize, padding = 0, dilation = 1, ceilMode = false). */
export function maxPool2d(input: Tensor, kernelSize: IntOr2, stride: IntOr2 | null = null, padding: IntOr2 = 0, dilation: IntOr2 = 1, ceilMode = false, returnIndices = false): Tensor {
  noIndices('max_pool2d', returnIndices);
  return poolWindowed('max_pool2d', 'max', input, torchWindow('max_pool2d', input, 2, kernelSize, stride, padding, dilation, ceilMode));
}

/** F.max_pool1d(input, kernelSize, stride = kernelSize, padding = 0, dilation = 1, ceilMode = false): [N, C, L] or [C, L]. */
export function maxPool1d(input: Tensor, kernelSize: IntOrList, stride: IntOrList | null = null, padding: IntOrList = 0, dilation: IntOrList = 1, ceilMode = false, returnIndices = false): Tensor {
  noIndices('max_pool1d', returnIndices);
  return poolWindowed('max_pool1d', 'max', input, torchWindow('max_pool1d', input, 1, kernelSize, stride, padding, dilation, ceilMode));
}

function noDivisor(op: string, divisorOverride: number | null | undefined): void {
  if (divisorOverride != null) throw new ArgumentError(`${op}: divisor_override is not supported, got ${divisorOverride}, expected null`);
}

/** F.avg_pool2d(input, kernelSize, stride = kernelSize, padding = 0, ceilMode = false, countIncludePad = true, divisorOverride = null). */
export function avgPool2d(
  input: Tensor, kernelSize: IntOr2, stride: IntOr2 | null = null, padding: IntOr2 = 0,
  ceilMode = false, countIncludePad = true, divisorOverride: number | null = null,
): Tensor {
  noDivisor('avg_pool2d', divisorOverride);
  return poolWindowed('avg_pool2d', 'avg', input, torchWindow('avg_pool2d', input, 2, kernelSize, stride, padding, 1, ceilMode), countIncludePad);
}

/** F.avg_pool1d(input, kernelSize, stride = kernelSize, padding = 0, ceilMode = false, countIncludePad = true): [N, C, L] or [C, L]. */
export function avgPool1d(input: Tensor, kernelSize: IntOrList, stride: IntOrList | null = null, padding: IntOrList = 0, ceilMode = false, countIncludePad = true): Tensor {
  return poolWindowed('avg_pool1d', 'avg', input, torchWindow('avg_pool1d', input, 1, kernelSize, stride, padding, 1, ceilMode), countIncludePad);
}

/** An adaptive output size: an int, or a list of ints / null (null keeps that input size). */
export type AdaptiveSize = number | null | readonly (number | null)[];

function adaptiveSizes(op: string, outputSize: AdaptiveSize, inSizes: number[]): number[] {
  const dims = inSizes.length;
  const arr = Array.isArray(outputSize) ? outputSize : Array(dims).fill(outputSize);
  const ok = arr.length === dims && arr.every((d) => d === null || (typeof d === 'number' && Number.isInteger(d) && d >= 1)) && (Array.isArray(outputSize) || outputSize !== null);
  if (!ok) throw new ArgumentError(`${op}: output_size must be an integer >= 1 or a list of ${dims} (integers >= 1 or null), got ${JSON.stringify(outputSize)}`);
  return arr.map((d, i) => (d === null ? inSizes[i] : d));
}

/** Adaptive pooling of the trailing `dims` dims of x to `outputSize` (torch's windows). */
function adaptivePool(op: string, kind: 'max' | 'avg', x: Tensor, dims: 1 | 2, outputSize: AdaptiveSize): Tensor {
  expectTensor(op, 'input', x);
  expectRank(op, 'input', x, [dims + 1, dims + 2]);
  const inSizes = x.shape.slice(x.ndim - dims);
  const out = adaptiveSizes(op, outputSize, inSizes);
  if (prod(inSizes) === 0) throw new ShapeError(`${op}: input of shape ${fmtShape(x.shape)} has an empty spatial plane, expected sizes >= 1`);
  const lead = x.shape.slice(0, x.ndim - dims);
  const planes = prod(lead);
  const y = Tensor.empty([...lead, ...out], 'float32', x.engine);
  if (planes === 0) return y;
  const [h, w] = dims === 2 ? inSizes : [1, inSizes[0]];
  const [oh, ow] = dims === 2 ? out : [1, out[0]];
  const k = x.engine.k;
  if (kind === 'avg' && oh === 1 && ow === 1) k.f32_gavgpool_cw__wasmsimd(planes, h * w, x.ptr, y.ptr);
  else if (kind === 'avg') k.f32_adaptive_avgpool2d__scalar(planes, h, w, oh, ow, x.ptr, y.ptr);
  else k.f32_adaptive_maxpool2d__scalar(planes, h, w, oh, ow, x.ptr, y.ptr);
  return y;
}

/** F.adaptive_avg_pool2d(input, outputSize): any output size (int, [h, w], null keeps the input size). */
export function adaptiveAvgPool2d(input: Tensor, outputSize: AdaptiveSize): Tensor {
  return adaptivePool('adaptive_avg_pool2d', 'avg', input, 2, outputSize);
}

/** F.adaptive_avg_pool1d(input, outputSize): [N, C, L] or [C, L]. */
export function adaptiveAvgPool1d(input: Tensor, outputSize: number | readonly number[]): Tensor {
  return adaptivePool('adaptive_avg_pool1d', 'avg', input, 1, outputSize);
}

/** F.adaptive_max_pool2d(input, outputSize, returnIndices = false): any output size. */
export function adaptiveMaxPool2d(input: Tensor, outputSize: AdaptiveSize, returnIndices = false): Tensor {
  noIndices('adaptive_max_pool2d', returnIndices);
  return adaptivePool('adaptive_max_pool2d', 'max', input, 2, outputSize);
}

/** F.adaptive_max_pool1d(input, outputSize, returnIndices = false). */
export function adaptiveMaxPool1d(input: Tensor, outputSize: number | readonly number[], returnIndices = false): Tensor {
  noIndices('adaptive_max_pool1d', returnIndices);
  return adaptivePool('adaptive_max_pool1d', 'max', input, 1, outputSize);
}

/** Global pooling over every dim after the first two ([N, C, ...] -> [N, C, 1, ...]): ONNX GlobalAveragePool / GlobalMaxPool. */
export function globalPool(op: string, kind: 'max' | 'avg', x: Tensor): Tensor {
  expectTensor(op, 'input', x);
  if (x.ndim < 3) throw new ShapeError(`${op}: input must be [N, C, d1, ...] (at least 3 dims), got shape ${fmtShape(x.shape)}`);
  const n = prod(x.shape.slice(2));
  if (n === 0) throw new ShapeError(`${op}: input of shape ${fmtShape(x.shape)} has an empty spatial extent`);
  const planes = x.shape[0] * x.shape[1];
  const y = Tensor.empty([x.shape[0], x.shape[1], ...x.shape.slice(2).map(() => 1)], 'float32', x.engine);
  if (planes === 0) return y;
  if (kind === 'avg') x.engine.k.f32_gavgpool_cw__wasmsimd(planes, n, x.ptr, y.ptr);
  else x.engine.k.f32_adaptive_maxpool2d__scalar(planes, 1, n, 1, 1, x.ptr, y.ptr);
  return y;
}
