/**
 * Graph validation at load, before anything is allocated: unique names, every input produced
 * (by a graph input, an initializer, an earlier node or an outer scope), a topological order (a
 * cycle names its nodes), graph outputs produced, and every node's op looked up in the registry
 * for its domain and opset and checked (attributes, input counts). All unsupported ops and
 * failed checks of a graph and its sub-graphs are reported in one OnnxError.
 */
import { OnnxError } from '../runtime/errors.js';
import type { Engine } from '../runtime/engine.js';
import type { OnnxGraph, OnnxNode, OpDef } from './node.js';
import { lookupOp } from './ops/index.js';

export interface Resolved {
  node: OnnxNode;
  op: OpDef;
  opset: number;
}

/** The sub-graphs held in a node's attributes. */
export function subgraphs(node: OnnxNode): OnnxGraph[] {
  const out: OnnxGraph[] = [];
  for (const a of node.attrs.values()) {
    if (a.type === 'graph') out.push(a.value);
    else if (a.type === 'graphs') out.push(...a.value);
  }
  return out;
}

/** Names a graph reads from its enclosing scopes (free variables), sub-graphs included. */
export function freeNames(g: OnnxGraph): Set<string> {
  const bound = new Set<string>([...g.inputs.map((i) => i.name), ...g.initializers.map((t) => t.name)]);
  const free = new Set<string>();
  for (const n of g.nodes) {
    for (const i of n.inputs) if (i && !bound.has(i)) free.add(i);
    for (const sg of subgraphs(n)) for (const i of freeNames(sg)) if (!bound.has(i)) free.add(i);
    for (const o of n.outputs) if (o) bound.add(o);
  }
  for (const o of g.outputs) if (!bound.has(o.name)) free.add(o.name);
  return free;
}

/** Every op type used by a graph and its sub-graphs ('domain.Op' outside the default domain). */
export function opTypes(g: OnnxGraph, out = new Set<string>()): Set<string> {
  for (const n of g.nodes) {
    out.add(n.domain ? `${n.domain}.${n.opType}` : n.opType);
    for (const sg of subgraphs(n)) opTypes(sg, out);
  }
  return out;
}

interface Problems {
  unsupported: string[];
  invalid: string[];
}

/**
 * Validates `g` (and its sub-graphs) and returns its nodes in topological order with their op
 * definitions. `outer` are the names visible from enclosing graphs (empty for the main graph).
 */
export function validateGraph(g: OnnxGraph, opsets: ReadonlyMap<string, number>, engine: Engine, outer: ReadonlySet<string> = new Set()): Resolved[] {
  const problems: Problems = { unsupported: [], invalid: [] };
  const order = validateInto(g, opsets, engine, outer, problems, true);
  const parts: string[] = [];
  if (problems.unsupported.length) parts.push(`${problems.unsupported.length} unsupported op${problems.unsupported.length > 1 ? 's' : ''}: ${problems.unsupported.join('; ')}`);
  if (problems.invalid.length) parts.push(problems.invalid.join('; '));
  if (parts.length) throw new OnnxError(`onnx: ${parts.join('; ')}`);
  return order;
}

function graphLabel(g: OnnxGraph, top: boolean): string {
  return top ? `graph ${JSON.stringify(g.name)}` : `subgraph ${JSON.stringify(g.name)}`;
}

function validateInto(g: OnnxGraph, opsets: ReadonlyMap<string, number>, engine: Engine, outer: ReadonlySet<string>, p: Problems, top: boolean): Resolved[] {
  const where = graphLabel(g, top);
  const producer = new Map<string, string>(); // name -> what defines it
  const define = (name: string, what: string) => {
    const prev = producer.get(name);
    if (prev !== undefined) throw new OnnxError(`onnx: ${where}: the name ${JSON.stringify(name)} is defined twice (${prev} and ${what})`);
    producer.set(name, what);
  };
  const inits = new Set<string>();
  for (const t of g.initializers) {
    if (inits.has(t.name)) throw new OnnxError(`onnx: ${where}: initializer ${JSON.stringify(t.name)} is given twice`);
    inits.add(t.name);
    define(t.name, `initializer`);
  }
  for (const i of g.inputs) {
    if (!i.name) throw new OnnxError(`onnx: ${where}: an input has an empty name`);
    if (inits.has(i.name)) continue; // IR < 4: initializers are listed as inputs too
    define(i.name, 'graph input');
  }
  for (const n of g.nodes) for (const o of n.outputs) if (o) define(o, n.label);

  // Kahn's algorithm over the nodes; ties keep file order.
  const byOutput = new Map<string, number>();
  g.nodes.forEach((n, k) => n.outputs.forEach((o) => o && byOutput.set(o, k)));
  const deps: number[][] = g.nodes.map(() => []);
  const users: number[][] = g.nodes.map(() => []);
  g.nodes.forEach((n, k) => {
    const reads = [...n.inputs];
    for (const sg of subgraphs(n)) reads.push(...freeNames(sg));
    for (const i of reads) {
      if (!i) continue;
      const src = byOutput.get(i);
      if (src !== undefined) {
        if (src === k) throw new OnnxError(`onnx: ${where}: ${n.label} reads its own output ${JSON.stringify(i)}`);
        deps[k].push(src);
        users[src].push(k);
      } else if (!producer.has(i) && !outer.has(i)) {
        throw new OnnxError(`onnx: ${where}: ${n.label} reads ${JSON.stringify(i)}, which no graph input, initializer or node produces`);
      }
    }
  });
  const pending = deps.map((d) => d.length);
  const ready: number[] = [];
  pending.forEach((c, k) => c === 0 && ready.push(k));
  const order: number[] = [];
  for (let h = 0; h < ready.length; h++) {
    const k = ready[h];
    order.push(k);
    for (const u of users[k]) if (--pending[u] === 0) ready.push(u);
  }
  if (order.length !== g.nodes.length) {
    const stuck = g.nodes.filter((_, k) => pending[k] > 0).map((n) => n.label);
    throw new OnnxError(`onnx: ${where}: the graph has a cycle through ${stuck.slice(0, 8).join(', ')}${stuck.length > 8 ? ` and ${stuck.length - 8} more` : ''}`);
  }
  for (const o of g.outputs) {
    if (!producer.has(o.name) && !outer.has(o.name)) throw new OnnxError(`onnx: ${where}: output ${JSON.stringify(o.name)} is never produced`);
  }

  const resolved: Resolved[] = [];
  const visible = new Set<string>([...outer, ...producer.keys()]);
  for (const k of order) {
    const n = g.nodes[k];
    const opset = opsets.get(n.domain);
    if (opset === undefined) {
      p.unsupported.push(`${n.label}: domain ${JSON.stringify(n.domain)} is not imported by the model (opset_import)`);
      continue;
    }
    const op = lookupOp(n.domain, n.opType);
    if (!op) {
      p.unsupported.push(`${n.label}: op ${n.domain ? n.domain + '.' : ''}${n.opType} is not supported`);
    } else if ((op.sinceVersion ?? 1) > opset) {
      p.unsupported.push(`${n.label}: opset ${opset} is older than the oldest supported version ${op.sinceVersion} of ${n.opType}`);
    } else {
      try {
        op.check?.(n, { engine, opset });
        resolved.push({ node: n, op, opset });
      } catch (e) {
        p.invalid.push((e as Error).message);
      }
    }
    for (const sg of subgraphs(n)) {
      try {
        validateInto(sg, opsets, engine, visible, p, false);
      } catch (e) {
        p.invalid.push((e as Error).message.replace(/^onnx: /, ''));
      }
    }
  }
  return resolved;
}
