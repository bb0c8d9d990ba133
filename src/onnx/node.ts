/**
 * The ONNX graph's data model as every part of src/onnx/ sees it: a decoded node with typed
 * attribute accessors, and the contract of an operator definition (OpDef). The protobuf decoder
 * produces OnnxNode objects; each op family (src/onnx/ops/<family>.ts) exports OpDefs that map a
 * node onto the src/ops/ functions the nn front end calls too (one kernel, two front ends).
 */
import type { Engine } from '../runtime/engine.js';
import type { DType, Tensor } from '../tensor.js';
import { OnnxError } from '../runtime/errors.js';

/** A dimension: a size, or a symbolic name from the model ('batch', 'seq'). */
export type Dim = number | string;

/** The static type of a graph value; `shape: null` when even the rank is unknown. */
export interface ValueType {
  dtype: DType;
  shape: Dim[] | null;
  /** The element type as the file names it when it differs from dtype ('float16', 'int8', 'double'...): stored as dtype. */
  onnxType?: string;
}

/** A constant tensor as decoded from a TensorProto (before it is put into wasm memory). */
export interface OnnxTensorData {
  name: string;
  dtype: DType;
  dims: number[];
  /** Little-endian element bytes in `dtype` (int64 as 8 bytes, bool as 1). */
  bytes: Uint8Array;
  /** The element type as the file names it when it differs from dtype ('float16' is widened to float32...). */
  onnxType?: string;
  /** data_location = EXTERNAL: where the bytes are (then `bytes` is empty until resolved). */
  external?: { location: string; offset: number; length: number | null };
  /** Set by the streaming loader: the data is already in this tensor (`bytes` is empty); the graph takes it over. */
  preloaded?: Tensor;
}

/** A decoded (sub)graph: what `If` branches and `Loop` bodies carry. */
export interface OnnxGraph {
  name: string;
  nodes: OnnxNode[];
  inputs: { name: string; type: ValueType | null }[];
  outputs: { name: string; type: ValueType | null }[];
  initializers: OnnxTensorData[];
  /** value_info: the types the file records for intermediate values (optional). */
  valueInfo?: { name: string; type: ValueType | null }[];
}

export type AttrValue =
  | { type: 'float'; value: number }
  | { type: 'int'; value: number }
  | { type: 'string'; value: string }
  | { type: 'tensor'; value: OnnxTensorData }
  | { type: 'graph'; value: OnnxGraph }
  | { type: 'floats'; value: number[] }
  | { type: 'ints'; value: number[] }
  | { type: 'strings'; value: string[] }
  | { type: 'tensors'; value: OnnxTensorData[] }
  | { type: 'graphs'; value: OnnxGraph[] };

type TypeOf<K extends AttrValue['type']> = Extract<AttrValue, { type: K }>['value'];

/** A node of the graph. Absent optional inputs/outputs are '' (as in the file). */
export class OnnxNode {
  constructor(
    readonly name: string,
    readonly opType: string,
    /** '' for the default ONNX domain ('ai.onnx' is normalized to ''). */
    readonly domain: string,
    readonly inputs: readonly string[],
    readonly outputs: readonly string[],
    readonly attrs: ReadonlyMap<string, AttrValue>,
  ) {}

  /** How errors name this node: `node "conv1" (Conv)`. */
  get label(): string {
    return `node ${JSON.stringify(this.name || this.outputs[0] || '?')} (${this.domain ? this.domain + '.' : ''}${this.opType})`;
  }

  /** An OnnxError naming this node. */
  error(message: string): OnnxError {
    return new OnnxError(`${this.label}: ${message}`);
  }

  has(name: string): boolean {
    return this.attrs.has(name);
  }

  /** The attribute of `type`, or `fallback` when absent (an error when absent without fallback or of another type). */
  attr<K extends AttrValue['type']>(name: string, type: K, fallback?: TypeOf<K>): TypeOf<K> {
    const a = this.attrs.get(name);
    if (!a) {
      if (fallback !== undefined) return fallback;
      throw this.error(`attribute ${JSON.stringify(name)} is required (${type})`);
    }
    if (a.type !== type) throw this.error(`attribute ${JSON.stringify(name)} must be of type ${type}, got ${a.type}`);
    return a.value as TypeOf<K>;
  }

  int(name: string, fallback?: number): number {
    return this.attr(name, 'int', fallback);
  }
  float(name: string, fallback?: number): number {
    return this.attr(name, 'float', fallback);
  }
  string(name: string, fallback?: string): string {
    return this.attr(name, 'string', fallback);
  }
  ints(name: string, fallback?: number[]): number[] {
    return this.attr(name, 'ints', fallback);
  }
  floats(name: string, fallback?: number[]): number[] {
    return this.attr(name, 'floats', fallback);
  }
  strings(name: string, fallback?: string[]): string[] {
    return this.attr(name, 'strings', fallback);
  }

  /** The i-th input name, '' when absent. */
  input(i: number): string {
    return this.inputs[i] ?? '';
  }
}

/** What an op sees while it runs (and while it is checked at load). */
export interface OpContext {
  readonly engine: Engine;
  /** The opset version imported for this node's domain. */
  readonly opset: number;
  /** Runs a subgraph (If branches): inputs are the outer values it reads by name. */
  runGraph?(graph: OnnxGraph, outer: (name: string) => Tensor | null): Tensor[];
  /** The values visible at this node by name (what a subgraph of this node may read), null when unknown. */
  lookup?(name: string): Tensor | null;
}

/**
 * One operator. `check` runs at load for every node (attributes, input counts, supported dtypes:
 * throw node.error(...) naming what is wrong); `run` computes the outputs from the inputs (null for
 * an absent optional input) and returns new tensors the runtime owns (it may return an input
 * itself, or a reshaped view of it, for Identity-like ops). `infer`, when present, gives the output
 * types from the input types without running (the constant values of inputs that are constants
 * are passed in `consts`; null when not constant): the runtime falls back to running when absent.
 */
export interface OpDef {
  /** Oldest opset this definition implements (default 1); the runtime rejects older models. */
  sinceVersion?: number;
  check?(node: OnnxNode, ctx: OpContext): void;
  infer?(node: OnnxNode, inputs: (ValueType | null)[], consts: (Tensor | null)[], ctx: OpContext): ValueType[];
  run(node: OnnxNode, inputs: (Tensor | null)[], ctx: OpContext): Tensor[];
  /**
   * Optional, called once at load with the inputs that are constants (initializers, folded
   * values; null where not constant): pack weights once (Conv, Gemm/MatMul with a constant
   * operand, RNN weights). Returns null when nothing can be prepared (then `run` is used). The
   * runtime calls the prepared op's `run` instead of `run` every time, and `dispose` with the model.
   */
  prepare?(node: OnnxNode, consts: (Tensor | null)[], ctx: OpContext): PreparedOp | null;
}

/** Per-node state built at load (packed weights): runs the node with them. */
export interface PreparedOp {
  run(inputs: (Tensor | null)[], ctx: OpContext): Tensor[];
  dispose(): void;
  /**
   * Input positions whose constants the prepared state holds itself (packed weights): when no
   * other node or output reads such a constant, the runtime frees it after preparation and
   * passes null at that position to `run`.
   */
  absorbs?: readonly number[];
}

/** Op definitions of one family, keyed by op type (default domain) or `domain.OpType`. */
export type OpTable = Record<string, OpDef>;
