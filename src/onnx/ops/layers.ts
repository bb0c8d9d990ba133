/**
 * ONNX layer ops: pooling (MaxPool, AveragePool, GlobalAveragePool, GlobalMaxPool), normalisation
 * (InstanceNormalization, GroupNormalization), ConvTranspose, Resize and Upsample. Each maps its
 * attributes onto the src/ops function the torch front end calls too (one kernel, two front ends):
 * ONNX pads [x1_begin, x2_begin, ..., x1_end, x2_end, ...] become per-axis begin/end pads,
 * auto_pad SAME_UPPER / SAME_LOWER / VALID is resolved against the input shape at run time.
 */
import type { Dim, OnnxNode, OpDef, OpTable, ValueType } from '../node.js';
import type { Tensor } from '../../tensor.js';
import { globalPool, poolOutSize, poolWindowed, type PoolWindow } from '../../ops/pool.js';
import { ConvTransposeWeights, convTransposeFull, convTransposeRun, type ConvTransposeGeom } from '../../ops/conv-transpose.js';

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

/** kernel_shape, checked: 1 or 2 spatial dims (what the kernels implement). */
function kernelShape(node: OnnxNode): number[] {
  const k = node.ints('kernel_shape');
  if (k.length < 1 || k.length > 2) throw node.error(`only 1-D and 2-D windows are supported, got kernel_shape ${JSON.stringify(k)}`);
  if (!k.every((d) => Number.isInteger(d) && d >= 1)) throw node.error(`kernel_shape must hold integers >= 1, got ${JSON.stringify(k)}`);
  return k;
}

/** Checks every window attribute of a pooling node (at load). */
function checkPool(node: OnnxNode, avg: boolean): void {
  const nd = kernelShape(node).length;
  autoPad(node);
  intsOf(node, 'strides', nd, 1, 1);
  intsOf(node, 'pads', 2 * nd, 0, 0);
  const d = intsOf(node, 'dilations', nd, 1, 1);
  if (avg && d.some((v) => v !== 1)) throw node.error(`AveragePool supports dilations of 1 only, got ${JSON.stringify(d)}`);
  const ceil = node.int('ceil_mode', 0);
  if (ceil !== 0 && ceil !== 1) throw node.error(`ceil_mode must be 0 or 1, got ${ceil}`);
  if (node.int('storage_order', 0) !== 0) throw node.error('storage_order=1 (column-major indices) is not supported, expected 0');
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

function noIndices(node: OnnxNode): void {
  if (node.outputs[1]) throw node.error('the optional Indices output is not supported');
}

const MaxPool: OpDef = {
  check(node) {
    checkPool(node, false);
    noIndices(node);
  },
  infer: (node, inputs) => inferPool(node, inputs),
  run(node, inputs) {
    const x = input0(node, inputs);
    const nd = kernelShape(node).length;
    return [poolWindowed(node.label, 'max', x, poolWindow(node, x.shape.slice(x.ndim - nd)))];
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
  if (node.has('kernel_shape')) kernelShape(node);
}

/** The geometry of a ConvTranspose node for input x and weight w (spatial dims = w.ndim - 2). */
function convTransposeGeom(node: OnnxNode, x: Tensor, kh: number, kw: number, nd: 1 | 2): ConvTransposeGeom {
  const stride = intsOf(node, 'strides', nd, 1, 1);
  const dilation = intsOf(node, 'dilations', nd, 1, 1);
  const outPad = intsOf(node, 'output_padding', nd, 0, 0);
  const pads = node.ints('pads', Array(2 * nd).fill(0));
  if (pads.length !== 2 * nd || !pads.every(Number.isInteger)) throw node.error(`pads must hold ${2 * nd} integers, got ${JSON.stringify(pads)}`);
  const k = nd === 2 ? [kh, kw] : [kw];
  if (node.has('kernel_shape') && JSON.stringify(node.ints('kernel_shape')) !== JSON.stringify(k)) {
    throw node.error(`kernel_shape ${JSON.stringify(node.ints('kernel_shape'))} does not match the weight's kernel ${JSON.stringify(k)}`);
  }
  const sizes = x.shape.slice(x.ndim - nd);
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
  const two = (v: number[], fill: number): [number, number] => (nd === 2 ? [v[0], v[1]] : [fill, v[0]]);
  return { stride: two(stride, 1), dilation: two(dilation, 1), padBegin: two(begin, 0), out: two(out, 1) };
}

function spatialDims(node: OnnxNode, w: Tensor): 1 | 2 {
  if (w.ndim !== 3 && w.ndim !== 4) throw node.error(`only 1-D and 2-D transposed convolutions are supported, got a weight of shape [${w.shape}]`);
  return (w.ndim - 2) as 1 | 2;
}

function runConvTranspose(node: OnnxNode, x: Tensor, w: ConvTransposeWeights, nd: 1 | 2, bias: Tensor | null): Tensor {
  if (x.ndim !== nd + 2) throw node.error(`input X must have ${nd + 2} dims [N, C, ...], got shape [${x.shape}]`);
  return convTransposeRun(node.label, nd, x, w, bias, convTransposeGeom(node, x, w.kh, w.kw, nd));
}

const ConvTranspose: OpDef = {
  check: (node) => checkConvTranspose(node),
  run(node, inputs) {
    const x = input0(node, inputs);
    const wt = inputs[1];
    if (!wt) throw node.error('input W is required');
    const nd = spatialDims(node, wt);
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
    const w = ConvTransposeWeights.from(node.label, wt, node.int('group', 1), nd);
    return {
      run: (inputs) => [runConvTranspose(node, input0(node, inputs), w, nd, inputs[2] ?? null)],
      dispose: () => w.dispose(),
    };
  },
};

export const layerOps: OpTable = {
  ConvTranspose,
  MaxPool,
  AveragePool,
  GlobalAveragePool,
  GlobalMaxPool,
};
