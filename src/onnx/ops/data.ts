/**
 * ONNX data-movement ops, each mapped onto the src/ops function the torch front end calls too:
 * Transpose, Concat, Split, Slice, Gather, GatherElements, GatherND, Expand, Tile, Pad,
 * DepthToSpace, SpaceToDepth, Trilu, Range, OneHot, Scatter/ScatterElements, ScatterND, EyeLike,
 * NonZero. Every dtype the engine has (float32, int64, int32, bool, uint8) moves bit-exactly.
 * Opset differences handled: Split (split attr < 13, input >= 13, num_outputs at 18), Slice
 * (attrs in opset 1, inputs from 10; negative steps; ONNX clamping), Pad (attrs < 11, inputs from
 * 11, axes at 18; modes constant/reflect/edge/wrap), DepthToSpace mode (11), reductions of
 * ScatterElements/ScatterND (16: add/mul, 18: max/min). Outputs are always new contiguous tensors (never views of
 * an input).
 */
import type { OnnxNode, OpDef, OpTable, ValueType, Dim } from '../node.js';
import { Tensor, normDim, type DType } from '../../tensor.js';
import { SimdnnError } from '../../runtime/errors.js';
import { cat } from '../../ops/cat.js';
import { pad, type PadMode } from '../../ops/pad.js';
import { tril, triu } from '../../ops/tri.js';
import { arange, eye, oneHot } from '../../ops/factories.js';
import { gather, gatherNd, nonzero, scatter, scatterNd, take, type ScatterReduce } from '../../ops/gather.js';
import { depthToSpace, spaceToDepth } from '../../ops/pixel-shuffle.js';
import { broadcastShapes } from '../../ops/binary.js';
import { stepView } from '../../ops/data-common.js';

/** Runs f, re-raising engine errors as OnnxErrors naming the node. */
function named<T>(node: OnnxNode, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof SimdnnError && e.name !== 'OnnxError') throw node.error(e.message);
    throw e;
  }
}

function need(node: OnnxNode, inputs: (Tensor | null)[], i: number, what: string): Tensor {
  const t = inputs[i];
  if (!t) throw node.error(`input ${i} (${what}) is required`);
  return t;
}

/** The values of an int64/int32 tensor input as numbers. */
function ints(node: OnnxNode, t: Tensor, what: string): number[] {
  if (t.dtype !== 'int64' && t.dtype !== 'int32') throw node.error(`${what} must be int64 (or int32), got ${t.dtype}`);
  return Array.from(t.toTypedArray() as ArrayLike<number | bigint>, (v) => Number(v));
}

/** A one-element tensor's value as a number. */
function scalar(node: OnnxNode, t: Tensor, what: string): number {
  if (t.numel !== 1) throw node.error(`${what} must hold one value, got shape [${t.shape.join(', ')}]`);
  return Number((t.toTypedArray() as ArrayLike<number | bigint>)[0]);
}

/** A contiguous copy of view `v` (never sharing an input's memory); disposes `v`. */
function dense(v: Tensor): Tensor {
  try {
    return v.clone();
  } finally {
    v.dispose();
  }
}

const sameType = (_n: OnnxNode, inputs: (ValueType | null)[]): ValueType[] => (inputs[0] ? [{ dtype: inputs[0].dtype, shape: inputs[0].shape }] : []);

const Transpose: OpDef = {
  run(node, [x]) {
    const t = need(node, [x], 0, 'data');
    const perm = node.ints('perm', t.shape.map((_, i) => t.ndim - 1 - i));
    return [named(node, () => dense(t.permute(perm)))];
  },
  infer(node, [x]) {
    if (!x?.shape) return [];
    const s = x.shape;
    const perm = node.ints('perm', s.map((_, i) => s.length - 1 - i));
    return [{ dtype: x.dtype, shape: perm.map((p) => s[p]) }];
  },
};

const Concat: OpDef = {
  check(node) {
    node.int('axis');
  },
  run(node, inputs) {
    const ts = inputs.filter((t): t is Tensor => t !== null);
    return [named(node, () => cat(ts, node.int('axis')))];
  },
  infer(node, inputs) {
    if (inputs.some((t) => !t?.shape)) return [];
    const s = inputs.map((t) => t!.shape!);
    const r = s[0].length;
    const a = node.int('axis') < 0 ? node.int('axis') + r : node.int('axis');
    const shape: Dim[] = s[0].slice();
    let total: Dim = 0;
    for (const x of s) total = typeof total === 'number' && typeof x[a] === 'number' ? total + (x[a] as number) : '?';
    shape[a] = total;
    return [{ dtype: inputs[0]!.dtype, shape }];
  },
};

