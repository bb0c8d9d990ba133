/**
 * torch.nn.utils forms: weightNorm / removeWeightNorm.
 *
 * weightNorm(module, name = 'weight', dim = 0) reparametrizes a parameter as PyTorch's
 * weight_norm does: the module's state dict then holds `<name>_g` (the norm, shape 1 on every dim
 * but `dim`) and `<name>_v` (the direction, the parameter's shape) instead of `<name>`, in
 * PyTorch's order (after the other own parameters), so checkpoints saved from a weight-normed
 * torch module (torchaudio's wav2vec2 pos_conv: dim=2) load unchanged. The weight
 *   w = g * v / ||v||   (2-norm over every dim except `dim`; over all dims when dim is null)
 * is folded at load (loadStateDict), in float64, into the module's own parameter, so forward
 * runs the plain layer. Writing g or v in place afterwards takes effect at the next load or
 * removeWeightNorm (PyTorch recomputes before every forward; inference here computes it once).
 */
import type { Module } from './module.js';
import { Tensor } from '../tensor.js';
import { ArgumentError } from '../runtime/errors.js';

/** The members of Module that the reparametrization wraps on the instance (protected ones included). */
interface Patchable {
  namedTensors(prefix?: string): [string, Tensor][];
  namedParameters(prefix?: string): [string, Tensor][];
  afterLoad(): void;
  dispose(): void;
}

interface WeightNormState {
  name: string;
  dim: number | null;
  g: Tensor;
  v: Tensor;
}

/** Per reparametrized module: its weight-normed parameters and its own (unwrapped) members. */
interface Record_ {
  states: WeightNormState[];
  orig: Patchable;
}

const STATE = new WeakMap<Module, Record_>();

/** [outer, n, inner] of `shape` around dim d (d = null: one group over everything). */
function split(shape: readonly number[], d: number | null): [number, number, number] {
  if (d === null) return [1, 1, shape.reduce((a, b) => a * b, 1)];
  const outer = shape.slice(0, d).reduce((a, b) => a * b, 1);
  const inner = shape.slice(d + 1).reduce((a, b) => a * b, 1);
  return [outer, shape[d], inner];
}

/** Per index j of dim d: the 2-norm of v over all other dims, in float64. */
function norms(v: Float32Array, shape: readonly number[], d: number | null): Float64Array {
  const [outer, n, inner] = split(shape, d);
  const s = new Float64Array(n);
  for (let o = 0; o < outer; o++) for (let j = 0; j < n; j++) for (let i = 0; i < inner; i++) s[j] += v[(o * n + j) * inner + i] ** 2;
  return s.map(Math.sqrt);
}

/** weight <- g * v / ||v|| (float64, rounded once). */
function fold(w: Tensor, st: WeightNormState): void {
  const d = st.dim;
  const v = st.v.toFloat32Array();
  const g = st.g.toFloat32Array();
  const nv = norms(v, w.shape, d);
  const [outer, n, inner] = split(w.shape, d);
  const out = new Float32Array(v.length);
  for (let o = 0; o < outer; o++) for (let j = 0; j < n; j++) for (let i = 0; i < inner; i++) {
    const k = (o * n + j) * inner + i;
    out[k] = (g[j] * v[k]) / nv[j];
  }
  w.data<'float32'>().set(out);
}

/**
 * torch.nn.utils.weight_norm(module, name='weight', dim=0): returns the same module, its state
 * dict keyed `<name>_g` / `<name>_v` (see the file comment). g starts as ||w|| and v as w, so the
 * layer computes the same until a state dict is loaded.
 */
export function weightNorm<M extends Module>(module: M, name = 'weight', dim: number | null = 0): M {
  const p = module as unknown as Patchable;
  const own = p.namedParameters().find(([k]) => k === name)?.[1];
  if (!own) throw new ArgumentError(`weightNorm: ${module.constructor.name} has no parameter ${JSON.stringify(name)}`);
  const rec = STATE.get(module);
  const states = rec?.states ?? [];
  if (states.some((s) => s.name === name)) throw new ArgumentError(`weightNorm: parameter ${JSON.stringify(name)} of ${module.constructor.name} is already weight-normed`);
  if (dim !== null && (!Number.isInteger(dim) || dim < -own.ndim || dim >= own.ndim)) {
    throw new ArgumentError(`weightNorm: dim must be null or an integer in [${-own.ndim}, ${own.ndim - 1}] for ${name} of shape [${own.shape}], got ${dim}`);
  }
  const d = dim === null || dim === -1 ? null : dim < 0 ? dim + own.ndim : dim; // torch: dim=-1 (or None) norms over everything
  const e = own.engine;
  const w0 = own.toFloat32Array();
  const v = e.keep(Tensor.from(w0, own.shape, 'float32', e));
  const nv = norms(w0, own.shape, d);
  const g = e.keep(Tensor.from(Float32Array.from(nv), d === null ? [] : own.shape.map((s, i) => (i === d ? s : 1)), 'float32', e));
  const st: WeightNormState = { name, dim: d, g, v };
  if (!rec) {
    const { namedTensors, namedParameters, afterLoad, dispose } = p;
    STATE.set(module, { states, orig: { namedTensors, namedParameters, afterLoad, dispose } });
    /** Own entries: replace each weight-normed parameter by its g, v after the other own parameters. */
    const reparam = (list: [string, Tensor][], prefix: string, ownParams: number): [string, Tensor][] => {
      const hidden = new Set(states.map((s) => prefix + s.name));
      const kept = list.filter(([k]) => !hidden.has(k));
      const at = ownParams - states.length;
      const extra = states.flatMap((s): [string, Tensor][] => [[`${prefix}${s.name}_g`, s.g], [`${prefix}${s.name}_v`, s.v]]);
      return [...kept.slice(0, at), ...extra, ...kept.slice(at)];
    };
    const ownParamCount = (prefix: string) => namedParameters.call(module, prefix).filter(([k]) => !k.slice(prefix.length).includes('.')).length;
    p.namedTensors = (prefix = '') => reparam(namedTensors.call(module, prefix), prefix, ownParamCount(prefix));
    p.namedParameters = (prefix = '') => reparam(namedParameters.call(module, prefix), prefix, ownParamCount(prefix));
    p.afterLoad = () => {
      const params = new Map(namedParameters.call(module));
      for (const s of states) fold(params.get(s.name) as Tensor, s);
      afterLoad.call(module);
    };
    p.dispose = () => {
      for (const s of states) {
        s.g.dispose();
        s.v.dispose();
      }
      dispose.call(module);
    };
  }
  states.push(st);
  return module;
}

/** torch.nn.utils.remove_weight_norm(module, name='weight'): folds g and v into the parameter once more and restores its plain key. */
export function removeWeightNorm<M extends Module>(module: M, name = 'weight'): M {
  const rec = STATE.get(module);
  const i = rec ? rec.states.findIndex((s) => s.name === name) : -1;
  if (!rec || i < 0) throw new ArgumentError(`removeWeightNorm: weight_norm of ${JSON.stringify(name)} not found in ${module.constructor.name}`);
  const p = module as unknown as Patchable;
  const [st] = rec.states.splice(i, 1);
  fold(new Map(rec.orig.namedParameters.call(module)).get(name) as Tensor, st);
  st.g.dispose();
  st.v.dispose();
  if (rec.states.length === 0) {
    STATE.delete(module);
    for (const k of ['namedTensors', 'namedParameters', 'afterLoad', 'dispose'] as const) delete (p as Partial<Patchable>)[k];
  }
  (p as Patchable).afterLoad();
  return module;
}
