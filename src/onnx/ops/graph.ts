/**
 * ONNX structural ops: Identity, Dropout (inference), Constant, Reshape, Flatten, Squeeze,
 * Unsqueeze (axes as attribute before opset 13, as input from 13), Shape (start/end), Size,
 * ConstantOfShape and If. Reshape-like ops return views of their input (no copy), any dtype.
 */
import { Tensor } from '../../tensor.js';
import type { Dim, OnnxNode, OnnxTensorData, OpDef, OpTable, ValueType } from '../node.js';
import { UNKNOWN, constInts, dimProduct, sameAs } from '../infer.js';
import { axisOf, intsOf, tensorFromData, tensorOf } from '../values.js';
import { checkDims } from '../proto.js';

function need(node: OnnxNode, t: Tensor | null, what: string): Tensor {
  if (!t) throw node.error(`input ${what} is required`);
  return t;
}

const Identity: OpDef = { infer: (_n, ins) => [sameAs(ins)], run: (node, [x]) => [need(node, x, 'input')] };

const Dropout: OpDef = {
  infer: (_n, ins) => [sameAs(ins), { dtype: 'bool', shape: sameAs(ins).shape }],
  run(node, [xIn, ratio, training]) {
    const x = need(node, xIn, 'data');
    // Training mode with ratio 0 is the identity too; with ratio > 0 the output is random.
    const r = ratio ? ratio.toFloat32Array()[0] : 0.5;
    if (training && training.toFloat32Array()[0] !== 0 && r !== 0) throw node.error(`training_mode = true with ratio ${r} is not supported (inference engine: random outputs)`);
    if (node.int('is_test', 1) === 0 && node.float('ratio', 0) !== 0) throw node.error('is_test = 0 (training) is not supported');
    if (!node.outputs[1]) return [x];
    const mask = Tensor.empty(x.shape, 'bool', x.engine);
    mask.bytes().fill(1);
    return [x, mask];
  },
};

/** The constant a Constant node holds (value, value_float(s), value_int(s)). */
function constantData(node: OnnxNode): OnnxTensorData {
  const a = [...node.attrs.entries()].filter(([k]) => k.startsWith('value') || k === 'sparse_value');
  if (a.length !== 1) throw node.error(`exactly one value attribute is required, got ${a.length ? a.map(([k]) => k).join(', ') : 'none'}`);
  const [k, v] = a[0];
  const name = node.outputs[0] ?? '';
  const f32 = (vals: number[], dims: number[]): OnnxTensorData => ({ name, dtype: 'float32', dims, bytes: new Uint8Array(new Float32Array(vals).buffer) });
  const i64 = (vals: number[], dims: number[]): OnnxTensorData => ({ name, dtype: 'int64', dims, bytes: new Uint8Array(BigInt64Array.from(vals, (x) => BigInt(x)).buffer) });
  if (k === 'value' && v.type === 'tensor') return v.value;
  if (k === 'value_float' && v.type === 'float') return f32([v.value], []);
  if (k === 'value_floats' && v.type === 'floats') return f32(v.value, [v.value.length]);
  if (k === 'value_int' && v.type === 'int') return i64([v.value], []);
  if (k === 'value_ints' && v.type === 'ints') return i64(v.value, [v.value.length]);
  throw node.error(`attribute ${k} (${v.type}) is not supported (string and sparse constants are not)`);
}

const Constant: OpDef = {
  check: (node) => void constantData(node),
  infer: (node) => {
    const d = constantData(node);
    return [{ dtype: d.dtype, shape: d.dims.slice() }];
  },
  run: (node, _ins, ctx) => [tensorFromData(constantData(node), ctx.engine)],
};

/** Reshape's output dims from the requested shape and the input dims (0 copies, -1 is inferred). */
function reshapeDims(shape: number[], input: readonly Dim[] | null, allowZero: boolean): Dim[] {
  const dims: Dim[] = shape.map((d, i) => (d === 0 && !allowZero ? (input?.[i] ?? UNKNOWN) : d));
  const neg = dims.indexOf(-1);
  if (neg >= 0) {
    const total = input ? dimProduct(input) : UNKNOWN;
    const rest = dimProduct(dims.filter((_, i) => i !== neg));
    dims[neg] = typeof total === 'number' && typeof rest === 'number' && rest > 0 ? total / rest : UNKNOWN;
  }
  return dims;
}

