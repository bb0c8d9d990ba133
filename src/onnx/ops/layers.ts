/**
 * ONNX layer ops: pooling (MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool), normalisation
 * (InstanceNormalization, GroupNormalization), ConvTranspose, Resize and Upsample. Each maps its
 * attributes onto the src/ops function the torch front end calls too (one kernel, two front ends):
 * ONNX pads [x1_begin, x2_begin, ..., x1_end, x2_end, ...] become per-axis begin/end pads,
 * auto_pad SAME_UPPER / SAME_LOWER / VALID is resolved against the input shape at run time.
 */
import type { Dim, OnnxNode, OpDef, OpTable, ValueType } from '../node.js';
import { Tensor } from '../../tensor.js';
import { globalPool, poolOutSize, poolWindowed, type PoolWindow } from '../../ops/pool.js';
import { ConvTransposeWeights, convTranspose3dRun, convTransposeFull, convTransposeRun, type ConvTranspose3dGeom, type ConvTransposeGeom } from '../../ops/conv-transpose.js';
import { groupNorm, instanceNorm } from '../../ops/groupnorm.js';
import { cubicTaps, identityTaps, linearTaps, nearestTaps, resample, type AxisTaps, type Coord } from '../../ops/interpolate.js';

// ---------------------------------------------------------------------------------------------
// Shared attribute handling of windowed ops (pools, ConvTranspose)

type AutoPad = 'NOTSET' | 'SAME_UPPER' | 'SAME_LOWER' | 'VALID';

function autoPad(node: OnnxNode): AutoPad {
  const a = node.string('auto_pad', 'NOTSET');
  if (a !== 'NOTSET' && a !== 'SAME_UPPER' && a !== 'SAME_LOWER' && a !== 'VALID') {
    throw node.error(`auto_pad must be NOTSET, SAME_UPPER, SAME_LOWER or VALID, got ${JSON.stringify(a)}`);
  }
  return a;
}

/** An ints attribute of `n` entries >= min (default `fill` each). */
function intsOf(node: OnnxNode, name: string, n: number, fill: number, min: number): number[] {
  const v = node.ints(name, Array(n).fill(fill));
  if (v.length !== n || !v.every((d) => Number.isInteger(d) && d >= min)) {
    throw node.error(`attribute ${name} must hold ${n} integers >= ${min}, got ${JSON.stringify(v)}`);
  }
  return v;
}

/** kernel_shape, checked: 1 to `maxDims` spatial dims (pools: 3; ConvTranspose: 2). */
function kernelShape(node: OnnxNode, maxDims = 3): number[] {
  const k = node.ints('kernel_shape');
  if (k.length < 1 || k.length > maxDims) throw node.error(`only 1-D to ${maxDims}-D windows are supported, got kernel_shape ${JSON.stringify(k)}`);
  if (!k.every((d) => Number.isInteger(d) && d >= 1)) throw node.error(`kernel_shape must hold integers >= 1, got ${JSON.stringify(k)}`);
  return k;
}

/** Checks every window attribute of a pooling node (at load); storage_order matters only for MaxPool's Indices. */
function checkPool(node: OnnxNode, avg: boolean): void {
  const nd = kernelShape(node).length;
  autoPad(node);
  intsOf(node, 'strides', nd, 1, 1);
  intsOf(node, 'pads', 2 * nd, 0, 0);
  const d = intsOf(node, 'dilations', nd, 1, 1);
  if (avg && d.some((v) => v !== 1)) throw node.error(`AveragePool supports dilations of 1 only, got ${JSON.stringify(d)}`);
  const ceil = node.int('ceil_mode', 0);
  if (ceil !== 0 && ceil !== 1) throw node.error(`ceil_mode must be 0 or 1, got ${ceil}`);
  const so = node.int('storage_order', 0);
  if (so !== 0 && so !== 1) throw node.error(`storage_order must be 0 or 1, got ${so}`);
  if (avg) {
    const cip = node.int('count_include_pad', 0);
    if (cip !== 0 && cip !== 1) throw node.error(`count_include_pad must be 0 or 1, got ${cip}`);
  }
}

