/**
 * nn.BatchNorm1d / 2d / 3d in inference mode (running statistics): keys weight, bias (if affine),
 * running_mean, running_var, num_batches_tracked, as PyTorch. Training mode is not supported.
 * Inside a model, fuseConvBnEval (src/nn/fusion.ts) folds a BatchNorm2d into the preceding Conv2d.
 */
import { Module } from './module.js';
import { Tensor } from '../tensor.js';
import type { Engine } from '../runtime/engine.js';
import { getEngine } from '../runtime/engine.js';
import { ArgumentError } from '../runtime/errors.js';
import { expectInt, expectRank, expectTensor } from '../ops/check.js';
import { batchNorm } from '../ops/batchnorm.js';
import { pyFloat } from './repr.js';

export interface BatchNormOptions {
  eps?: number;
  momentum?: number | null;
  affine?: boolean;
  /** Must be true: the running statistics are what inference uses. */
  trackRunningStats?: boolean;
}

abstract class BatchNormNd extends Module {
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;
  readonly numBatchesTracked: Tensor;

  constructor(readonly numFeatures: number, options: BatchNormOptions, engine: Engine) {
    super(engine);
    const op = new.target.name;
    expectInt(op, 'num_features', numFeatures, 1);
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? true;
    if (!(this.eps >= 0)) throw new ArgumentError(`${op}: eps must be >= 0, got ${this.eps}`);
    if (options.trackRunningStats === false) throw new ArgumentError(`${op}: track_running_stats=false is not supported (inference uses the running statistics), expected true`);
    this.weight = this.affine ? this.registerParameter('weight', Tensor.full([numFeatures], 1, engine)) : null;
    this.bias = this.affine ? this.registerParameter('bias', Tensor.zeros([numFeatures], 'float32', engine)) : null;
    this.runningMean = this.registerBuffer('running_mean', Tensor.zeros([numFeatures], 'float32', engine));
    this.runningVar = this.registerBuffer('running_var', Tensor.full([numFeatures], 1, engine));
    this.numBatchesTracked = this.registerBuffer('num_batches_tracked', Tensor.zeros([], 'int64', engine));
  }

  /** The input ranks this module accepts (torch's _check_input_dim). */
  protected abstract readonly ranks: number[];

  forward(input: Tensor): Tensor {
    this.checkLive();
    const op = this.constructor.name;
    expectTensor(op, 'input', input);
    expectRank(op, 'input', input, this.ranks);
    return batchNorm(input, this.runningMean, this.runningVar, this.weight, this.bias, false, this.momentum ?? 0.1, this.eps);
  }

  /** Checkpoints without num_batches_tracked load (it is unused in eval), as in PyTorch. */
  protected optionalStateKeys(): readonly string[] {
    return ['num_batches_tracked'];
  }

  protected extraRepr(): string {
    return `${this.numFeatures}, eps=${pyFloat(this.eps)}, momentum=${this.momentum === null ? 'None' : pyFloat(this.momentum)}, affine=${this.affine ? 'True' : 'False'}, track_running_stats=True`;
  }
}

/** nn.BatchNorm2d(numFeatures, { eps, momentum, affine }): input [N, C, H, W]. */
export class BatchNorm2d extends BatchNormNd {
  protected readonly ranks = [4];
  constructor(numFeatures: number, options: BatchNormOptions = {}, engine: Engine = getEngine()) {
    super(numFeatures, options, engine);
  }
}

/** nn.BatchNorm1d(numFeatures, { eps, momentum, affine }): input [N, C] or [N, C, L]. */
export class BatchNorm1d extends BatchNormNd {
  protected readonly ranks = [2, 3];
  constructor(numFeatures: number, options: BatchNormOptions = {}, engine: Engine = getEngine()) {
    super(numFeatures, options, engine);
  }
}

/** nn.BatchNorm3d(numFeatures, { eps, momentum, affine }): input [N, C, D, H, W]. */
export class BatchNorm3d extends BatchNormNd {
  protected readonly ranks = [5];
  constructor(numFeatures: number, options: BatchNormOptions = {}, engine: Engine = getEngine()) {
    super(numFeatures, options, engine);
  }
}