const Reshape: OpDef = {
  infer(node, ins, consts) {
    const shape = node.inputs[1] ? constInts(consts[1]) : node.ints('shape', []);
    const t = sameAs(ins);
    return [{ dtype: t.dtype, shape: shape ? reshapeDims(shape, t.shape, node.int('allowzero', 0) !== 0) : null }];
  },
  check(node) {
    if (node.inputs.length < 2 && !node.has('shape')) throw node.error('the shape input (or, before opset 5, the shape attribute) is required');
  },
  run(node, [xIn, s]) {
    const x = need(node, xIn, 'data');
    const shape = s ? intsOf(node, s, 'shape') : node.ints('shape');
    const allowZero = node.int('allowzero', 0) !== 0;
    const dims = shape.map((d, i) => {
      if (d === 0 && !allowZero) {
        if (i >= x.ndim) throw node.error(`shape [${shape.join(', ')}] copies dim ${i} (0), but data [${x.shape.join(', ')}] has only ${x.ndim} dims`);
        return x.shape[i];
      }
      if (d < -1) throw node.error(`shape [${shape.join(', ')}] has an invalid size ${d}`);
      return d;
    });
    try {
      return [x.reshape(dims)];
    } catch (e) {
      throw node.error(`cannot reshape data [${x.shape.join(', ')}] to [${shape.join(', ')}]: ${(e as Error).message}`);
    }
  },
};

const Flatten: OpDef = {
  infer(node, ins) {
    const t = sameAs(ins);
    if (!t.shape) return [{ dtype: t.dtype, shape: [UNKNOWN, UNKNOWN] }];
    const a = node.int('axis', 1);
    const axis = a < 0 ? a + t.shape.length : a;
    return [{ dtype: t.dtype, shape: [dimProduct(t.shape.slice(0, axis)), dimProduct(t.shape.slice(axis))] }];
  },
  run(node, [xIn]) {
    const x = need(node, xIn, 'input');
    const a = node.int('axis', 1);
    const axis = a === x.ndim ? a : axisOf(node, a, Math.max(x.ndim, 1));
    const outer = x.shape.slice(0, axis).reduce((p, d) => p * d, 1);
    const inner = x.shape.slice(axis).reduce((p, d) => p * d, 1);
    return [x.reshape([outer, inner])];
  },
};

/** Axes from the input (opset 13+) or the attribute (before). */
function axesOf(node: OnnxNode, t: Tensor | null): number[] | null {
  if (t) return intsOf(node, t, 'axes');
  return node.has('axes') ? node.ints('axes') : null;
}

/** Axes known at load (attribute, or a constant input), or null. */
function staticAxes(node: OnnxNode, consts: (Tensor | null)[]): number[] | null {
  if (node.inputs[1]) return constInts(consts[1]);
  return node.has('axes') ? node.ints('axes') : null;
}

const Squeeze: OpDef = {
  infer(node, ins, consts) {
    const t = sameAs(ins);
    const axes = staticAxes(node, consts);
    // Without axes every size-1 dim goes: known only when every dim is.
    if (!t.shape || (!axes && (node.inputs[1] || t.shape.some((d) => typeof d !== 'number')))) return [{ dtype: t.dtype, shape: null }];
    const r = t.shape.length;
    const drop = new Set((axes ?? t.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0)).map((a) => (a < 0 ? a + r : a)));
    return [{ dtype: t.dtype, shape: t.shape.filter((_, i) => !drop.has(i)) }];
  },
  run(node, [xIn, a]) {
    const x = need(node, xIn, 'data');
    const axes = axesOf(node, a);
    const drop = new Set((axes ?? x.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0)).map((ax) => axisOf(node, ax, x.ndim, 'axes')));
    for (const ax of drop) if (x.shape[ax] !== 1) throw node.error(`cannot squeeze axis ${ax} of size ${x.shape[ax]} (data [${x.shape.join(', ')}])`);
    return [x.reshape(x.shape.filter((_, i) => !drop.has(i)))];
  },
};