/** The window of a pooling node for an input with spatial sizes `sizes`, auto_pad resolved. */
function poolWindow(node: OnnxNode, sizes: readonly number[]): PoolWindow {
  const kernel = kernelShape(node);
  const nd = kernel.length;
  const stride = intsOf(node, 'strides', nd, 1, 1);
  const dilation = intsOf(node, 'dilations', nd, 1, 1);
  const pads = intsOf(node, 'pads', 2 * nd, 0, 0);
  let padBegin = pads.slice(0, nd);
  let padEnd = pads.slice(nd);
  let ceilMode = node.int('ceil_mode', 0) === 1;
  const ap = autoPad(node);
  if (ap === 'VALID') {
    padBegin = padEnd = Array(nd).fill(0);
    ceilMode = false;
  } else if (ap !== 'NOTSET') {
    const total = sizes.map((n, i) => Math.max(0, (Math.ceil(n / stride[i]) - 1) * stride[i] + (kernel[i] - 1) * dilation[i] + 1 - n));
    const small = total.map((t) => Math.floor(t / 2));
    padBegin = ap === 'SAME_UPPER' ? small : total.map((t, i) => t - small[i]);
    padEnd = total.map((t, i) => t - padBegin[i]);
    ceilMode = false;
  }
  return { kernel, stride, dilation, padBegin, padEnd, ceilMode };
}

const isNum = (d: Dim): d is number => typeof d === 'number';

/** Output type of a pool: N, C kept, spatial dims by the window rule when known. */
function inferPool(node: OnnxNode, inputs: (ValueType | null)[]): ValueType[] {
  const t = inputs[0];
  if (!t || !t.shape) return [{ dtype: t?.dtype ?? 'float32', shape: null }];
  const nd = kernelShape(node).length;
  const spatial = t.shape.slice(t.shape.length - nd);
  if (!spatial.every(isNum)) return [{ dtype: t.dtype, shape: [...t.shape.slice(0, t.shape.length - nd), ...spatial.map((_, i) => `${node.outputs[0]}_d${i}`)] }];
  const w = poolWindow(node, spatial);
  const out = spatial.map((n, i) => poolOutSize(n, w.kernel[i], w.stride[i], w.padBegin[i], w.padEnd[i], w.dilation[i], w.ceilMode));
  return [{ dtype: t.dtype, shape: [...t.shape.slice(0, t.shape.length - nd), ...out] }];
}

function input0(node: OnnxNode, inputs: (Tensor | null)[]): Tensor {
  const x = inputs[0];
  if (!x) throw node.error('input X is required');
  return x;
}

/**
 * MaxPool's optional Indices output (int64): for each output, the flat index into X of the first
 * tap (row-major window order) holding the maximum; storage_order 0 indexes a plane row-major
 * (h*W + w), 1 column-major (w*H + h), plus the plane offset (n*C + c)*H*W. 1-D and 2-D windows.
 */
function maxPoolIndices(node: OnnxNode, x: Tensor, y: Tensor, win: PoolWindow): Tensor {
  const nd = win.kernel.length;
  if (nd > 2) throw node.error('the Indices output is supported for 1-D and 2-D windows only');
  const at = (v: number[], i: number, fill: number) => (nd === 2 ? v[i] : i === 0 ? fill : v[0]);
  const [kh, kw, sh, sw, ph, pw, dh, dw] = [at(win.kernel, 0, 1), at(win.kernel, 1, 1), at(win.stride, 0, 1), at(win.stride, 1, 1), at(win.padBegin, 0, 0), at(win.padBegin, 1, 0), at(win.dilation, 0, 1), at(win.dilation, 1, 1)];
  const h = nd === 2 ? x.shape[x.ndim - 2] : 1;
  const w = x.shape[x.ndim - 1];
  const oh = nd === 2 ? y.shape[y.ndim - 2] : 1;
  const ow = y.shape[y.ndim - 1];
  const colMajor = node.int('storage_order', 0) === 1;
  const xs = x.toFloat32Array();
  const ys = y.toFloat32Array();
  const idx = new BigInt64Array(ys.length);
  const planes = ys.length / (oh * ow);
  for (let p = 0; p < planes; p++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        const o = (p * oh + oy) * ow + ox;
        let found = -1;
        for (let ky = 0; ky < kh && found < 0; ky++) {
          const iy = oy * sh - ph + ky * dh;
          if (iy < 0 || iy >= h) continue;
          for (let kx = 0; kx < kw; kx++) {
            const ix = ox * sw - pw + kx * dw;
            if (ix < 0 || ix >= w) continue;
            const v = xs[(p * h + iy) * w + ix];
            if (v === ys[o] || (Number.isNaN(v) && Number.isNaN(ys[o]))) {
              found = p * h * w + (colMajor ? ix * h + iy : iy * w + ix);
              break;
            }
          }
        }
        idx[o] = BigInt(found);
      }
    }
  }
  return Tensor.from(idx, y.shape, 'int64', x.engine);
}

