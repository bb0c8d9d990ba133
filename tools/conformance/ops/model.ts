/**
 * Runners for whole networks:
 * - `model`: `params.model` names a custom module class of examples/ (GOLDEN_MODELS in
 *   examples/index.ts), built from `params.kwargs`;
 * - `realmodel.<name>`: `<name>` is a torchvision/torchaudio factory or class of the model zoo
 *   (`models.<name>` of the public API: a factory is called, a class constructed), built from
 *   `params.kwargs` (the Python constructor's keyword arguments).
 * Either way snake_case keyword arguments become the camelCase options, the case's state dict is
 * loaded unchanged (strict), forward is called with the case's inputs in order and its result(s)
 * are returned by the case's output names, in order.
 */
import { models, nn, type Tensor } from '../../../src/api.js';
import { GOLDEN_MODELS, optionsFromKwargs } from '../../../examples/index.js';
import { Unsupported, stateDictOf, type GoldenCase, type OpRunner } from '../types.js';

interface Model extends nn.Module {
  forward(...inputs: Tensor[]): Tensor | (Tensor | null)[];
}
type Build = (options: Record<string, unknown>) => Model;

/** Loads the case's weights into a freshly built model, runs it and disposes it. */
function runBuilt(c: GoldenCase, model: Model): Record<string, Tensor> {
  try {
    model.loadStateDict(stateDictOf(c));
    const result = model.forward(...c.inputs.map((n) => c.tensors[n]));
    // PyTorch models return tuples with None where an output is absent (wav2vec2's lengths): those are not outputs.
    const outs = (Array.isArray(result) ? result : [result]).filter((t): t is Tensor => t !== null && t !== undefined);
    if (outs.length !== c.outputs.length) throw new Error(`${model.constructor.name}.forward returned ${outs.length} tensors, the case expects ${c.outputs.length} (${c.outputs.join(', ')})`);
    return Object.fromEntries(c.outputs.map((n, i) => [n, outs[i]]));
  } finally {
    model.dispose();
  }
}

function runModel(c: GoldenCase): Record<string, Tensor> {
  const name = String(c.params.model);
  const Cls = Object.hasOwn(GOLDEN_MODELS, name) ? (GOLDEN_MODELS as unknown as Record<string, new (o: Record<string, unknown>) => Model>)[name] : undefined;
  if (!Cls) throw new Unsupported(`model ${name} has no class in GOLDEN_MODELS (examples/index.ts) yet`);
  return runBuilt(c, new Cls(optionsFromKwargs(c.params.kwargs ?? {})));
}

/** Every zoo export that builds a module: classes extending nn.Module, and the factories (lower-case functions). */
function zooBuilders(): Record<string, Build> {
  const out: Record<string, Build> = {};
  for (const [name, v] of Object.entries(models as unknown as Record<string, unknown>)) {
    if (typeof v !== 'function') continue;
    const f = v as (new (o: Record<string, unknown>) => Model) & ((o: Record<string, unknown>) => Model);
    if (f.prototype instanceof nn.Module) out[name] = (o) => new f(o);
    else if (/^[a-z]/.test(name) && !/^[a-z]+[A-Z]/.test(name)) out[name] = (o) => f(o); // resnet18, wav2vec2_base; not makeDivisible, mobilenetV3Conf
  }
  return out;
}

const ZOO = zooBuilders();

/** `models.<name>(kwargs)` (snake_case Python keyword arguments) built as the realmodel runner does; null: not in the zoo. */
export function buildZooModel(name: string, kwargs: Record<string, unknown>): Model | null {
  return Object.hasOwn(ZOO, name) ? ZOO[name](optionsFromKwargs(kwargs)) : null;
}

function runZooModel(c: GoldenCase): Record<string, Tensor> {
  const name = c.op.slice('realmodel.'.length);
  const factory: unknown = c.params.factory;
  if (factory !== undefined && factory !== name) throw new Error(`params.factory is ${String(factory)} but the op is ${c.op}`);
  return runBuilt(c, buildZooModel(name, c.params.kwargs ?? {})!);
}

export const runners: Record<string, OpRunner> = {
  model: runModel,
  ...Object.fromEntries(Object.keys(ZOO).map((name) => [`realmodel.${name}`, runZooModel])),
};
