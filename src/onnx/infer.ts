/**
 * Static shape and dtype inference over a compiled graph: starting from the declared input
 * types, the constants and value_info, every step whose op has `infer` gives its output types
 * (dims are sizes, symbolic names, or '?' when unknown). Used for model.outputs when the file
 * leaves them open, and by ops' infer helpers below. An op without infer, a node reading a value
 * of unknown type, or an infer that throws leaves the outputs unknown (the runtime just runs it).
 */
import type { Dim, ValueType } from './node.js';
import type { Tensor } from '../tensor.js';
import type { CompiledGraph } from './compile.js';

export const UNKNOWN: Dim = '?';

/** The type of a constant tensor. */
export function typeOfTensor(t: Tensor): ValueType {
  return { dtype: t.dtype, shape: t.shape.slice() };
}

/** Output types of every value of `cg` that inference reaches, by name. */
export function inferTypes(cg: CompiledGraph): Map<string, ValueType> {
  const types = new Map<string, ValueType>();
  for (const i of cg.graph.inputs) if (i.type) types.set(i.name, i.type);
  for (const v of cg.graph.valueInfo ?? []) if (v.type) types.set(v.name, v.type);
  for (const [name, t] of cg.consts) types.set(name, typeOfTensor(t));
  for (const s of cg.steps) {
    if (!s.op.infer) continue;
    const ins = s.node.inputs.map((i) => (i ? (types.get(i) ?? null) : null));
    // infer sees null only for absent optional inputs: a node with an input of unknown type
    // (or unknown rank) leaves its outputs unknown.
    if (s.node.inputs.some((i, k) => i && !ins[k]?.shape)) continue;
    const consts = s.node.inputs.map((i) => (i ? (cg.consts.get(i) ?? null) : null));
    let outs: ValueType[];
    try {
      outs = s.op.infer(s.node, ins, consts, { engine: cg.engine, opset: s.opset });
    } catch {
      continue; // inference is advisory: the run reports real errors with the node named
    }
    outs.forEach((t, j) => {
      const name = s.node.outputs[j];
      if (name && !(types.get(name)?.shape)) types.set(name, t);
    });
  }
  for (const o of cg.graph.outputs) if (o.type?.shape && !types.get(o.name)?.shape) types.set(o.name, o.type);
  return types;
}

/** Product of dims: a number, the one symbolic dim among 1s, or '?'. */
export function dimProduct(dims: readonly Dim[]): Dim {
  const rest = dims.filter((d) => d !== 1);
  if (rest.length === 1) return rest[0];
  let n = 1;
  for (const d of dims) {
    if (typeof d !== 'number') return UNKNOWN;
    n *= d;
  }
  return n;
}

/** The same type as input `i` (or unknown). */
export function sameAs(inputs: (ValueType | null)[], i = 0): ValueType {
  return inputs[i] ? { dtype: inputs[i]!.dtype, shape: inputs[i]!.shape?.slice() ?? null } : { dtype: 'float32', shape: null };
}

/** Numpy broadcast of two shapes (dims that are not both known stay symbolic/unknown). */
export function broadcastDims(a: readonly Dim[], b: readonly Dim[]): Dim[] {
  const n = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < n; i++) {
    const x = a[a.length - n + i] ?? 1;
    const y = b[b.length - n + i] ?? 1;
    out.push(x === 1 ? y : y === 1 ? x : x === y ? x : typeof x === 'number' && typeof y === 'number' ? Math.max(x, y) : UNKNOWN);
  }
  return out;
}

/** An int list from a constant input, or null. */
export function constInts(t: Tensor | null): number[] | null {
  if (!t || (t.dtype !== 'int64' && t.dtype !== 'int32')) return null;
  return Array.from(t.toTypedArray() as ArrayLike<number | bigint>, Number);
}

