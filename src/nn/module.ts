/**
 * Module: the base of every layer, shaped like torch.nn.Module. Parameters and buffers are
 * tensors in PyTorch's logical layouts, named by PyTorch's state_dict keys; submodules give the
 * dotted prefixes (`layers.0.self_attn.in_proj_weight`). Packed kernel layouts are a private
 * cache rebuilt by `onLoad()` whenever the parameters change.
 *
 * A custom model composes layers the way a PyTorch `nn.Module` subclass does: register each
 * child under the attribute name PyTorch uses (that name becomes the state_dict prefix), write
 * `forward`, and free intermediates with `this.engine.scope`:
 *
 * ```ts
 * class TinyNet extends nn.Module {
 *   readonly fc1 = this.registerModule('fc1', new nn.Linear(16, 32));
 *   readonly act = this.registerModule('act', new nn.ReLU());
 *   readonly fc2 = this.registerModule('fc2', new nn.Linear(32, 4));
 *   forward(x: Tensor): Tensor {
 *     return this.engine.scope(() => this.fc2.forward(this.act.forward(this.fc1.forward(x))));
 *   }
 * }
 * const net = new TinyNet().loadStateDict(loadSafetensors(bytes)); // keys fc1.weight, fc1.bias, fc2.weight, fc2.bias
 * String(net); // TinyNet(\n  (fc1): Linear(in_features=16, out_features=32, bias=True)\n  (act): ReLU()\n  ...)
 * ```
 * Own tensors go through `registerParameter` / `registerBuffer` (persistent = false keeps a
 * buffer out of the state dict, as in PyTorch); `extraRepr()` gives the one-line summary that
 * `toString()` prints; `onLoad()` repacks kernel weights after `loadStateDict`;
 * `optionalStateKeys()` names own keys a checkpoint may lack (num_batches_tracked); `onDispose()`
 * frees anything else the module allocated. A tensor a module keeps from inside `forward`
 * (e.g. the last attention weights) must be passed to `this.engine.keep()` so that an
 * enclosing scope (nn.Sequential runs its children in one) does not free it.
 */
import { Tensor } from '../tensor.js';
import { getEngine, type Engine } from '../runtime/engine.js';
import { ArgumentError, DisposedError, StateDictError, fmtShape } from '../runtime/errors.js';

/** What loadStateDict accepts per key: a Tensor, or raw data with its shape. */
export type StateValue = Tensor | { data: ArrayLike<number> | BigInt64Array; shape: readonly number[] };
export type StateDict = Record<string, StateValue>;

export interface LoadOptions {
  /**
   * Every key must match (default true): missing, unexpected and mis-shaped keys are reported
   * together. With false, missing and unexpected keys are skipped (see checkStateDict() for the
   * list), but a shape mismatch or an unusable value is still an error, as in PyTorch.
   */
  strict?: boolean;
}

/** What checkStateDict() finds (PyTorch's `_IncompatibleKeys` plus the mismatches). */
export interface StateDictReport {
  /** Keys of the module absent from the dict. */
  missingKeys: string[];
  /** Keys of the dict the module does not have. */
  unexpectedKeys: string[];
  /** `key: got [..], expected [..]` for every shape mismatch or unusable value. */
  mismatched: string[];
}

export abstract class Module {
  private engineRef: Engine | null;
  private readonly params = new Map<string, Tensor>();
  private readonly buffers = new Map<string, Tensor>();
  private readonly children = new Map<string, Module>();
  private readonly nonPersistent = new Set<string>();
  private disposed = false;
  /** Sum of the own parameters' versions when the packs were last built (see freshPacks()). */
  private packedVersion = -1;

  constructor(engine?: Engine) {
    this.engineRef = engine ?? null;
  }

  /**
   * The engine this module's tensors live in: the one given to the constructor, else the default
   * engine, looked up only when needed, so stateless modules and containers (ReLU, Sequential,
   * ModuleList, ...) can be built with createEngine() alone, before or without init().
   */
  protected get engine(): Engine {
    return this.engineRef ?? getEngine();
  }