/** Static dims when all are known numbers, else null. */
function knownShape(t: ValueType | null): number[] | null {
  return t?.shape && t.shape.every((d) => typeof d === 'number') ? (t.shape as number[]) : null;
}

/** Split's piece sizes along `axis` (size n): the split input (13+) or attribute, num_outputs (18), or equal parts. */
function splitSizes(node: OnnxNode, splitInput: Tensor | null, opset: number, n: number, axis: number): number[] {
  const outs = node.outputs.length;
  let sizes: number[] | undefined;
  if (splitInput) sizes = ints(node, splitInput, 'split');
  else if (node.has('split')) sizes = node.ints('split');
  if (!sizes) {
    if (opset >= 18 || node.has('num_outputs')) {
      const k = node.int('num_outputs', outs);
      const size = Math.ceil(n / k);
      sizes = Array.from({ length: k }, (_, i) => Math.max(0, Math.min(size, n - i * size)));
    } else {
      if (n % outs !== 0) throw node.error(`the size ${n} of axis ${axis} does not split evenly into ${outs} outputs`);
      sizes = new Array<number>(outs).fill(n / outs);
    }
  }
  if (sizes.length !== outs) throw node.error(`split has ${sizes.length} sizes for ${outs} outputs`);
  return sizes;
}

const Split: OpDef = {
  run(node, inputs, ctx) {
    const x = need(node, inputs, 0, 'input');
    const axis = named(node, () => normDim('Split', 'axis', node.int('axis', 0), x.ndim));
    const sizes = splitSizes(node, inputs[1], ctx.opset, x.shape[axis], axis);
    const parts = named(node, () => x.split(sizes, axis));
    const outs: Tensor[] = [];
    try {
      for (const p of parts) outs.push(p.clone());
    } catch (e) {
      outs.forEach((t) => t.dispose()); // no output kept when a later copy fails
      throw e;
    } finally {
      parts.forEach((p) => p.dispose());
    }
    return outs;
  },
  infer(node, [x], consts, ctx) {
    const s = knownShape(x);
    if (!s || (node.inputs[1] && !consts[1])) return [];
    const axis = named(node, () => normDim('Split', 'axis', node.int('axis', 0), s.length));
    return splitSizes(node, consts[1], ctx.opset, s[axis], axis).map((k) => ({ dtype: x!.dtype, shape: s.map((d, i) => (i === axis ? k : d)) }));
  },
};

/** ONNX Slice clamping for one axis: the first index and the count. */
function onnxSliceRange(n: number, start: number, end: number, step: number): [number, number] {
  let s = start < 0 ? start + n : start;
  let e = end < 0 ? end + n : end;
  if (step > 0) {
    s = Math.min(Math.max(s, 0), n);
    e = Math.min(Math.max(e, 0), n);
    return [s, Math.max(0, Math.ceil((e - s) / step))];
  }
  s = Math.min(Math.max(s, 0), n - 1);
  e = Math.min(Math.max(e, -1), n - 1);
  return [s, Math.max(0, Math.ceil((s - e) / -step))];
}

/** Per sliced axis of a `shape` input: [dim, first, count, step], from the attributes (opset < 10) or the inputs. */
function sliceAxes(node: OnnxNode, ins: (Tensor | null)[], opset: number, shape: readonly number[]): [number, number, number, number][] {
  let starts: number[];
  let ends: number[];
  let axes: number[] | undefined;
  let steps: number[] | undefined;
  if (opset < 10) {
    starts = node.ints('starts');
    ends = node.ints('ends');
    axes = node.has('axes') ? node.ints('axes') : undefined;
  } else {
    starts = ints(node, need(node, ins, 1, 'starts'), 'starts');
    ends = ints(node, need(node, ins, 2, 'ends'), 'ends');
    axes = ins[3] ? ints(node, ins[3], 'axes') : undefined;
    steps = ins[4] ? ints(node, ins[4], 'steps') : undefined;
  }
  axes ??= starts.map((_, i) => i);
  steps ??= starts.map(() => 1);
  if (ends.length !== starts.length || axes.length !== starts.length || steps.length !== starts.length) {
    throw node.error(`starts, ends, axes and steps must have one entry per sliced axis, got ${starts.length}, ${ends.length}, ${axes.length}, ${steps.length}`);
  }
  return starts.map((st, i) => {
    const d = named(node, () => normDim('Slice', 'axes', axes![i], shape.length));
    if (steps![i] === 0 || !Number.isInteger(steps![i])) throw node.error(`steps[${i}] must be a non-zero integer, got ${steps![i]}`);
    const [first, count] = onnxSliceRange(shape[d], st, ends[i], steps![i]);
    return [d, first, count, steps![i]];
  });
}

