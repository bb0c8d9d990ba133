/**
 * ONNX structural ops: Identity, Dropout (inference), Constant, Reshape, Flatten, Squeeze,
 * Unsqueeze (axes as attribute before opset 13, as input from 13), Shape (start/end), Size,
 * ConstantOfShape and If. Reshape-like ops return views of their input (no copy), any dtype.
 */
import { Tensor } from '../../tensor.js';
import type { OnnxNode, OnnxTensorData, OpDef, OpTable } from '../node.js';
import { axisOf, intsOf, tensorFromData, tensorOf } from '../values.js';
import { checkDims } from '../proto.js';

function need(node: OnnxNode, t: Tensor | null, what: string): Tensor {
  if (!t) throw node.error(`input ${what} is required`);
  return t;
}

const Identity: OpDef = { run: (node, [x]) => [need(node, x, 'input')] };

const Dropout: OpDef = {
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
  run: (node, _ins, ctx) => [tensorFromData(constantData(node), ctx.engine)],
};

const Reshape: OpDef = {
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

const Squeeze: OpDef = {
  run(node, [xIn, a]) {
    const x = need(node, xIn, 'data');
    const axes = axesOf(node, a);
    const drop = new Set((axes ?? x.shape.map((d, i) => (d === 1 ? i : -1)).filter((i) => i >= 0)).map((ax) => axisOf(node, ax, x.ndim, 'axes')));
    for (const ax of drop) if (x.shape[ax] !== 1) throw node.error(`cannot squeeze axis ${ax} of size ${x.shape[ax]} (data [${x.shape.join(', ')}])`);
    return [x.reshape(x.shape.filter((_, i) => !drop.has(i)))];
  },
};

const Unsqueeze: OpDef = {
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

const Size: OpDef = { run: (node, [x], ctx) => [tensorOf([need(node, x, 'data').numel], [], 'int64', ctx.engine)] };

const ConstantOfShape: OpDef = {
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
