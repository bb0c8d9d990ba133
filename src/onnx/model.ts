/**
 * OnnxModel: a loaded .onnx graph. `inputs`/`outputs` describe it (symbolic dims as strings),
 * `run(feeds)` runs it synchronously (feeds are checked against the declared names, dtypes and
 * shapes first), `dispose()` frees its weights, `String(model)` summarizes it. One plan (the
 * per-signature cache of shape-derived values) is kept per input-shape signature, the most
 * recent PLAN_CACHE of them.
 */
import { Tensor, type DType, type TensorData } from '../tensor.js';
import type { Engine } from '../runtime/engine.js';
import { ArgumentError, OnnxError } from '../runtime/errors.js';
import type { Dim, ValueType } from './node.js';
import type { CompiledGraph } from './compile.js';
import type { OnnxModelProto } from './proto.js';
import { execute, type Profiler } from './run.js';
import { profileOf, type OnnxProfile, type ProfileOptions } from './profile.js';

export interface OnnxValueInfo {
  name: string;
  dtype: DType;
  /** Sizes, or symbolic names ('batch') where the model leaves them open; null when unknown. */
  shape: Dim[] | null;
  /** The file's element type when it differs from dtype ('float16' is fed and returned as float32). */
  onnxType?: string;
}

/** A feed: a Tensor of this engine, or typed data with its dims. */
export type OnnxFeed = Tensor | { data: TensorData | Float64Array | Int8Array | Uint16Array | Int16Array | BigUint64Array; dims: readonly number[] };

const PLAN_CACHE = 8;

function infoOf(name: string, t: ValueType | null): OnnxValueInfo {
  const v: OnnxValueInfo = { name, dtype: t?.dtype ?? 'float32', shape: t?.shape ? t.shape.slice() : null };
  if (t?.onnxType && t.onnxType !== v.dtype) v.onnxType = t.onnxType;
  return v;
}

const fmt = (s: readonly Dim[] | null) => (s ? `[${s.join(', ')}]` : '[?]');

export class OnnxModel {
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
  readonly opset: number;
  private readonly plans = new Map<string, Map<string, Tensor>>();
  private disposed = false;

  constructor(
    private readonly cg: CompiledGraph,
    private readonly proto: OnnxModelProto,
    /** Bytes of the .onnx file (and external data) it was loaded from. */
    readonly fileBytes: number,
  ) {
    const types = new Map(proto.graph.inputs.map((i) => [i.name, i.type]));
    this.inputs = Object.freeze(cg.inputs.map((n) => Object.freeze(infoOf(n, types.get(n) ?? null))));
    // The file's output types, completed by static inference where it leaves them open.
    this.outputs = Object.freeze(proto.graph.outputs.map((o) => Object.freeze(infoOf(o.name, o.type?.shape ? o.type : (cg.types.get(o.name) ?? o.type)))));
    this.opset = proto.opsets.get('') ?? 1;
  }

