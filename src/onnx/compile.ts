/**
 * A validated graph made ready to run, once at load: its initializers in wasm memory, nodes whose
 * inputs are all constants folded into constants (and the constants only they read freed), every
 * remaining node's op prepared with its constant inputs (packed weights), the last use of every
 * value (intermediates are freed there), and which nodes can be folded once per input-shape
 * signature: those that read only constants and values computed from the input shapes (Shape,
 * Size and what is computed from them). Sub-graphs (If branches) are compiled the same way.
 */
import type { Tensor } from '../tensor.js';
import type { Engine } from '../runtime/engine.js';
import { OnnxError } from '../runtime/errors.js';
import type { OnnxGraph, OnnxNode, OpContext, OpDef, PreparedOp, ValueType } from './node.js';
import { inferTypes } from './infer.js';
import { freeNames, subgraphs, validateGraph } from './graph.js';
import { tensorFromData } from './values.js';

export interface Step {
  node: OnnxNode;
  op: OpDef;
  opset: number;
  prepared: PreparedOp | null;
  /** Inputs plus the outer names its sub-graphs read. */
  reads: string[];
  /** Computed once per input-shape signature (reads only constants and shape-derived values). */
  perSignature: boolean;
  /** Input positions the prepared op absorbed (their constants were freed): run gets null there. */
  absorbed: ReadonlySet<number>;
}

/** Ops whose output shapes depend on input values, not only on input shapes. */
const DATA_DEPENDENT = new Set(['NonZero', 'Unique', 'Compress', 'Loop', 'Scan', 'NonMaxSuppression', 'RandomNormalLike', 'RandomUniformLike', 'Multinomial']);
/** Ops never folded (random outputs). */
const NEVER_FOLD = new Set(['RandomNormal', 'RandomUniform', 'RandomNormalLike', 'RandomUniformLike', 'Multinomial', 'Bernoulli']);

/** Input positions whose values decide an op's output shape. */
function shapeInputs(opType: string): number[] {
  if (opType.startsWith('Reduce')) return [1];
  switch (opType) {
    case 'Reshape': case 'Expand': case 'Tile': case 'Squeeze': case 'Unsqueeze': case 'Split': case 'TopK': case 'OneHot': case 'Upsample': case 'CenterCropPad': case 'Trilu':
      return [1];
    case 'ConstantOfShape': case 'If':
      return [0];
    case 'Range':
      return [0, 1, 2];
    case 'Slice':
      return [1, 2, 3, 4];
    case 'Pad': case 'Resize':
      return [1, 2, 3];
    default:
      return [];
  }
}

export class CompiledGraph {
  readonly consts = new Map<string, Tensor>();
  readonly steps: Step[] = [];
  readonly subs = new Map<OnnxGraph, CompiledGraph>();
  /** Graph inputs that are not initializers, in file order. */
  readonly inputs: string[];
  readonly outputs: string[];
  /** name -> index of the last step that reads it. */
  readonly lastUse = new Map<string, number>();
  /** Static types of the values inference reached (infer.ts). */
  types = new Map<string, ValueType>();
  private disposed = false;

  constructor(
    readonly graph: OnnxGraph,
    readonly engine: Engine,
  ) {
    const inits = new Set(graph.initializers.map((t) => t.name));
    this.inputs = graph.inputs.map((i) => i.name).filter((n) => !inits.has(n));
    this.outputs = graph.outputs.map((o) => o.name);
  }

  /** Bytes of wasm memory the constants hold. */
  get constBytes(): number {
    let n = 0;
    for (const t of this.consts.values()) n += t.byteLength;
    for (const s of this.subs.values()) n += s.constBytes;
    return n;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const s of this.steps) s.prepared?.dispose();
    for (const t of this.consts.values()) t.dispose();
    this.consts.clear();
    for (const s of this.subs.values()) s.dispose();
  }
}

/**
 * Compiles `g`: validation (throws one OnnxError listing every problem), constants, folding,
 * preparation. On any error everything allocated so far is freed.
 */
/** The constants of the enclosing graphs, by name (a sub-graph folds and packs with them too). */
export type OuterConsts = (name: string) => Tensor | undefined;

export function compileGraph(
  g: OnnxGraph,
  opsets: ReadonlyMap<string, number>,
  engine: Engine,
  outer: ReadonlySet<string> = new Set(),
  outerConsts: OuterConsts = () => undefined,
): CompiledGraph {
  const order = validateGraph(g, opsets, engine, outer);
  const cg = new CompiledGraph(g, engine);
  /** A constant of this graph or, unless shadowed by a value of this graph, of an enclosing one. */
  const shadowed = new Set<string>(cg.inputs);
  for (const r of order) for (const o of r.node.outputs) if (o) shadowed.add(o);
  const constOf: OuterConsts = (name) => cg.consts.get(name) ?? (shadowed.has(name) ? undefined : outerConsts(name));
  try {
    for (const t of g.initializers) {
      if (t.preloaded) {
        cg.consts.set(t.name, t.preloaded);
        continue;
      }
      if (t.external && !t.bytes.byteLength && t.dims.reduce((a, b) => a * b, 1) > 0) {
        throw new OnnxError(`onnx: initializer ${JSON.stringify(t.name)} has external data (${t.external.location}) that was not provided: pass options.externalData`);
      }
      cg.consts.set(t.name, tensorFromData(t, engine));
    }
    const visible = new Set<string>([...outer, ...cg.inputs, ...cg.consts.keys()]);
    for (const r of order) for (const o of r.node.outputs) if (o) visible.add(o);
    const ctx: OpContext = { engine, opset: 0 };
    for (const { node, op, opset } of order) {
      const sgs = subgraphs(node);
      const reads = [...node.inputs.filter((i) => i)];
      for (const sg of sgs) {
        cg.subs.set(sg, compileGraph(sg, opsets, engine, visible, constOf));
        for (const f of freeNames(sg)) reads.push(f);
      }
      if (!sgs.length && !NEVER_FOLD.has(node.opType) && reads.every((i) => constOf(i))) {
        foldNode(cg, node, op, { ...ctx, opset }, constOf);
        continue;
      }
      cg.steps.push({ node, op, opset, prepared: null, reads, perSignature: false, absorbed: new Set() });
    }
    dropUnread(cg);
    markPerSignature(cg, constOf);
    cg.steps.forEach((s, k) => s.reads.forEach((i) => cg.lastUse.set(i, k)));
    cg.types = inferTypes(cg);
    prepareSteps(cg, constOf);
    return cg;
  } catch (e) {
    cg.dispose();
    throw e;
  }
}

