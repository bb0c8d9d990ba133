/**
 * Module: the base of every layer, shaped like torch.nn.Module. Parameters and buffers are
 * tensors in PyTorch's logical layouts, named by PyTorch's state_dict keys; submodules give the
 * dotted prefixes (`layers.0.self_attn.in_proj_weight`). Packed kernel layouts are a private
 * cache rebuilt by `onLoad()` whenever the parameters change.
 */
import { Tensor } from '../tensor.js';
import { getEngine, type Engine } from '../runtime/engine.js';
import { DisposedError, ShapeError, StateDictError, fmtShape } from '../runtime/errors.js';

/** What loadStateDict accepts per key: a Tensor, or raw data with its shape. */
export type StateValue = Tensor | { data: ArrayLike<number> | BigInt64Array; shape: readonly number[] };
export type StateDict = Record<string, StateValue>;

export interface LoadOptions {
  /** Every key must match (default true): missing, unexpected and mis-shaped keys are reported together. */
  strict?: boolean;
}

export abstract class Module {
  protected readonly engine: Engine;
  private readonly params = new Map<string, Tensor>();
  private readonly buffers = new Map<string, Tensor>();
  private readonly children = new Map<string, Module>();
  private disposed = false;

  constructor(engine: Engine = getEngine()) {
    this.engine = engine;
  }

  /** Registers a parameter (PyTorch key `name`), kept alive past any scope. */
  protected registerParameter(name: string, t: Tensor): Tensor {
    this.params.set(name, this.engine.keep(t));
    return t;
  }

  protected registerBuffer(name: string, t: Tensor): Tensor {
    this.buffers.set(name, this.engine.keep(t));
    return t;
  }

  protected registerModule<M extends Module>(name: string, m: M): M {
    this.children.set(name, m);
    return m;
  }

  /** A registered parameter or buffer of this module (not of its children). */
  protected param(name: string): Tensor {
    this.checkLive();
    const t = this.params.get(name) ?? this.buffers.get(name);
    if (!t) throw new StateDictError(`${this.constructor.name} has no parameter ${name}`);
    return t;
  }

  protected hasParam(name: string): boolean {
    return this.params.has(name) || this.buffers.has(name);
  }

  /** Named children in registration order. */
  namedChildren(): [string, Module][] {
    return [...this.children];
  }

  /** Every (key, tensor) of parameters and buffers, recursively, with dotted keys. */
  namedTensors(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, t] of this.params) out.push([prefix + n, t]);
    for (const [n, t] of this.buffers) out.push([prefix + n, t]);
    for (const [n, m] of this.children) out.push(...m.namedTensors(`${prefix}${n}.`));
    return out;
  }

  namedParameters(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, t] of this.params) out.push([prefix + n, t]);
    for (const [n, m] of this.children) out.push(...m.namedParameters(`${prefix}${n}.`));
    return out;
  }

  /**
   * The state dict with PyTorch's keys. The tensors are the module's own (not copies): read them,
   * don't dispose them.
   */
  stateDict(): Record<string, Tensor> {
    this.checkLive();
    return Object.fromEntries(this.namedTensors());
  }

  /**
   * Copies values into the parameters and buffers, then repacks kernel weights once.
   * In strict mode (default) every missing and unexpected key and every shape mismatch is
   * reported in one StateDictError and nothing is changed.
   */
  loadStateDict(dict: StateDict, options: LoadOptions = {}): this {
    this.checkLive();
    const strict = options.strict ?? true;
    const own = new Map(this.namedTensors());
    const missing = [...own.keys()].filter((k) => !(k in dict));
    const unexpected = Object.keys(dict).filter((k) => !own.has(k));
    const mismatched: string[] = [];
    for (const [k, t] of own) {
      const v = dict[k];
      if (v === undefined) continue;
      const shape = v instanceof Tensor ? v.shape : v.shape;
      const n = v instanceof Tensor ? v.numel : v.data.length;
      const same = shape.length === t.shape.length && shape.every((d, i) => d === t.shape[i]);
      if (!same || n !== t.numel) mismatched.push(`${k}: got ${fmtShape(shape)}, expected ${fmtShape(t.shape)}`);
    }
    if (mismatched.length || (strict && (missing.length || unexpected.length))) {
      const parts: string[] = [];
      if (missing.length) parts.push(`missing keys: ${missing.join(', ')}`);
      if (unexpected.length) parts.push(`unexpected keys: ${unexpected.join(', ')}`);
      if (mismatched.length) parts.push(`shape mismatch: ${mismatched.join('; ')}`);
      throw new StateDictError(`${this.constructor.name}.loadStateDict: ${parts.join('. ')}`, missing, unexpected, mismatched);
    }
    for (const [k, t] of own) {
      const v = dict[k];
      if (v === undefined) continue;
      copyInto(t, v, k);
    }
    this.afterLoad();
    return this;
  }

  /** Calls onLoad() bottom-up so every module repacks from its new parameters. */
  protected afterLoad(): void {
    for (const m of this.children.values()) m.afterLoad();
    this.onLoad();
  }

  /** Rebuilds private caches (packed weights) from the parameters. Default: nothing. */
  protected onLoad(): void {}

  /** One line of hyperparameters for toString(), as PyTorch's extra_repr(). */
  protected extraRepr(): string {
    return '';
  }

  /** The module tree printed like PyTorch's repr. */
  toString(): string {
    const name = this.constructor.name;
    if (this.children.size === 0) return `${name}(${this.extraRepr()})`;
    const lines = [`${name}(`];
    const extra = this.extraRepr();
    if (extra) lines.push(`  ${extra}`);
    for (const [n, m] of this.children) {
      const sub = m.toString().split('\n');
      lines.push(`  (${n}): ${sub[0]}`, ...sub.slice(1).map((l) => `  ${l}`));
    }
    lines.push(')');
    return lines.join('\n');
  }

  /** Frees every parameter, buffer and cache of this module and its children. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const m of this.children.values()) m.dispose();
    for (const t of this.params.values()) t.dispose();
    for (const t of this.buffers.values()) t.dispose();
    this.onDispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Frees private caches. Default: nothing. */
  protected onDispose(): void {}

  protected checkLive(): void {
    if (this.disposed) throw new DisposedError(`${this.constructor.name} was used after dispose()`);
  }
}

function copyInto(dst: Tensor, v: StateValue, key: string): void {
  if (v instanceof Tensor) {
    if (v.dtype === dst.dtype) dst.bytes().set(v.bytes());
    else copyValues(dst, v.toTypedArray() as ArrayLike<number> | BigInt64Array);
    return;
  }
  if (v.data.length !== dst.numel) throw new ShapeError(`${key}: ${v.data.length} values for ${dst.numel} elements`);
  copyValues(dst, v.data);
}

function copyValues(dst: Tensor, src: ArrayLike<number> | BigInt64Array): void {
  const d = dst.data();
  if (d instanceof BigInt64Array) {
    for (let i = 0; i < d.length; i++) d[i] = BigInt(Math.trunc(Number(src[i])));
  } else {
    for (let i = 0; i < d.length; i++) (d as Float32Array)[i] = Number(src[i]);
  }
}