const MaxPool: OpDef = {
  check(node) {
    checkPool(node, false);
    if (node.outputs[1] && kernelShape(node).length > 2) throw node.error('the Indices output is supported for 1-D and 2-D windows only');
  },
  infer(node, inputs) {
    const [t] = inferPool(node, inputs);
    return node.outputs[1] ? [t, { dtype: 'int64', shape: t.shape }] : [t];
  },
  run(node, inputs) {
    const x = input0(node, inputs);
    const nd = kernelShape(node).length;
    const win = poolWindow(node, x.shape.slice(x.ndim - nd));
    const y = poolWindowed(node.label, 'max', x, win);
    if (!node.outputs[1]) return [y];
    try {
      return [y, maxPoolIndices(node, x, y, win)];
    } catch (e) {
      y.dispose();
      throw e;
    }
  },
};

const AveragePool: OpDef = {
  check: (node) => checkPool(node, true),
  infer: (node, inputs) => inferPool(node, inputs),
  run(node, inputs) {
    const x = input0(node, inputs);
    const nd = kernelShape(node).length;
    return [poolWindowed(node.label, 'avg', x, poolWindow(node, x.shape.slice(x.ndim - nd)), node.int('count_include_pad', 0) === 1)];
  },
};

function inferGlobal(inputs: (ValueType | null)[]): ValueType[] {
  const t = inputs[0];
  if (!t || !t.shape) return [{ dtype: t?.dtype ?? 'float32', shape: null }];
  return [{ dtype: t.dtype, shape: t.shape.map((d, i) => (i < 2 ? d : 1)) }];
}

const GlobalAveragePool: OpDef = {
  infer: (_node, inputs) => inferGlobal(inputs),
  run: (node, inputs) => [globalPool(node.label, 'avg', input0(node, inputs))],
};

const GlobalMaxPool: OpDef = {
  infer: (_node, inputs) => inferGlobal(inputs),
  run: (node, inputs) => [globalPool(node.label, 'max', input0(node, inputs))],
};

// ---------------------------------------------------------------------------------------------
// ConvTranspose

/** Splits a total padding as the ONNX spec does: SAME_UPPER puts the smaller half first, otherwise the larger. */
function splitPad(total: number, ap: AutoPad): [number, number] {
  const half = Math.floor(total / 2);
  const begin = ap === 'SAME_UPPER' ? half : total - half;
  return [begin, total - begin];
}

function checkConvTranspose(node: OnnxNode): void {
  autoPad(node);
  const g = node.int('group', 1);
  if (!Number.isInteger(g) || g < 1) throw node.error(`group must be an integer >= 1, got ${g}`);
  if (node.has('kernel_shape')) kernelShape(node, 3);
}

/** The per-axis geometry of a ConvTranspose node for an input of spatial sizes `sizes` and kernel `k` (one entry per spatial dim). */
function convTransposeAxes(node: OnnxNode, sizes: readonly number[], k: number[]): ConvTranspose3dGeom {
  const nd = k.length;
  const stride = intsOf(node, 'strides', nd, 1, 1);
  const dilation = intsOf(node, 'dilations', nd, 1, 1);
  const outPad = intsOf(node, 'output_padding', nd, 0, 0);
  const pads = node.ints('pads', Array(2 * nd).fill(0));
  if (pads.length !== 2 * nd || !pads.every(Number.isInteger)) throw node.error(`pads must hold ${2 * nd} integers, got ${JSON.stringify(pads)}`);
  if (node.has('kernel_shape') && JSON.stringify(node.ints('kernel_shape')) !== JSON.stringify(k)) {
    throw node.error(`kernel_shape ${JSON.stringify(node.ints('kernel_shape'))} does not match the weight's kernel ${JSON.stringify(k)}`);
  }
  const full = sizes.map((n, i) => convTransposeFull(n, k[i], stride[i], dilation[i]) + outPad[i]);
  const ap = autoPad(node);
  let begin: number[];
  let out: number[];
  if (node.has('output_shape') || ap === 'SAME_UPPER' || ap === 'SAME_LOWER') {
    const os = node.has('output_shape') ? node.ints('output_shape').slice(-nd) : sizes.map((n, i) => n * stride[i]);
    if (os.length !== nd || !os.every((d) => Number.isInteger(d) && d >= 1)) throw node.error(`output_shape must end with ${nd} sizes >= 1, got ${JSON.stringify(node.ints('output_shape'))}`);
    begin = os.map((o, i) => splitPad(full[i] - o, ap)[0]);
    out = os;
  } else {
    begin = ap === 'VALID' ? Array(nd).fill(0) : pads.slice(0, nd);
    const end = ap === 'VALID' ? Array(nd).fill(0) : pads.slice(nd);
    out = full.map((f, i) => f - begin[i] - end[i]);
  }
  return { stride, dilation, padBegin: begin, out };
}

