/** Normalization modules named as in torch.nn. */
import { Module } from './module.js';
import { Tensor } from '../tensor.js';
import { getEngine, type Engine } from '../runtime/engine.js';
import { ArgumentError, ShapeError, fmtShape } from '../runtime/errors.js';
import { expectInt, expectNumber, expectRank, expectTensor } from '../ops/check.js';
import { layerNorm, normalizedShapeOf } from '../ops/layernorm.js';
import { groupNorm, instanceNorm } from '../ops/groupnorm.js';
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

export interface GroupNormOptions {
  /** Added to the variance (default 1e-5). */
  eps?: number;
  /** Learnable per-channel weight (ones) and bias (zeros) of shape [numChannels] (default true). */
  affine?: boolean;
}

/**
 * torch.nn.GroupNorm(num_groups, num_channels, eps=1e-5, affine=True): input [N, C, *], each
 * group of C/G channels normalised by its own mean and biased variance, then the per-channel
 * affine. State keys `weight`, `bias` (only with affine).
 */
export class GroupNorm extends Module {
  readonly eps: number;
  readonly affine: boolean;
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;

  constructor(readonly numGroups: number, readonly numChannels: number, options: GroupNormOptions = {}, engine: Engine = getEngine()) {
    super(engine);
    expectInt('GroupNorm', 'num_groups', numGroups, 1);
    expectInt('GroupNorm', 'num_channels', numChannels, 1);
    if (numChannels % numGroups !== 0) throw new ArgumentError(`GroupNorm: num_channels (${numChannels}) must be divisible by num_groups (${numGroups})`);
    this.eps = expectNumber('GroupNorm', 'eps', options.eps ?? 1e-5);
    this.affine = options.affine ?? true;
    this.weight = this.affine ? this.registerParameter('weight', Tensor.full([numChannels], 1, engine)) : null;
    this.bias = this.affine ? this.registerParameter('bias', Tensor.zeros([numChannels], 'float32', engine)) : null;
  }

  forward(x: Tensor): Tensor {
    this.checkLive();
    return groupNorm(x, this.numGroups, this.weight, this.bias, this.eps);
  }

  protected extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${pyFloat(this.eps)}, affine=${this.affine ? 'True' : 'False'}`;
  }
}

export interface InstanceNormOptions {
  eps?: number;
  momentum?: number | null;
  /** Learnable per-channel weight and bias (default false, as torch). */
  affine?: boolean;
  /** Keep running_mean / running_var buffers and normalise by them (eval mode; default false). */
  trackRunningStats?: boolean;
}

abstract class InstanceNormNd extends Module {
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly runningMean: Tensor | null;
  readonly runningVar: Tensor | null;

  protected constructor(private readonly dims: 1 | 2, readonly numFeatures: number, options: InstanceNormOptions, engine: Engine) {
    super(engine);
    const op = `InstanceNorm${dims}d`;
    expectInt(op, 'num_features', numFeatures, 1);
    this.eps = expectNumber(op, 'eps', options.eps ?? 1e-5);
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? false;
    this.trackRunningStats = options.trackRunningStats ?? false;
    this.weight = this.affine ? this.registerParameter('weight', Tensor.full([numFeatures], 1, engine)) : null;
    this.bias = this.affine ? this.registerParameter('bias', Tensor.zeros([numFeatures], 'float32', engine)) : null;
    this.runningMean = this.trackRunningStats ? this.registerBuffer('running_mean', Tensor.zeros([numFeatures], 'float32', engine)) : null;
    this.runningVar = this.trackRunningStats ? this.registerBuffer('running_var', Tensor.full([numFeatures], 1, engine)) : null;
    if (this.trackRunningStats) this.registerBuffer('num_batches_tracked', Tensor.zeros([], 'int64', engine));
  }

  /** [N, C, *] or unbatched [C, *] (run as a batch of one). */
  forward(x: Tensor): Tensor {
    this.checkLive();
    const op = this.constructor.name;
    expectTensor(op, 'input', x);
    expectRank(op, 'input', x, [this.dims + 1, this.dims + 2]);
    const batched = x.ndim === this.dims + 2;
    const c = x.shape[batched ? 1 : 0];
    if (c !== this.numFeatures && (this.affine || this.trackRunningStats)) {
      throw new ShapeError(`${op}: expected input with ${this.numFeatures} channels, got input of shape ${fmtShape(x.shape)}`);
    }
    const xb = batched ? x : x.reshape([1, ...x.shape]);
    try {
      const y = instanceNorm(xb, this.runningMean, this.runningVar, this.weight, this.bias, !this.trackRunningStats, this.momentum ?? 0.1, this.eps);
      if (batched) return y;
      const u = y.reshape(x.shape);
      y.dispose();
      return u;
    } finally {
      if (!batched) xb.dispose();
    }
  }

  protected optionalStateKeys(): readonly string[] {
    return this.trackRunningStats ? ['num_batches_tracked'] : [];
  }

  protected extraRepr(): string {
    const b = (v: boolean) => (v ? 'True' : 'False');
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${this.momentum === null ? 'None' : pyFloat(this.momentum)}, affine=${b(this.affine)}, track_running_stats=${b(this.trackRunningStats)}`;
  }
}

/** torch.nn.InstanceNorm1d(num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False): [N, C, L] or [C, L]. */
export class InstanceNorm1d extends InstanceNormNd {
  constructor(numFeatures: number, options: InstanceNormOptions = {}, engine: Engine = getEngine()) {
    super(1, numFeatures, options, engine);
  }
}

/** torch.nn.InstanceNorm2d(num_features, eps=1e-5, momentum=0.1, affine=False, track_running_stats=False): [N, C, H, W] or [C, H, W]. */
export class InstanceNorm2d extends InstanceNormNd {
  constructor(numFeatures: number, options: InstanceNormOptions = {}, engine: Engine = getEngine()) {
    super(2, numFeatures, options, engine);
  }
}