  get engine(): Engine {
    return this.cg.engine;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Runs the graph. Returns one new tensor per graph output, owned by the caller. */
  run(feeds: Record<string, OnnxFeed>): Record<string, Tensor> {
    return this.runTimed(feeds, undefined);
  }

  /**
   * Where the time goes: runs the graph `runs` times (default 10, after `warmup` untimed runs,
   * default 1) with `feeds` and returns the mean milliseconds of every node and op type, the nodes
   * of If branches included under `branch/node` (an If node's own time leaves its branch out;
   * nodes folded once per input shape cost 0), sorted by time, with the mean wall time of a whole
   * run. String(profile) is a table. Outputs are freed.
   */
  profile(feeds: Record<string, OnnxFeed>, options: ProfileOptions = {}): OnnxProfile {
    const runs = options.runs ?? 10;
    const warmup = options.warmup ?? 1;
    if (!(Number.isInteger(runs) && runs >= 1)) throw new ArgumentError(`onnx: profile: runs must be an integer >= 1, got ${String(runs)}`);
    if (!(Number.isInteger(warmup) && warmup >= 0)) throw new ArgumentError(`onnx: profile: warmup must be an integer >= 0, got ${String(warmup)}`);
    const free = (r: Record<string, Tensor>) => Object.values(r).forEach((t) => t.dispose());
    for (let i = 0; i < warmup; i++) free(this.run(feeds));
    const profiler: Profiler = { times: new Map(), attributed: 0 };
    const t0 = performance.now();
    for (let i = 0; i < runs; i++) free(this.runTimed(feeds, profiler));
    const totalMs = (performance.now() - t0) / runs;
    return profileOf([...profiler.times].map(([g, t]) => ({ graph: g.graph.name, nodes: g.steps.map((s) => s.node), times: t })), this.cg.graph.name, runs, totalMs);
  }

  private runTimed(feeds: Record<string, OnnxFeed>, profiler: Profiler | undefined): Record<string, Tensor> {
    if (this.disposed) throw new OnnxError('onnx: the model was used after dispose()');
    if (feeds === null || typeof feeds !== 'object') throw new ArgumentError(`onnx: run(feeds) takes an object of input name -> Tensor, got ${feeds === null ? 'null' : typeof feeds}`);
    const made = this.feedTensors(feeds);
    const sig = this.inputs.map((i) => `${made.get(i.name)!.dtype}[${made.get(i.name)!.shape.join(',')}]`).join(';');
    let cache = this.plans.get(sig);
    const building = !cache;
    if (!cache) {
      cache = new Map();
      this.plans.set(sig, cache);
    } else {
      this.plans.delete(sig); // most recently used last
      this.plans.set(sig, cache);
    }
    let outs: Tensor[];
    try {
      outs = execute(this.cg, made, { cache, building, profiler });
    } catch (e) {
      if (building) this.dropPlan(sig);
      throw e;
    }
    while (this.plans.size > PLAN_CACHE) this.dropPlan(this.plans.keys().next().value as string);
    const result: Record<string, Tensor> = {};
    this.outputs.forEach((o, k) => {
      if (Object.prototype.hasOwnProperty.call(result, o.name)) outs[k].dispose();
      else Object.defineProperty(result, o.name, { value: outs[k], enumerable: true, writable: true, configurable: true });
    });
    return result;
  }

  /** The static type of any value of the main graph (file value_info, completed by inference), or null. */
  typeOf(name: string): OnnxValueInfo | null {
    const t = this.cg.types.get(name);
    return t ? infoOf(name, t) : null;
  }

  /** Frees the weights, prepared state and plans. Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const k of [...this.plans.keys()]) this.dropPlan(k);
    this.cg.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /** Node count per op type (sub-graphs included). */
  opCounts(): Record<string, number> {
    const counts: Record<string, number> = {};
    const walk = (g: OnnxModelProto['graph']) => {
      for (const n of g.nodes) {
        const k = n.domain ? `${n.domain}.${n.opType}` : n.opType;
        counts[k] = (counts[k] ?? 0) + 1;
        for (const a of n.attrs.values()) {
          if (a.type === 'graph') walk(a.value);
          else if (a.type === 'graphs') a.value.forEach(walk);
        }
      }
    };
    walk(this.proto.graph);
    return counts;
  }

  /** Elements held by the initializers. */
  get parameters(): number {
    return this.proto.graph.initializers.reduce((a, t) => a + t.dims.reduce((p, d) => p * d, 1), 0);
  }

  toString(): string {
    const ops = Object.entries(this.opCounts()).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    const nodes = ops.reduce((a, [, n]) => a + n, 0);
    const opsets = [...this.proto.opsets].map(([d, v]) => `${d || 'ai.onnx'} ${v}`).join(', ');
    return [
      `OnnxModel(${JSON.stringify(this.proto.graph.name)}${this.proto.producer ? `, from ${this.proto.producer}` : ''}, opset ${opsets}${this.disposed ? ', disposed' : ''})`,
      `  inputs:  ${this.inputs.map((i) => `${i.name}: ${i.onnxType ?? i.dtype}${fmt(i.shape)}`).join(', ')}`,
      `  outputs: ${this.outputs.map((i) => `${i.name}: ${i.onnxType ?? i.dtype}${fmt(i.shape)}`).join(', ')}`,
      `  ${nodes} nodes: ${ops.map(([k, n]) => `${k} ${n}`).join(', ')}`,
      `  ${this.parameters} parameters, ${this.disposed ? 0 : this.cg.constBytes} bytes of constants, ${this.fileBytes} bytes of file`,
    ].join('\n');
  }

  private dropPlan(sig: string): void {
    const c = this.plans.get(sig);
    if (!c) return;
    for (const t of c.values()) t.dispose();
    this.plans.delete(sig);
  }

  /** Checks the feeds and makes one owned tensor per input (views of caller tensors, copies of data). */
  private feedTensors(feeds: Record<string, OnnxFeed>): Map<string, Tensor> {
    const names = new Set(this.inputs.map((i) => i.name));
    const declared = this.inputs.map((i) => `${i.name}: ${i.onnxType ?? i.dtype}${fmt(i.shape)}`).join(', ');
    for (const k of Object.keys(feeds)) {
      if (!names.has(k)) throw new OnnxError(`onnx: run: unknown input ${JSON.stringify(k)}; the model's inputs are ${declared}`);
    }
    const sym = new Map<string, [number, string]>();
    for (const i of this.inputs) {
      const f = feeds[i.name];
      if (f === undefined) throw new OnnxError(`onnx: run: input ${JSON.stringify(i.name)} is missing; the model's inputs are ${declared}`);
      const { dtype, dims } = describeFeed(i.name, f, i.dtype);
      if (dtype !== i.dtype) throw new OnnxError(`onnx: run: input ${JSON.stringify(i.name)} has dtype ${dtype}, the model declares ${i.onnxType ?? i.dtype}${i.onnxType ? ` (fed as ${i.dtype})` : ''}`);
      if (i.shape) {
        const bad = () => new OnnxError(`onnx: run: input ${JSON.stringify(i.name)} has shape [${dims.join(', ')}], the model declares ${fmt(i.shape)}`);
        if (dims.length !== i.shape.length) throw bad();
        i.shape.forEach((d, k) => {
          if (typeof d === 'number' && d !== dims[k]) throw bad();
          if (typeof d === 'string' && d !== '?') {
            const prev = sym.get(d);
            if (prev && prev[0] !== dims[k]) throw new OnnxError(`onnx: run: dimension ${JSON.stringify(d)} is ${dims[k]} in input ${JSON.stringify(i.name)} but ${prev[0]} in input ${JSON.stringify(prev[1])}`);
            sym.set(d, [dims[k], i.name]);
          }
        });
      }
    }
    const out = new Map<string, Tensor>();
    try {
      for (const i of this.inputs) out.set(i.name, ownFeed(i, feeds[i.name], this.engine));
    } catch (e) {
      for (const t of out.values()) t.dispose();
      throw e;
    }
    return out;
  }
}

/** The dtype and dims a feed brings (typed arrays of other kinds convert to the declared dtype). */
function describeFeed(name: string, f: OnnxFeed, want: DType): { dtype: DType; dims: number[] } {
  if (f instanceof Tensor) {
    if (f.isDisposed) throw new OnnxError(`onnx: run: input ${JSON.stringify(name)} is a disposed tensor`);
    return { dtype: f.dtype, dims: f.shape.slice() };
  }
  if (!f || typeof f !== 'object' || !('data' in f) || !Array.isArray(f.dims)) {
    throw new OnnxError(`onnx: run: input ${JSON.stringify(name)} must be a Tensor or { data, dims }, got ${f === null ? 'null' : typeof f}`);
  }
  const d = f.data;
  const numel = f.dims.reduce((a, b) => a * b, 1);
  if (!f.dims.every((x) => Number.isInteger(x) && x >= 0)) throw new OnnxError(`onnx: run: input ${JSON.stringify(name)} dims [${f.dims.join(', ')}] must be integers >= 0`);
  if (!d || typeof (d as ArrayLike<number>).length !== 'number' || (d as ArrayLike<number>).length !== numel) {
    throw new OnnxError(`onnx: run: input ${JSON.stringify(name)} has ${(d as ArrayLike<number>)?.length ?? 'no'} values for dims [${f.dims.join(', ')}] (${numel} expected)`);
  }
  const dtype: DType = d instanceof Float32Array || d instanceof Float64Array ? 'float32'
    : d instanceof BigInt64Array || d instanceof BigUint64Array ? 'int64'
    : d instanceof Int32Array || d instanceof Int8Array || d instanceof Int16Array || d instanceof Uint16Array ? 'int32'
    : d instanceof Uint8Array ? (want === 'uint8' ? 'uint8' : 'bool')
    : want; // plain arrays take the declared dtype
  return { dtype, dims: f.dims.slice() };
}

function ownFeed(i: OnnxValueInfo, f: OnnxFeed, engine: Engine): Tensor {
  if (f instanceof Tensor) {
    if (f.engine !== engine) throw new OnnxError(`onnx: run: input ${JSON.stringify(i.name)} lives in another engine than the model`);
    return f.reshape(f.shape);
  }
  const d = f.data as ArrayLike<number | bigint>;
  let data: TensorData;
  if (i.dtype === 'int64') data = d instanceof BigInt64Array ? d : BigInt64Array.from(d as ArrayLike<number>, (v) => BigInt(v));
  else if (i.dtype === 'float32') data = d instanceof Float32Array ? d : Float32Array.from(d as ArrayLike<number>);
  else if (i.dtype === 'int32') data = d instanceof Int32Array ? d : Int32Array.from(d as ArrayLike<number>);
  else data = d instanceof Uint8Array ? d : Uint8Array.from(d as ArrayLike<number>);
  return Tensor.from(data, f.dims, i.dtype, engine);
}