  /** Registers a parameter (PyTorch key `name`), kept alive past any scope. */
  protected registerParameter(name: string, t: Tensor): Tensor {
    this.checkName(name, t instanceof Tensor, 'parameter');
    this.params.set(name, this.pin(t.engine).keep(t));
    return t;
  }

  /**
   * Registers a buffer (running statistics, `num_batches_tracked`, ...). A non-persistent buffer
   * is not part of the state dict, as with PyTorch's `register_buffer(name, t, persistent=False)`.
   */
  protected registerBuffer(name: string, t: Tensor, persistent = true): Tensor {
    this.checkName(name, t instanceof Tensor, 'buffer');
    this.buffers.set(name, this.pin(t.engine).keep(t));
    if (!persistent) this.nonPersistent.add(name);
    return t;
  }

  protected registerModule<M extends Module>(name: string, m: M): M {
    this.checkName(name, m instanceof Module, 'module');
    this.children.set(name, m);
    if (m.engineRef) this.pin(m.engineRef);
    return m;
  }

  /** A module that was given no engine takes the one of its first tensor (or child that has one). */
  private pin(engine: Engine): Engine {
    this.engineRef ??= engine;
    return engine;
  }

  private checkName(name: string, ok: boolean, what: string): void {
    if (!ok) throw new ArgumentError(`${this.constructor.name}: ${what} ${JSON.stringify(name)} must be a ${what === 'module' ? 'Module' : 'Tensor'}`);
    if (typeof name !== 'string' || name === '' || name.includes('.')) {
      throw new ArgumentError(`${this.constructor.name}: ${what} name ${JSON.stringify(name)} must be a non-empty string without "."`);
    }
    const taken = (this.params.has(name) && what !== 'parameter') || (this.buffers.has(name) && what !== 'buffer') || (this.children.has(name) && what !== 'module');
    if (taken) throw new ArgumentError(`${this.constructor.name}: ${JSON.stringify(name)} is already registered as another kind of member`);
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

  /** Every (key, tensor) of the state: parameters and persistent buffers, recursively, dotted keys. */
  namedTensors(prefix = ''): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    for (const [n, t] of this.params) out.push([prefix + n, t]);
    for (const [n, t] of this.buffers) if (!this.nonPersistent.has(n)) out.push([prefix + n, t]);
    for (const [n, m] of this.children) out.push(...m.namedTensors(`${prefix}${n}.`));
    return out;
  }

  /**
   * Own state keys that may be absent from a loaded dict (they keep their value), the way
   * PyTorch's BatchNorm accepts checkpoints without `num_batches_tracked`. Default: none.
   */
  protected optionalStateKeys(): readonly string[] {
    return [];
  }