const Slice: OpDef = {
  run(node, inputs, ctx) {
    const x = need(node, inputs, 0, 'data');
    const cuts = sliceAxes(node, inputs, ctx.opset, x.shape);
    let v = x.contiguous();
    for (const [d, first, count, step] of cuts) {
      const next = stepView(v, d, first, count, step);
      v.dispose();
      v = next;
    }
    return [dense(v)];
  },
  infer(node, [x], consts, ctx) {
    const s = knownShape(x);
    if (!s || (ctx.opset >= 10 && node.inputs.slice(1).some((n, i) => n && !consts[i + 1]))) return [];
    const shape = s.slice();
    for (const [d, , count] of sliceAxes(node, [null, ...consts.slice(1)], ctx.opset, s)) shape[d] = count;
    return [{ dtype: x!.dtype, shape }];
  },
};

const Gather: OpDef = {
  run(node, inputs) {
    const x = need(node, inputs, 0, 'data');
    return [named(node, () => take(x, node.int('axis', 0), need(node, inputs, 1, 'indices'), 'Gather'))];
  },
  infer(node, [x, idx]) {
    if (!x?.shape || !idx?.shape) return [];
    const a = node.int('axis', 0) < 0 ? node.int('axis', 0) + x.shape.length : node.int('axis', 0);
    return [{ dtype: x.dtype, shape: [...x.shape.slice(0, a), ...idx.shape, ...x.shape.slice(a + 1)] }];
  },
};

const GatherElements: OpDef = {
  run(node, inputs) {
    const x = need(node, inputs, 0, 'data');
    return [named(node, () => gather(x, node.int('axis', 0), need(node, inputs, 1, 'indices')))];
  },
  infer: (_n, [x, idx]) => (x && idx?.shape ? [{ dtype: x.dtype, shape: idx.shape }] : []),
};

const GatherND: OpDef = {
  run(node, inputs) {
    return [named(node, () => gatherNd(need(node, inputs, 0, 'data'), need(node, inputs, 1, 'indices'), node.int('batch_dims', 0)))];
  },
};

const Expand: OpDef = {
  run(node, inputs) {
    const x = need(node, inputs, 0, 'input');
    const shape = ints(node, need(node, inputs, 1, 'shape'), 'shape');
    return [named(node, () => dense(x.expand(broadcastShapes('Expand', x.shape, shape))))];
  },
  infer(node, [x], consts) {
    const s = knownShape(x);
    if (!s || !consts[1]) return [];
    return [{ dtype: x!.dtype, shape: named(node, () => broadcastShapes('Expand', s, ints(node, consts[1]!, 'shape'))) }];
  },
};

function tileRepeats(node: OnnxNode, reps: Tensor, ndim: number): number[] {
  const r = ints(node, reps, 'repeats');
  if (r.length !== ndim) throw node.error(`repeats has ${r.length} entries, expected one per dim of the ${ndim}-d input`);
  return r;
}

const Tile: OpDef = {
  run(node, inputs) {
    const x = need(node, inputs, 0, 'input');
    return [named(node, () => x.repeat(tileRepeats(node, need(node, inputs, 1, 'repeats'), x.ndim)))];
  },
  infer(node, [x], consts) {
    const s = knownShape(x);
    if (!s || !consts[1]) return [];
    const r = tileRepeats(node, consts[1], s.length);
    return [{ dtype: x!.dtype, shape: s.map((d, i) => d * r[i]) }];
  },
};

const PAD_MODES: Record<string, PadMode> = { constant: 'constant', reflect: 'reflect', edge: 'replicate', wrap: 'circular' };