/** The same for 1-D / 2-D as the [h, w] pairs convTransposeRun takes (1-D: h = 1). */
function convTransposeGeom(node: OnnxNode, sizes: readonly number[], kh: number, kw: number, nd: 1 | 2): ConvTransposeGeom {
  const a = convTransposeAxes(node, sizes, nd === 2 ? [kh, kw] : [kw]);
  const two = (v: number[], fill: number): [number, number] => (nd === 2 ? [v[0], v[1]] : [fill, v[0]]);
  return { stride: two(a.stride, 1), dilation: two(a.dilation, 1), padBegin: two(a.padBegin, 0), out: two(a.out, 1) };
}

function spatialDims(node: OnnxNode, w: Tensor): 1 | 2 | 3 {
  if (w.ndim < 3 || w.ndim > 5) throw node.error(`only 1-D, 2-D and 3-D transposed convolutions are supported, got a weight of shape [${w.shape}]`);
  return (w.ndim - 2) as 1 | 2 | 3;
}

function runConvTranspose3d(node: OnnxNode, x: Tensor, wt: Tensor, bias: Tensor | null): Tensor {
  if (x.ndim !== 5) throw node.error(`input X must have 5 dims [N, C, D, H, W], got shape [${x.shape}]`);
  return convTranspose3dRun(node.label, x, wt, bias, node.int('group', 1), convTransposeAxes(node, x.shape.slice(2), wt.shape.slice(2)));
}

function runConvTranspose(node: OnnxNode, x: Tensor, w: ConvTransposeWeights, nd: 1 | 2, bias: Tensor | null): Tensor {
  if (x.ndim !== nd + 2) throw node.error(`input X must have ${nd + 2} dims [N, C, ...], got shape [${x.shape}]`);
  return convTransposeRun(node.label, nd, x, w, bias, convTransposeGeom(node, x.shape.slice(2), w.kh, w.kw, nd));
}

const ConvTranspose: OpDef = {
  check: (node) => checkConvTranspose(node),
  infer(node, inputs) {
    const [x, w] = inputs;
    const dtype = x?.dtype ?? 'float32';
    if (!x?.shape || !w?.shape || w.shape.length < 3 || w.shape.length > 5 || x.shape.length !== w.shape.length) return [{ dtype, shape: null }];
    const cout = w.shape[1];
    const k = w.shape.slice(2);
    const sizes = x.shape.slice(2);
    const c = isNum(cout) ? cout * node.int('group', 1) : `${node.outputs[0]}_c`;
    if (!sizes.every(isNum) || !k.every(isNum)) return [{ dtype, shape: [x.shape[0], c, ...sizes.map((_, i) => `${node.outputs[0]}_d${i}`)] }];
    return [{ dtype, shape: [x.shape[0], c, ...convTransposeAxes(node, sizes, k).out] }];
  },
  run(node, inputs) {
    const x = input0(node, inputs);
    const wt = inputs[1];
    if (!wt) throw node.error('input W is required');
    const nd = spatialDims(node, wt);
    if (nd === 3) return [runConvTranspose3d(node, x, wt, inputs[2] ?? null)];
    const w = ConvTransposeWeights.from(node.label, wt, node.int('group', 1), nd);
    try {
      return [runConvTranspose(node, x, w, nd, inputs[2] ?? null)];
    } finally {
      w.dispose();
    }
  },
  prepare(node, consts) {
    const wt = consts[1];
    if (!wt) return null;
    const nd = spatialDims(node, wt);
    if (nd === 3) return null;
    const w = ConvTransposeWeights.from(node.label, wt, node.int('group', 1), nd);
    return {
      run: (inputs) => [runConvTranspose(node, input0(node, inputs), w, nd, inputs[2] ?? null)],
      dispose: () => w.dispose(),
    };
  },
};

