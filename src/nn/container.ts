/**
 * Module containers shaped like torch.nn's: Sequential (children "0", "1", ... called in order)
 * and ModuleList (an indexable list of children, no forward). Their children's state_dict keys
 * are prefixed by the index, as in PyTorch: `0.weight`, `layers.1.linear1.bias`.
 */
import { Module } from './module.js';
import { Tensor } from '../tensor.js';
import { ArgumentError } from '../runtime/errors.js';

/** A module with a one-argument forward (every layer). */
export interface ForwardModule extends Module {
  forward(input: Tensor): Tensor;
}

function checkIndex(what: string, i: number, n: number): number {
  if (!Number.isInteger(i) || i < -n || i >= n) throw new ArgumentError(`${what}: index ${i} is out of range for ${n} modules`);
  return i < 0 ? i + n : i;
}

/**
 * `new nn.Sequential(a, b, c)` (children named "0", "1", "2") or `new nn.Sequential({ conv: a,
 * relu: b })` (PyTorch's OrderedDict form). forward(x) = c(b(a(x))); the intermediate tensors
 * are freed (the chain runs in one engine scope), the result is returned.
 */
export class Sequential extends Module {
  private readonly list: ForwardModule[] = [];

  constructor(...modules: Module[] | [Record<string, Module>]) {
    super();
    const first = modules[0];
    if (modules.length === 1 && !(first instanceof Module) && typeof first === 'object' && first !== null) {
      for (const [name, m] of Object.entries(first)) this.add(name, m);
    } else {
      for (const m of modules as Module[]) this.add(String(this.list.length), m);
    }
  }

  /** Appends a module (named by its index). */
  append(m: Module): this {
    this.add(String(this.list.length), m);
    return this;
  }

  /** The i-th module (negative counts from the end), as `seq[i]` in PyTorch. */
  at<M extends Module = ForwardModule>(i: number): M {
    return this.list[checkIndex('Sequential.at', i, this.list.length)] as unknown as M;
  }

  get length(): number {
    return this.list.length;
  }

  [Symbol.iterator](): Iterator<ForwardModule> {
    return this.list[Symbol.iterator]();
  }

  forward(input: Tensor): Tensor {
    // The intermediates live in the input's engine (stateless children follow the input).
    const engine = input instanceof Tensor ? input.engine : this.engine;
    return engine.scope(() => {
      let x = input;
      for (const m of this.list) x = m.forward(x);
      return x;
    });
  }

  private add(name: string, m: Module): void {
    if (!(m instanceof Module) || typeof (m as unknown as { forward?: unknown }).forward !== 'function') {
      throw new ArgumentError(`Sequential: module ${name} must be a Module with a forward(), got ${m === null ? 'null' : (m as object)?.constructor?.name ?? typeof m}`);
    }
    this.registerModule(name, m);
    this.list.push(m as ForwardModule);
  }
}

/** `new nn.ModuleList([a, b])`: children named "0", "1", ...; indexable and iterable, no forward. */
export class ModuleList<M extends Module = Module> extends Module {
  private readonly list: M[] = [];

  constructor(modules: Iterable<M> = []) {
    super();
    this.extend(modules);
  }

  append(m: M): this {
    this.registerModule(String(this.list.length), m);
    this.list.push(m);
    return this;
  }

  extend(modules: Iterable<M>): this {
    for (const m of modules) this.append(m);
    return this;
  }

  at(i: number): M {
    return this.list[checkIndex('ModuleList.at', i, this.list.length)];
  }

  get length(): number {
    return this.list.length;
  }

  [Symbol.iterator](): Iterator<M> {
    return this.list[Symbol.iterator]();
  }
}