  private optionalKeys(prefix = '', out = new Set<string>()): Set<string> {
    for (const k of this.optionalStateKeys()) out.add(prefix + k);
    for (const [n, m] of this.children) m.optionalKeys(`${prefix}${n}.`, out);
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
   * Compares a state dict with this module's keys, shapes and dtypes without changing anything:
   * the missing and unexpected keys (PyTorch's `_IncompatibleKeys`) and every mismatch.
   */
  checkStateDict(dict: StateDict): StateDictReport {
    this.checkLive();
    if (typeof dict !== 'object' || dict === null) throw new ArgumentError(`${this.constructor.name}.loadStateDict: expected an object of tensors by key, got ${String(dict)}`);
    const own = new Map(this.namedTensors());
    const optional = this.optionalKeys();
    const missingKeys = [...own.keys()].filter((k) => !Object.hasOwn(dict, k) && !optional.has(k));
    const unexpectedKeys = Object.keys(dict).filter((k) => !own.has(k));
    const mismatched: string[] = [];
    for (const [k, t] of own) {
      if (!Object.hasOwn(dict, k)) continue;
      const why = whyUnusable(dict[k], t);
      if (why) mismatched.push(`${k}: ${why}`);
    }
    return { missingKeys, unexpectedKeys, mismatched };
  }

  /**
   * Copies values into the parameters and buffers (converting dtypes as torch's copy_ does),
   * then repacks kernel weights once. In strict mode (default) every missing and unexpected key
   * and every shape mismatch is reported in one StateDictError and nothing is changed. In
   * non-strict mode missing and unexpected keys are skipped, mismatches still throw.
   */
  loadStateDict(dict: StateDict, options: LoadOptions = {}): this {
    const strict = options.strict ?? true;
    const { missingKeys: missing, unexpectedKeys: unexpected, mismatched } = this.checkStateDict(dict);
    if (mismatched.length || (strict && (missing.length || unexpected.length))) {
      const parts: string[] = [];
      if (strict && missing.length) parts.push(`missing keys: ${missing.join(', ')}`);
      if (strict && unexpected.length) parts.push(`unexpected keys: ${unexpected.join(', ')}`);
      if (mismatched.length) parts.push(`mismatched keys: ${mismatched.join('; ')}`);
      throw new StateDictError(`${this.constructor.name}.loadStateDict: ${parts.join('. ')}`, missing, unexpected, mismatched);
    }
    this.adoptHalf(dict);
    for (const [k, t] of this.namedTensors()) {
      if (Object.hasOwn(dict, k)) copyInto(t, dict[k]);
    }
    this.afterLoad();
    return this;
  }

  /**
   * Own parameters that may be kept in float16 when a state dict brings them as float16 tensors
   * (loadSafetensors(..., { keep: 'f16' })); the module must compute with them (Linear: the
   * fp16-weight GEMM). Default: none (float16 values are widened into the float32 parameters).
   */
  protected halfParams(): readonly string[] {
    return [];
  }

  /** Called when a parameter was replaced by one of another dtype (adoptHalf); update fields. Default: nothing. */
  protected onParamReplaced(_name: string, _t: Tensor): void {}

  /** Swaps float32 parameters listed by halfParams() for float16 ones where `dict` brings float16 (recursively). */
  private adoptHalf(dict: StateDict, prefix = ''): void {
    for (const name of this.halfParams()) {
      const v = dict[prefix + name];
      const own = this.params.get(name);
      if (!own || !(v instanceof Tensor) || v.dtype !== 'float16' || own.dtype !== 'float32' || !sameShape(v.shape, own.shape)) continue;
      const t = this.pin(own.engine).keep(Tensor.empty(own.shape, 'float16', own.engine));
      this.params.set(name, t);
      own.dispose();
      this.onParamReplaced(name, t);
    }
    for (const [n, m] of this.children) m.adoptHalf(dict, `${prefix}${n}.`);
  }

  /** Calls onLoad() bottom-up so every module repacks from its new parameters. */
  protected afterLoad(): void {
    for (const m of this.children.values()) m.afterLoad();
    this.repack();
  }

  /** Rebuilds the packs (onLoad()) and records the parameter versions they were built from. */
  protected repack(): void {
    this.onLoad();
    this.packedVersion = this.paramsVersion();
  }

  /**
   * For modules that keep packed copies of their parameters: call before using the packs; repacks
   * when a parameter was written in place (a data()/bytes() view was taken) since the last pack.
   */
  protected freshPacks(): void {
    if (this.paramsVersion() !== this.packedVersion) this.repack();
  }

  private paramsVersion(): number {
    let v = 0;
    for (const t of this.params.values()) v += t.version;
    return v;
  }

  /** Rebuilds private caches (packed weights) from the parameters. Default: nothing. */
  protected onLoad(): void {}

  /** One line of hyperparameters for toString(), as PyTorch's extra_repr(). */
  protected extraRepr(): string {
    return '';
  }

  /**
   * The module tree printed exactly like PyTorch's repr: `Name(extra)` for a leaf, otherwise
   * one `(name): child` line per child, indented by two spaces.
   */
  toString(): string {
    const extra = this.extraRepr();
    const lines = extra ? extra.split('\n') : [];
    const extraCount = lines.length;
    for (const [n, m] of this.children) lines.push(`(${n}): ${m.toString().split('\n').join('\n  ')}`);
    const name = this.constructor.name;
    if (lines.length === 0) return `${name}()`;
    if (extraCount === 1 && this.children.size === 0) return `${name}(${lines[0]})`;
    return `${name}(\n  ${lines.join('\n  ')}\n)`;
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

  /** Always false: simdnn runs inference only (PyTorch's eval mode). */
  get training(): boolean {
    return false;
  }

  /** PyTorch's `model.eval()`: a no-op here (always in eval mode), returns this for chaining. */
  eval(): this {
    return this.train(false);
  }

  /** PyTorch's `model.train(mode)`: only `train(false)` is possible (inference engine); returns this. */
  train(mode = true): this {
    if (mode) throw new ArgumentError(`${this.constructor.name}.train(): training mode is not supported (simdnn runs inference only), expected train(false) or eval()`);
    return this;
  }

  /** Frees private caches. Default: nothing. */
  protected onDispose(): void {}

  protected checkLive(): void {
    if (this.disposed) throw new DisposedError(`${this.constructor.name} was used after dispose()`);
    if (this.engineRef?.isDisposed) throw new DisposedError(`${this.constructor.name} was used after its engine was disposed (engine.dispose())`);
  }
}

const isFloat = (t: Tensor) => t.dtype === 'float32';

/** Why `v` cannot be copied into `dst` (shape, size, dtype, disposed), or '' if it can. */
function whyUnusable(v: StateValue, dst: Tensor): string {
  if (v instanceof Tensor) {
    if (v.isDisposed) return `the tensor was disposed (expected ${fmtShape(dst.shape)})`;
    if (!sameShape(v.shape, dst.shape)) return `got ${fmtShape(v.shape)}, expected ${fmtShape(dst.shape)}`;
    if (isFloat(v) && !isFloat(dst)) {
      const bad = v.data<'float32'>().findIndex((x) => !Number.isFinite(x));
      if (bad >= 0) return `value ${v.data<'float32'>()[bad]} at index ${bad} cannot become ${dst.dtype}`;
    }
    return '';
  }
  if (typeof v !== 'object' || v === null || !Array.isArray(v.shape) || v.data == null || typeof v.data.length !== 'number') {
    return `expected a Tensor or { data, shape }, got ${v === null ? 'null' : typeof v}`;
  }
  if (!sameShape(v.shape, dst.shape)) return `got ${fmtShape(v.shape)}, expected ${fmtShape(dst.shape)}`;
  if (v.data.length !== dst.numel) return `${v.data.length} values for shape ${fmtShape(dst.shape)} (${dst.numel} elements)`;
  if (!isFloat(dst) && !(v.data instanceof BigInt64Array)) {
    for (let i = 0; i < v.data.length; i++) {
      if (!Number.isFinite(Number(v.data[i]))) return `value ${v.data[i]} at index ${i} cannot become ${dst.dtype}`;
    }
  }
  return '';
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

function copyInto(dst: Tensor, v: StateValue): void {
  if (v instanceof Tensor) {
    if (v.dtype === dst.dtype) {
      const c = v.contiguous(); // a strided view is copied dense first
      try {
        dst.bytes().set(c.bytes());
      } finally {
        c.dispose();
      }
    } else copyValues(dst, v.dtype === 'float16' ? v.toFloat32Array() : (v.toTypedArray() as ArrayLike<number> | BigInt64Array));
  } else {
    copyValues(dst, v.data);
  }
}

/** Converts element by element as torch's copy_ does: floats truncate toward zero into integers, bool is x != 0. */
function copyValues(dst: Tensor, src: ArrayLike<number | bigint>): void {
  const n = dst.numel;
  const vals = new Array<number | bigint>(n);
  for (let i = 0; i < n; i++) vals[i] = src[i]; // read everything before writing (src may alias dst's memory)
  const d = dst.data();
  if (d instanceof BigInt64Array) {
    for (let i = 0; i < n; i++) d[i] = typeof vals[i] === 'bigint' ? (vals[i] as bigint) : BigInt(Math.trunc(vals[i] as number));
  } else if (dst.dtype === 'bool') {
    for (let i = 0; i < n; i++) d[i] = vals[i] != 0 ? 1 : 0; // eslint-disable-line eqeqeq
  } else if (dst.dtype === 'float32') {
    for (let i = 0; i < n; i++) d[i] = Number(vals[i]);
  } else {
    for (let i = 0; i < n; i++) d[i] = typeof vals[i] === 'bigint' ? Number(BigInt.asIntN(32, vals[i] as bigint)) : Math.trunc(vals[i] as number);
  }
}