// ---------------------------------------------------------------------------------------------
// Resize (opset 10, 11, 13, 18) and Upsample (7, 9)

/** The values of an optional 1-D input (scales, sizes, roi) as numbers; null when absent or empty. */
function values(t: Tensor | null | undefined): number[] | null {
  if (!t || t.numel === 0) return null;
  return Array.from(t.toFloat32Array());
}

interface ResizeSpec {
  mode: 'nearest' | 'linear' | 'cubic';
  coordMode: string;
  nearestMode: string;
  cubicA: number;
  excludeOutside: boolean;
  extrapolation: number;
}

const COORD_MODES = ['half_pixel', 'pytorch_half_pixel', 'align_corners', 'asymmetric', 'tf_half_pixel_for_nn', 'tf_crop_and_resize'];
const NEAREST_MODES = ['round_prefer_floor', 'round_prefer_ceil', 'floor', 'ceil'];

/** The interpolation attributes of a Resize (opset >= 11) or of an Upsample / Resize-10 (asymmetric, floor). */
function resizeSpec(node: OnnxNode, opset: number): ResizeSpec {
  const modern = node.opType === 'Resize' && opset >= 11;
  const raw = node.string('mode', 'nearest');
  const mode = raw === 'bilinear' && !modern ? 'linear' : raw;
  if (mode !== 'nearest' && mode !== 'linear' && (mode !== 'cubic' || !modern)) throw node.error(`mode must be nearest, linear${modern ? ' or cubic' : ''}, got ${JSON.stringify(raw)}`);
  const coordMode = modern ? node.string('coordinate_transformation_mode', 'half_pixel') : 'asymmetric';
  if (!COORD_MODES.includes(coordMode)) throw node.error(`coordinate_transformation_mode ${JSON.stringify(coordMode)} is not supported, expected one of ${COORD_MODES.join(', ')}`);
  const nearestMode = modern ? node.string('nearest_mode', 'round_prefer_floor') : 'floor';
  if (!NEAREST_MODES.includes(nearestMode)) throw node.error(`nearest_mode must be one of ${NEAREST_MODES.join(', ')}, got ${JSON.stringify(nearestMode)}`);
  if (node.int('antialias', 0) !== 0) throw node.error('antialias=1 is not supported, expected 0');
  const policy = node.string('keep_aspect_ratio_policy', 'stretch');
  if (!['stretch', 'not_larger', 'not_smaller'].includes(policy)) throw node.error(`keep_aspect_ratio_policy must be stretch, not_larger or not_smaller, got ${JSON.stringify(policy)}`);
  return {
    mode: mode as ResizeSpec['mode'], coordMode, nearestMode,
    cubicA: node.float('cubic_coeff_a', -0.75), excludeOutside: node.int('exclude_outside', 0) === 1, extrapolation: node.float('extrapolation_value', 0),
  };
}

/** Where the inputs are: Resize-10 (X, scales), Resize-11+ (X, roi, scales, sizes), Upsample-9 (X, scales), Upsample-7 (attribute). */
function resizeInputs(node: OnnxNode, opset: number, inputs: (Tensor | null)[]): { roi: number[] | null; scales: number[] | null; sizes: number[] | null } {
  if (node.opType === 'Upsample' && opset < 9) return { roi: null, scales: node.floats('scales'), sizes: null };
  if (node.opType === 'Upsample' || opset < 11) return { roi: null, scales: values(inputs[1]), sizes: null };
  return { roi: values(inputs[1]), scales: values(inputs[2]), sizes: values(inputs[3]) };
}

