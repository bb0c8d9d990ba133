/**
 * nn.BatchNorm2d in inference mode (running statistics): keys weight, bias (if affine),
 * running_mean, running_var, num_batches_tracked, as PyTorch. Training mode is not supported.
 * Inside a model, fuseConvBnEval (src/nn/fusion.ts) folds it into the preceding Conv2d.
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

export class BatchNorm2d extends Module {
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  readonly runningMean: Tensor;
  readonly runningVar: Tensor;
  readonly numBatchesTracked: Tensor;

  constructor(readonly numFeatures: number, options: BatchNormOptions = {}, engine: Engine = getEngine()) {
    super(engine);
    expectInt('BatchNorm2d', 'num_features', numFeatures, 1);
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? true;
    if (!(this.eps >= 0)) throw new ArgumentError(`BatchNorm2d: eps must be >= 0, got ${this.eps}`);
    if (options.trackRunningStats === false) throw new ArgumentError('BatchNorm2d: track_running_stats=false is not supported (inference uses the running statistics), expected true');
    this.weight = this.affine ? this.registerParameter('weight', Tensor.full([numFeatures], 1, engine)) : null;
    this.bias = this.affine ? this.registerParameter('bias', Tensor.zeros([numFeatures], 'float32', engine)) : null;
    this.runningMean = this.registerBuffer('running_mean', Tensor.zeros([numFeatures], 'float32', engine));
    this.runningVar = this.registerBuffer('running_var', Tensor.full([numFeatures], 1, engine));
    this.numBatchesTracked = this.registerBuffer('num_batches_tracked', Tensor.zeros([], 'int64', engine));
  }

  forward(input: Tensor): Tensor {
    this.checkLive();
    expectTensor('BatchNorm2d', 'input', input);
    expectRank('BatchNorm2d', 'input', input, [4]);
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
