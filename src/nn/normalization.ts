/** Normalization modules named as in torch.nn. */
import { Module } from './module.js';
import { Tensor } from '../tensor.js';
import { getEngine, type Engine } from '../runtime/engine.js';
import { expectNumber } from '../ops/check.js';
import { layerNorm, normalizedShapeOf } from '../ops/layernorm.js';
import { pyFloat } from './repr.js';

export interface LayerNormOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Learnable per-element weight (and bias) of shape normalizedShape (default true). */
  elementwiseAffine?: boolean;
  /** With elementwiseAffine, whether there is a bias (default true; torch >= 2.1). */
  bias?: boolean;
}

/**
 * torch.nn.LayerNorm(normalized_shape, eps=1e-5, elementwise_affine=True, bias=True): normalizes
 * over the trailing normalizedShape dims with the biased variance. State keys: `weight` (ones),
 * `bias` (zeros), both of shape normalizedShape, present only with elementwiseAffine.
 */
export class LayerNorm extends Module {
  readonly normalizedShape: readonly number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;

  constructor(normalizedShape: number | readonly number[], options: LayerNormOptions = {}, engine: Engine = getEngine()) {
    super(engine);
    this.normalizedShape = Object.freeze(normalizedShapeOf('LayerNorm', normalizedShape));
    this.eps = expectNumber('LayerNorm', 'eps', options.eps ?? 1e-5);
    this.elementwiseAffine = options.elementwiseAffine ?? true;
    if (this.elementwiseAffine) {
      this.registerParameter('weight', Tensor.full(this.normalizedShape, 1, this.engine));
      if (options.bias ?? true) this.registerParameter('bias', Tensor.zeros(this.normalizedShape, 'float32', this.engine));
    }
  }

  get weight(): Tensor | null {
    return this.hasParam('weight') ? this.param('weight') : null;
  }

  get bias(): Tensor | null {
    return this.hasParam('bias') ? this.param('bias') : null;
  }

  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }

  protected extraRepr(): string {
    const ns = this.normalizedShape.length === 1 ? `(${this.normalizedShape[0]},)` : `(${this.normalizedShape.join(', ')})`;
    return `${ns}, eps=${pyFloat(this.eps)}, elementwise_affine=${this.elementwiseAffine ? 'True' : 'False'}`;
  }
}