/** Pad's (begin, end) per dim and the constant, from the attributes (opset < 11) or the inputs (axes at 18). */
function padAmounts(node: OnnxNode, ins: (Tensor | null)[], opset: number, ndim: number): { lo: number[]; hi: number[]; value: number } {
  let pads: number[];
  let value = 0;
  let axes = Array.from({ length: ndim }, (_, i) => i);
  if (opset < 11) {
    pads = node.has('pads') ? node.ints('pads') : node.ints('paddings');
    value = node.float('value', 0);
  } else {
    pads = ints(node, need(node, ins, 1, 'pads'), 'pads');
    if (ins[2] && ins[2].numel > 0) value = scalar(node, ins[2], 'constant_value');
    if (ins[3]) axes = ints(node, ins[3], 'axes').map((a) => named(node, () => normDim('Pad', 'axes', a, ndim)));
  }
  if (pads.length !== 2 * axes.length) throw node.error(`pads has ${pads.length} entries, expected ${2 * axes.length} (begin and end per axis)`);
  const lo = new Array<number>(ndim).fill(0);
  const hi = new Array<number>(ndim).fill(0);
  axes.forEach((a, i) => {
    lo[a] = pads[i];
    hi[a] = pads[i + axes.length];
  });
  return { lo, hi, value };
}

const Pad: OpDef = {
  check(node) {
    const m = node.string('mode', 'constant');
    if (!(m in PAD_MODES)) throw node.error(`mode must be constant, reflect, edge or wrap, got ${JSON.stringify(m)}`);
  },
  run(node, inputs, ctx) {
    const x = need(node, inputs, 0, 'data');
    const { lo, hi, value } = padAmounts(node, inputs, ctx.opset, x.ndim);
    // ONNX [b0, b1, .., e0, e1, ..] -> F.pad's (left, right) pairs from the last dim
    const torchPads: number[] = [];
    for (let d = x.ndim - 1; d >= 0; d--) torchPads.push(lo[d], hi[d]);
    return [named(node, () => pad(x, torchPads, PAD_MODES[node.string('mode', 'constant')], value))];
  },
  infer(node, [x], consts, ctx) {
    const s = knownShape(x);
    if (!s || (ctx.opset >= 11 && node.inputs.slice(1).some((n, i) => n && !consts[i + 1]))) return [];
    const { lo, hi } = padAmounts(node, [null, ...consts.slice(1)], ctx.opset, s.length);
    return [{ dtype: x!.dtype, shape: s.map((d, i) => d + lo[i] + hi[i]) }];
  },
};

const DepthToSpace: OpDef = {
  check(node) {
    const m = node.string('mode', 'DCR');
    if (m !== 'DCR' && m !== 'CRD') throw node.error(`mode must be DCR or CRD, got ${JSON.stringify(m)}`);
    node.int('blocksize');
  },
  run(node, inputs) {
    return [named(node, () => depthToSpace(need(node, inputs, 0, 'input'), node.int('blocksize'), node.string('mode', 'DCR') as 'DCR' | 'CRD'))];
  },
  infer(node, [x]) {
    const s = knownShape(x);
    const b = node.int('blocksize');
    return s && s.length === 4 ? [{ dtype: x!.dtype, shape: [s[0], s[1] / (b * b), s[2] * b, s[3] * b] }] : [];
  },
};

const SpaceToDepth: OpDef = {
  check(node) {
    node.int('blocksize');
  },
  run(node, inputs) {
    return [named(node, () => spaceToDepth(need(node, inputs, 0, 'input'), node.int('blocksize')))];
  },
  infer(node, [x]) {
    const s = knownShape(x);
    const b = node.int('blocksize');
    return s && s.length === 4 ? [{ dtype: x!.dtype, shape: [s[0], s[1] * b * b, s[2] / b, s[3] / b] }] : [];
  },
};

const Trilu: OpDef = {
  run(node, inputs) {
    const x = need(node, inputs, 0, 'input');
    const k = inputs[1] ? scalar(node, inputs[1], 'k') : 0;
    return [named(node, () => (node.int('upper', 1) ? triu(x, k) : tril(x, k)))];
  },
  infer: sameType,
};

const Range: OpDef = {
  run(node, inputs) {
    const s = need(node, inputs, 0, 'start');
    const v = [s, need(node, inputs, 1, 'limit'), need(node, inputs, 2, 'delta')].map((t, i) => scalar(node, t, ['start', 'limit', 'delta'][i]));
    return [named(node, () => arange(v[0], v[1], v[2], { dtype: s.dtype, engine: s.engine }))];
  },
  infer(node, [start], consts) {
    if (!start) return [];
    // 1-D; the length only when start, limit and delta are constants (as ONNX: max(ceil((limit - start) / delta), 0))
    if (!consts[0] || !consts[1] || !consts[2]) return [{ dtype: start.dtype, shape: ['?'] }];
    const [a, b, d] = consts.map((t, i) => scalar(node, t!, ['start', 'limit', 'delta'][i]));
    return [{ dtype: start.dtype, shape: [Math.max(0, Math.ceil((b - a) / d))] }];
  },
};