/** Output sizes and per-axis scales of a resize of `shape` (all axes), the axes attribute and keep_aspect_ratio_policy applied. */
function resizePlan(node: OnnxNode, shape: readonly number[], scalesIn: number[] | null, sizesIn: number[] | null, roiIn: number[] | null): { out: number[]; scale: number[]; roi: number[] } {
  const r = shape.length;
  const axes = node.has('axes') ? node.ints('axes').map((a) => (a < 0 ? a + r : a)) : Array.from({ length: r }, (_, i) => i);
  if (!axes.every((a) => a >= 0 && a < r)) throw node.error(`axes ${JSON.stringify(node.ints('axes'))} out of range for rank ${r}`);
  const out = shape.slice();
  const scale = Array(r).fill(1);
  const roi = [...Array(r).fill(0), ...Array(r).fill(1)];
  if (roiIn) {
    if (roiIn.length !== 2 * axes.length) throw node.error(`roi must hold ${2 * axes.length} values, got ${roiIn.length}`);
    axes.forEach((a, i) => { roi[a] = roiIn[i]; roi[r + a] = roiIn[axes.length + i]; });
  }
  if (sizesIn) {
    if (scalesIn) throw node.error('only one of scales and sizes may be given');
    if (sizesIn.length !== axes.length || !sizesIn.every((d) => Number.isInteger(d) && d >= 1)) throw node.error(`sizes must hold ${axes.length} integers >= 1, got ${JSON.stringify(sizesIn)}`);
    const policy = node.string('keep_aspect_ratio_policy', 'stretch');
    if (policy === 'stretch') {
      axes.forEach((a, i) => { out[a] = sizesIn[i]; scale[a] = sizesIn[i] / shape[a]; });
    } else {
      const ratios = axes.map((a, i) => sizesIn[i] / shape[a]);
      const s = policy === 'not_larger' ? Math.min(...ratios) : Math.max(...ratios);
      for (const a of axes) { out[a] = Math.floor(shape[a] * s + 0.5); scale[a] = s; }
    }
  } else if (scalesIn) {
    if (scalesIn.length !== axes.length || !scalesIn.every((v) => v > 0 && Number.isFinite(v))) throw node.error(`scales must hold ${axes.length} numbers > 0, got ${JSON.stringify(scalesIn)}`);
    axes.forEach((a, i) => { scale[a] = scalesIn[i]; out[a] = Math.floor(shape[a] * (roi[r + a] - roi[a]) * scalesIn[i]); });
  } else {
    throw node.error('one of scales and sizes is required');
  }
  return { out, scale, roi };
}

/**
 * The input coordinate of output index d along an axis of n with scale, per ONNX
 * coordinate_transformation_mode. As the ONNX reference implementation, the modes that divide by
 * the output length use scale * n, which is not an integer when a scale is given (0.8 * 4).
 */
function onnxCoord(mode: string, n: number, scale: number, start: number, end: number): Coord {
  const out = scale * n;
  switch (mode) {
    case 'half_pixel': return (d) => (d + 0.5) / scale - 0.5;
    case 'pytorch_half_pixel': return (d) => (out > 1 ? (d + 0.5) / scale - 0.5 : 0);
    case 'align_corners': return (d) => (out === 1 ? 0 : (d * (n - 1)) / (out - 1));
    case 'asymmetric': return (d) => d / scale;
    case 'tf_half_pixel_for_nn': return (d) => (d + 0.5) / scale;
    default: return (d) => (out > 1 ? start * (n - 1) + (d * (end - start) * (n - 1)) / (out - 1) : 0.5 * (start + end) * (n - 1));
  }
}

const ROUND: Record<string, (x: number) => number> = {
  round_prefer_floor: (x) => Math.ceil(x - 0.5),
  round_prefer_ceil: (x) => Math.floor(x + 0.5),
  floor: Math.floor,
  ceil: Math.ceil,
};

function axisTaps(spec: ResizeSpec, n: number, out: number, scale: number, start: number, end: number): AxisTaps {
  const coord = onnxCoord(spec.coordMode, n, scale, start, end);
  const t = spec.mode === 'nearest' ? nearestTaps(n, out, coord, ROUND[spec.nearestMode])
    : spec.mode === 'linear' ? linearTaps(n, out, coord) : cubicTaps(n, out, coord, spec.cubicA, spec.excludeOutside);
  if (spec.coordMode === 'tf_crop_and_resize') {
    t.outside = new Uint8Array(out);
    for (let i = 0; i < out; i++) {
      const x = coord(i);
      t.outside[i] = x < 0 || x > n - 1 ? 1 : 0;
    }
  }
  return t;
}

