/**
 * Runs a compiled graph: steps in topological order, each value looked up in this run's live
 * values, the per-signature cache, the constants, then the enclosing scope; every intermediate
 * is freed right after its last use, outputs are handed to the caller (copies when they are
 * constants, cached values or values the run does not own). On any error everything the run
 * made is freed and the error names the node.
 */
import type { Tensor } from '../tensor.js';
import { OnnxError } from '../runtime/errors.js';
import type { OnnxGraph, OpContext } from './node.js';
import type { CompiledGraph } from './compile.js';

export type Lookup = (name: string) => Tensor | null;

export interface ExecOptions {
  /** Values of enclosing graphs (If branches read them by name). */
  outer?: Lookup;
  /** Per-signature values: read (and written when `building`) for perSignature steps. */
  cache?: Map<string, Tensor>;
  /** True on the first run of a signature: perSignature steps run and fill `cache`. */
  building?: boolean;
  /** Per-node profiling, sub-graphs (If branches) included. */
  profiler?: Profiler;
}

/**
 * Milliseconds per step of each compiled graph, exclusive: an If step's own time leaves out the
 * steps of its branch, which are counted as theirs. `attributed` is the time given to steps so far.
 */
export interface Profiler {
  times: Map<CompiledGraph, Float64Array>;
  attributed: number;
}

function timesOf(p: Profiler, cg: CompiledGraph): Float64Array {
  let t = p.times.get(cg);
  if (!t) p.times.set(cg, (t = new Float64Array(cg.steps.length)));
  return t;
}

/**
 * Runs `cg` with `feeds` (graph input name -> tensor; the run takes ownership of them and frees
 * them) and returns the graph outputs in order, owned by the caller.
 */
export function execute(cg: CompiledGraph, feeds: Map<string, Tensor>, opts: ExecOptions = {}): Tensor[] {
  const live = new Map<string, Tensor>(feeds);
  const cache = opts.cache;
  const keepOut = new Set(cg.outputs);
  const result: Tensor[] = [];
  // Memory the caller must not get a view of: the feeds, constants and cached values (added below).
  const foreign = new Set<number>([...feeds.values()].map((t) => t.ptr));
  const lookup: Lookup = (name) => live.get(name) ?? cache?.get(name) ?? cg.consts.get(name) ?? opts.outer?.(name) ?? null;
  /** Frees the live values whose last reader is step k. */
  const freeAfter = (k: number) => {
    for (const i of cg.steps[k].reads) {
      if (cg.lastUse.get(i) !== k || keepOut.has(i)) continue;
      const t = live.get(i);
      if (t) {
        live.delete(i);
        t.dispose();
      }
    }
  };
  try {
    for (let k = 0; k < cg.steps.length; k++) {
      const s = cg.steps[k];
      const { node } = s;
      const cached = cache && s.perSignature;
      if (cached && !opts.building) {
        freeAfter(k);
        continue;
      }
      const ins = node.inputs.map((i, j) => {
        if (!i || s.absorbed.has(j)) return null;
        const t = lookup(i);
        if (!t) throw new OnnxError(`onnx: ${node.label}: input ${JSON.stringify(i)} was not produced (an optional output no node computed?)`);
        return t;
      });
      const ctx: OpContext = {
        engine: cg.engine,
        opset: s.opset,
        lookup,
        runGraph: (g: OnnxGraph, outer: Lookup) => runSubgraph(cg, g, outer, opts.profiler),
      };
      let outs: Tensor[];
      const prof = opts.profiler;
      const a0 = prof ? prof.attributed : 0;
      const t0 = prof ? performance.now() : 0;
      try {
        outs = s.prepared ? s.prepared.run(ins, ctx) : s.op.run(node, ins, ctx);
      } catch (e) {
        throw e instanceof OnnxError ? e : new OnnxError(`onnx: ${node.label}: ${(e as Error).message}`);
      }
      if (prof) {
        const dt = performance.now() - t0;
        timesOf(prof, cg)[k] += dt - (prof.attributed - a0);
        prof.attributed = a0 + dt;
      }
      const dest = cached ? cache : live;
      outs.forEach((t, j) => {
        const name = node.outputs[j];
        // An op may return one of its inputs itself (Identity): the output gets its own view.
        const own = ins.includes(t) || outs.indexOf(t) !== j ? t.reshape(t.shape) : t;
        if (name && (cached || keepOut.has(name) || cg.lastUse.has(name))) dest.set(name, own);
        else own.dispose();
      });
      freeAfter(k);
    }
    for (const t of cache?.values() ?? []) foreign.add(t.ptr);
    const consts = constPtrsOf(cg);
    const taken = new Map<string, Tensor>(); // an output listed twice gets a second copy
    for (const name of cg.outputs) {
      const prev = taken.get(name);
      if (prev) {
        result.push(prev.clone());
        continue;
      }
      const own = live.get(name);
      if (own && !foreign.has(own.ptr) && !consts.has(own.ptr)) {
        live.delete(name);
        result.push(own);
        taken.set(name, own);
        continue;
      }
      // A constant, a cached value, or a view of foreign memory (freed with the rest): a copy goes out.
      const t = lookup(name);
      if (!t) throw new OnnxError(`onnx: graph ${JSON.stringify(cg.graph.name)}: output ${JSON.stringify(name)} was not produced`);
      const c = t.clone();
      result.push(c);
      taken.set(name, c);
    }
    return result;
  } catch (e) {
    for (const t of result) t.dispose();
    throw e;
  } finally {
    for (const t of live.values()) t.dispose();
  }
}

/** The addresses of the constants of cg and its sub-graphs (fixed once compiled: computed once). */
const constPtrCache = new WeakMap<CompiledGraph, Set<number>>();
function constPtrsOf(cg: CompiledGraph): Set<number> {
  let set = constPtrCache.get(cg);
  if (!set) {
    set = new Set();
    const add = (g: CompiledGraph) => {
      for (const t of g.consts.values()) set!.add(t.ptr);
      for (const sub of g.subs.values()) add(sub);
    };
    add(cg);
    constPtrCache.set(cg, set);
  }
  return set;
}

/** Runs a sub-graph without inputs (an If branch) in the scope `outer`. */
function runSubgraph(cg: CompiledGraph, g: OnnxGraph, outer: Lookup, profiler: Profiler | undefined): Tensor[] {
  const sub = cg.subs.get(g);
  if (!sub) throw new OnnxError(`onnx: subgraph ${JSON.stringify(g.name)} was not compiled with its graph`);
  if (sub.inputs.length) throw new OnnxError(`onnx: subgraph ${JSON.stringify(g.name)} takes inputs (${sub.inputs.join(', ')}): only input-less branches (If) are supported`);
  return execute(sub, new Map(), { outer, profiler });
}