const OneHot: OpDef = {
  run(node, inputs) {
    const idx = need(node, inputs, 0, 'indices');
    const depth = Math.trunc(scalar(node, need(node, inputs, 1, 'depth'), 'depth'));
    const values = need(node, inputs, 2, 'values');
    if (values.numel !== 2) throw node.error(`values must hold [off_value, on_value], got shape [${values.shape.join(', ')}]`);
    const [off, on] = Array.from(values.toTypedArray() as ArrayLike<number | bigint>, Number);
    const asInt = idx.dtype === 'int64' ? null : Tensor.from(Array.from(idx.toTypedArray() as ArrayLike<number | bigint>, (v) => Math.trunc(Number(v))), idx.shape.slice(), 'int64', idx.engine);
    try {
      return [named(node, () => oneHot(asInt ?? idx, depth, { axis: node.int('axis', -1), values: [off, on], dtype: values.dtype, ignoreOutOfRange: true }))];
    } finally {
      asInt?.dispose();
    }
  },
};

const REDUCTIONS: Record<string, ScatterReduce> = { none: 'none', add: 'add', mul: 'multiply', max: 'max', min: 'min' };

function reduction(node: OnnxNode): ScatterReduce {
  const r = node.string('reduction', 'none');
  if (!(r in REDUCTIONS)) throw node.error(`reduction must be none, add, mul, max or min, got ${JSON.stringify(r)}`);
  return REDUCTIONS[r];
}

const ScatterElements: OpDef = {
  check: (node) => void reduction(node),
  run(node, inputs) {
    const x = need(node, inputs, 0, 'data');
    return [named(node, () => scatter(x, node.int('axis', 0), need(node, inputs, 1, 'indices'), need(node, inputs, 2, 'updates'), { reduce: reduction(node) }))];
  },
  infer: sameType,
};

const ScatterND: OpDef = {
  check: (node) => void reduction(node),
  run(node, inputs) {
    return [named(node, () => scatterNd(need(node, inputs, 0, 'data'), need(node, inputs, 1, 'indices'), need(node, inputs, 2, 'updates'), { reduce: reduction(node) }))];
  },
  infer: sameType,
};

/** TensorProto.DataType codes of the dtypes the engine has. */
const ONNX_DTYPES: Record<number, DType> = { 1: 'float32', 2: 'uint8', 6: 'int32', 7: 'int64', 9: 'bool' };

const EyeLike: OpDef = {
  check(node) {
    if (node.has('dtype') && !(node.int('dtype') in ONNX_DTYPES)) throw node.error(`dtype ${node.int('dtype')} is not supported (float32, uint8, int32, int64, bool)`);
  },
  run(node, inputs) {
    const x = need(node, inputs, 0, 'input');
    if (x.ndim !== 2) throw node.error(`input must be 2-D, got shape [${x.shape.join(', ')}]`);
    const dtype = node.has('dtype') ? ONNX_DTYPES[node.int('dtype')] : x.dtype;
    return [named(node, () => eye(x.shape[0], x.shape[1], { dtype, k: node.int('k', 0), engine: x.engine }))];
  },
  infer: (node, [x]) => (x ? [{ dtype: node.has('dtype') ? ONNX_DTYPES[node.int('dtype')] : x.dtype, shape: x.shape }] : []),
};

const NonZero: OpDef = {
  run(node, inputs) {
    const nz = named(node, () => nonzero(need(node, inputs, 0, 'X')));
    try {
      return [dense(nz.t())];
    } finally {
      nz.dispose();
    }
  },
  infer: (_n, [x]) => (x?.shape ? [{ dtype: 'int64', shape: [x.shape.length, '?'] }] : []),
};

export const dataOps: OpTable = {
  Transpose,
  Concat,
  Split,
  Slice,
  Gather,
  GatherElements,
  GatherND: { ...GatherND, sinceVersion: 11 },
  Expand: { ...Expand, sinceVersion: 8 },
  Tile,
  Pad,
  DepthToSpace,
  SpaceToDepth,
  Trilu: { ...Trilu, sinceVersion: 14 },
  Range: { ...Range, sinceVersion: 11 },
  OneHot: { ...OneHot, sinceVersion: 9 },
  Scatter: { ...ScatterElements, sinceVersion: 9 },
  ScatterElements: { ...ScatterElements, sinceVersion: 11 },
  ScatterND: { ...ScatterND, sinceVersion: 11 },
  EyeLike: { ...EyeLike, sinceVersion: 9 },
  NonZero: { ...NonZero, sinceVersion: 9 },
};
