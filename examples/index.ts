/**
 * The example models, and how a PyTorch constructor call maps onto them: `GOLDEN_MODELS` names
 * each class by the golden `model` id (params.model), `optionsFromKwargs` turns PyTorch keyword
 * arguments (snake_case, e.g. `num_layers`) into the options object (camelCase, `numLayers`).
 */
import { TinyCNN } from './tiny-cnn.js';
import { TinyTransformerClassifier } from './tiny-transformer-classifier.js';
import { CharLSTM } from './char-lstm.js';

export { TinyCNN, TinyTransformerClassifier, CharLSTM };
export type { TinyCNNOptions } from './tiny-cnn.js';
export type { TinyTransformerClassifierOptions } from './tiny-transformer-classifier.js';
export type { CharLSTMOptions, GenerateOptions } from './char-lstm.js';

export const GOLDEN_MODELS = {
  tiny_cnn: TinyCNN,
  tiny_transformer_classifier: TinyTransformerClassifier,
  char_lstm: CharLSTM,
} as const;

/** `{ num_layers: 2, d_model: 32 }` -> `{ numLayers: 2, dModel: 32 }`. */
export function optionsFromKwargs(kwargs: Record<string, unknown>): Record<string, never> {
  return Object.fromEntries(Object.entries(kwargs).map(([k, v]) => [k.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()), v])) as Record<string, never>;
}