function runResize(node: OnnxNode, inputs: (Tensor | null)[], opset: number): Tensor {
  const x = input0(node, inputs);
  const spec = resizeSpec(node, opset);
  const { roi, scales, sizes } = resizeInputs(node, opset, inputs);
  const plan = resizePlan(node, x.shape, scales, sizes, roi);
  const r = x.ndim;
  const nd = Math.min(2, r);
  for (let a = 0; a < r - nd; a++) {
    if (plan.out[a] !== x.shape[a]) throw node.error(`resizing dim ${a} (${x.shape[a]} -> ${plan.out[a]}) is not supported: only the last two dims of [${x.shape}] can be resized`);
  }
  const axes: AxisTaps[] = [];
  for (let a = r - nd; a < r; a++) {
    const n = x.shape[a];
    const same = plan.out[a] === n && plan.scale[a] === 1 && spec.coordMode !== 'tf_crop_and_resize';
    axes.push(same ? identityTaps(n) : axisTaps(spec, n, plan.out[a], plan.scale[a], plan.roi[a], plan.roi[r + a]));
  }
  return resample(node.label, x, axes, spec.extrapolation);
}

const Resize: OpDef = {
  sinceVersion: 10,
  check: (node, ctx) => void resizeSpec(node, ctx.opset),
  infer(node, inputs, consts, ctx) {
    const t = inputs[0];
    const dtype = t?.dtype ?? 'float32';
    const modern = ctx.opset >= 11;
    const params = modern ? [1, 2, 3] : [1];
    if (!t || !t.shape || !t.shape.every(isNum) || params.some((i) => node.input(i) && !consts[i])) return [{ dtype, shape: null }];
    const v = (i: number) => values(consts[i]);
    return [{ dtype, shape: resizePlan(node, t.shape as number[], v(modern ? 2 : 1), modern ? v(3) : null, modern ? v(1) : null).out }];
  },
  run: (node, inputs, ctx) => [runResize(node, inputs, ctx.opset)],
};

const Upsample: OpDef = {
  sinceVersion: 7,
  check: (node, ctx) => void resizeSpec(node, ctx.opset),
  run: (node, inputs, ctx) => [runResize(node, inputs, ctx.opset)],
};

// ---------------------------------------------------------------------------------------------
// InstanceNormalization, GroupNormalization

function sameAsInput(inputs: (ValueType | null)[]): ValueType[] {
  const t = inputs[0];
  return [{ dtype: t?.dtype ?? 'float32', shape: t?.shape ?? null }];
}

const InstanceNormalization: OpDef = {
  infer: (_node, inputs) => sameAsInput(inputs),
  run(node, inputs) {
    const x = input0(node, inputs);
    const [scale, bias] = [inputs[1], inputs[2]];
    if (!scale || !bias) throw node.error('inputs scale and B are required');
    return [instanceNorm(x, null, null, scale, bias, true, 0.1, node.float('epsilon', 1e-5))];
  },
};

/**
 * GroupNormalization-18 (scale and bias per group, as opset 18 specifies: each group's value is
 * applied to its C/G channels) and -21 (per channel).
 */
const GroupNormalization: OpDef = {
  sinceVersion: 18,
  check(node) {
    const g = node.int('num_groups');
    if (!Number.isInteger(g) || g < 1) throw node.error(`num_groups must be an integer >= 1, got ${g}`);
    if (node.int('stash_type', 1) !== 1) throw node.error(`stash_type must be 1 (float32 statistics), got ${node.int('stash_type', 1)}`);
  },
  infer: (_node, inputs) => sameAsInput(inputs),
  run(node, inputs) {
    const x = input0(node, inputs);
    const [scale, bias] = [inputs[1], inputs[2]];
    if (!scale || !bias) throw node.error('inputs scale and bias are required');
    const g = node.int('num_groups');
    if (x.ndim < 2) throw node.error(`input X must be [N, C, ...], got shape [${x.shape}]`);
    const c = x.shape[1];
    const eps = node.float('epsilon', 1e-5);
    if (scale.numel === c && bias.numel === c) return [groupNorm(x, g, scale.reshape([c]), bias.reshape([c]), eps)];
    if (scale.numel !== g || bias.numel !== g || c % g !== 0) throw node.error(`scale and bias must hold num_groups (${g}) or C (${c}) values, got ${scale.numel} and ${bias.numel}`);
    const perChannel = (t: Tensor) => {
      const v = t.toFloat32Array();
      return Tensor.from(Float32Array.from({ length: c }, (_, i) => v[Math.floor(i / (c / g))]), [c], 'float32', x.engine);
    };
    return x.engine.scope(() => [groupNorm(x, g, perChannel(scale), perChannel(bias), eps)]);
  },
};

export const layerOps: OpTable = {
  InstanceNormalization,
  GroupNormalization,
  Resize,
  Upsample,
  ConvTranspose,
  MaxPool,
  AveragePool,
  GlobalAveragePool,
  GlobalMaxPool,
};