const Unsqueeze: OpDef = {
  infer(node, ins, consts) {
    const t = sameAs(ins);
    const axes = staticAxes(node, consts);
    if (!t.shape || !axes) return [{ dtype: t.dtype, shape: null }];
    const rank = t.shape.length + axes.length;
    const at = new Set(axes.map((a) => (a < 0 ? a + rank : a)));
    const out: Dim[] = [];
    let j = 0;
    for (let i = 0; i < rank; i++) out.push(at.has(i) ? 1 : t.shape[j++]);
    return [{ dtype: t.dtype, shape: out }];
  },
  run(node, [xIn, a]) {
    const x = need(node, xIn, 'data');
    const axes = axesOf(node, a);
    if (!axes) throw node.error('axes are required');
    const rank = x.ndim + axes.length;
    const at = new Set(axes.map((ax) => axisOf(node, ax, rank, 'axes')));
    if (at.size !== axes.length) throw node.error(`axes [${axes.join(', ')}] repeat an axis`);
    const out: number[] = [];
    let j = 0;
    for (let i = 0; i < rank; i++) out.push(at.has(i) ? 1 : x.shape[j++]);
    return [x.reshape(out)];
  },
};

const Shape: OpDef = {
  infer(node, ins) {
    const r = ins[0]?.shape?.length;
    if (r === undefined) return [{ dtype: 'int64', shape: [UNKNOWN] }];
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
    const start = clamp(node.int('start', 0));
    const end = node.has('end') ? clamp(node.int('end')) : r;
    return [{ dtype: 'int64', shape: [Math.max(0, end - start)] }];
  },
  run(node, [xIn], ctx) {
    const x = need(node, xIn, 'data');
    const r = x.ndim;
    const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + r : v, 0), r);
    const start = clamp(node.int('start', 0));
    const end = node.has('end') ? clamp(node.int('end')) : r;
    const dims = x.shape.slice(start, Math.max(start, end));
    return [tensorOf(dims, [dims.length], 'int64', ctx.engine)];
  },
};

const Size: OpDef = { infer: () => [{ dtype: 'int64', shape: [] }], run: (node, [x], ctx) => [tensorOf([need(node, x, 'data').numel], [], 'int64', ctx.engine)] };

const ConstantOfShape: OpDef = {
  infer(node, ins, consts) {
    const dtype = node.has('value') ? node.attr('value', 'tensor').dtype : 'float32';
    const dims = constInts(consts[0]);
    const n = ins[0]?.shape?.[0];
    return [{ dtype, shape: dims ?? (typeof n === 'number' ? Array<Dim>(n).fill(UNKNOWN) : null) }];
  },
  check(node) {
    if (node.has('value') && node.attr('value', 'tensor').dims.reduce((a, b) => a * b, 1) !== 1) throw node.error('value must hold exactly one element');
  },
  run(node, [s], ctx) {
    const shape = intsOf(node, need(node, s, 'input'), 'input');
    checkDims(shape, `${node.label} shape`);
    const v = node.has('value') ? node.attr('value', 'tensor') : null;
    const t = Tensor.empty(shape, v?.dtype ?? 'float32', ctx.engine);
    if (v && t.numel) {
      const b = t.bytes();
      const n = v.bytes.byteLength;
      for (let i = 0; i < b.byteLength; i += n) b.set(v.bytes, i);
    } else t.bytes().fill(0);
    return [t];
  },
};

const If: OpDef = {
  infer: (node) => node.attr('then_branch', 'graph').outputs.map((o): ValueType => o.type ?? { dtype: 'float32', shape: null }),
  check(node) {
    node.attr('then_branch', 'graph');
    node.attr('else_branch', 'graph');
  },
  run(node, [c], ctx) {
    const cond = need(node, c, 'cond');
    if (cond.numel !== 1) throw node.error(`cond must hold one element, got [${cond.shape.join(', ')}]`);
    if (!ctx.runGraph || !ctx.lookup) throw node.error('sub-graphs cannot run here');
    const branch = node.attr(cond.toFloat32Array()[0] !== 0 ? 'then_branch' : 'else_branch', 'graph');
    const outs = ctx.runGraph(branch, (name) => ctx.lookup!(name));
    if (outs.length !== node.outputs.length) {
      for (const t of outs) t.dispose();
      throw node.error(`the ${branch.name || 'branch'} sub-graph gave ${outs.length} outputs, the node has ${node.outputs.length}`);
    }
    return outs;
  },
};

export const graphOps: OpTable = { Identity, Dropout, Constant, Reshape, Flatten, Squeeze, Unsqueeze, Shape, Size, ConstantOfShape, If };
