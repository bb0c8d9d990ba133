/**
 * Runner for the golden `model` op (whole small networks). Each `params.model` names a custom
 * module class of examples/ (GOLDEN_MODELS in examples/index.ts); the runner builds it from
 * `params.kwargs` (snake_case keys become the camelCase options), loads the case's state dict unchanged (strict), calls forward with the
 * case's inputs in order and returns its result(s) by the case's output names, in order.
 */
import type { nn, Tensor } from '../../../src/api.js';
import { GOLDEN_MODELS, optionsFromKwargs } from '../../../examples/index.js';
import { Unsupported, stateDictOf, type GoldenCase, type OpRunner } from '../types.js';

interface Model extends nn.Module {
  forward(...inputs: Tensor[]): Tensor | Tensor[];
}
type ModelClass = new (options: Record<string, unknown>) => Model;

const MODELS: Record<string, ModelClass> = GOLDEN_MODELS;

function runModel(c: GoldenCase): Record<string, Tensor> {
  const Cls = Object.hasOwn(MODELS, c.params.model) ? MODELS[c.params.model] : undefined;
  if (!Cls) throw new Unsupported(`model ${String(c.params.model)} has no class in GOLDEN_MODELS (examples/index.ts) yet`);
  const model = new Cls(optionsFromKwargs(c.params.kwargs ?? {}));
  try {
    model.loadStateDict(stateDictOf(c));
    const result = model.forward(...c.inputs.map((n) => c.tensors[n]));
    const outs = Array.isArray(result) ? result : [result];
    if (outs.length !== c.outputs.length) throw new Error(`${Cls.name}.forward returned ${outs.length} tensors, the case expects ${c.outputs.length} (${c.outputs.join(', ')})`);
    return Object.fromEntries(c.outputs.map((n, i) => [n, outs[i]]));
  } finally {
    model.dispose();
  }
}

export const runners: Record<string, OpRunner> = { model: runModel };
