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

export const layerOps: OpTable = {
  MaxPool,
  AveragePool,
  GlobalAveragePool,
  GlobalMaxPool,
};