/** Runs a node whose inputs are all constants; its outputs become constants. */
function foldNode(cg: CompiledGraph, node: OnnxNode, op: OpDef, ctx: OpContext, constOf: OuterConsts): void {
  const ins = node.inputs.map((i) => (i ? constOf(i)! : null));
  let outs: Tensor[];
  try {
    outs = op.run(node, ins, ctx);
  } catch (e) {
    throw e instanceof OnnxError ? e : new OnnxError(`onnx: ${node.label}: ${(e as Error).message}`);
  }
  outs.forEach((t, j) => {
    const name = node.outputs[j];
    // An op may return an input itself (Identity): the constant gets its own view.
    const own = ins.includes(t) || outs.indexOf(t) !== j ? t.reshape(t.shape) : t;
    if (name) cg.consts.set(name, own);
    else own.dispose();
  });
}

/**
 * Prepares every step that can be (packed weights), and frees each constant as soon as all its
 * readers are prepared ops that absorb it at the positions they read it: the unpacked copy is not
 * needed any more, so the weights are never held twice (peak: the weights plus one packed tensor).
 */
function prepareSteps(cg: CompiledGraph, constOf: OuterConsts): void {
  const keep = new Set<string>(cg.outputs);
  const pending = new Map<string, number>(); // constant -> readers not yet prepared-and-absorbing
  for (const s of cg.steps) {
    const direct = new Set(s.node.inputs);
    for (const i of s.reads) if (!direct.has(i)) keep.add(i); // read by a sub-graph
    for (const i of s.node.inputs) if (i && cg.consts.has(i)) pending.set(i, (pending.get(i) ?? 0) + 1);
  }
  const absorbing = new Map<string, [Step, number][]>();
  for (const s of cg.steps) {
    const consts = s.node.inputs.map((i) => (i ? (constOf(i) ?? null) : null));
    if (!s.op.prepare || consts.every((c) => c === null)) continue;
    s.prepared = s.op.prepare(s.node, consts, { engine: cg.engine, opset: s.opset });
    s.node.inputs.forEach((name, k) => {
      // An enclosing graph's constant is that graph's to free.
      if (!consts[k] || !cg.consts.has(name) || !s.prepared?.absorbs?.includes(k)) return;
      absorbing.set(name, [...(absorbing.get(name) ?? []), [s, k]]);
      const left = pending.get(name)! - 1;
      pending.set(name, left);
      if (left > 0 || keep.has(name)) return;
      for (const [u, j] of absorbing.get(name)!) (u.absorbed as Set<number>).add(j);
      consts[k]!.dispose();
      cg.consts.delete(name);
    });
  }
}

/** Frees constants no remaining step, sub-graph or output reads (inputs of folded nodes only). */
function dropUnread(cg: CompiledGraph): void {
  const read = new Set<string>(cg.outputs);
  for (const s of cg.steps) for (const i of s.reads) read.add(i);
  for (const [name, t] of cg.consts) {
    if (!read.has(name)) {
      t.dispose();
      cg.consts.delete(name);
    }
  }
}

/**
 * Marks the steps computed once per input-shape signature: all their reads are constants or
 * per-signature values, or they are Shape/Size of a value whose shape the signature decides.
 */
function markPerSignature(cg: CompiledGraph, constOf: OuterConsts): void {
  const outerConst = (name: string) => !cg.consts.has(name) && constOf(name) !== undefined;
  const valueStatic = new Set<string>(cg.consts.keys());
  const shapeStatic = new Set<string>([...cg.consts.keys(), ...cg.inputs]);
  for (const s of cg.steps) for (const i of s.reads) if (outerConst(i)) (valueStatic.add(i), shapeStatic.add(i));
  for (const s of cg.steps) {
    const { node } = s;
    const t = node.opType;
    const shapeOnly = (t === 'Shape' || t === 'Size') && !node.domain && shapeStatic.has(node.input(0));
    s.perSignature = shapeOnly || (!NEVER_FOLD.has(t) && s.reads.every((i) => valueStatic.has(i)));
    const si = shapeInputs(t);
    const shapesKnown = s.perSignature || (!DATA_DEPENDENT.has(t) && node.inputs.every((i, k) => !i || valueStatic.has(i) || (shapeStatic.has(i) && !si.includes(k))));
    for (const o of node.outputs) {
      if (!o) continue;
      if (s.perSignature) valueStatic.add(o);
      if (shapesKnown) shapeStatic.add(o);
    }
  }
}
