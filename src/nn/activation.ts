/** Activation modules named as in torch.nn. */
import { Module } from './module.js';
import { Tensor } from '../tensor.js';
import * as U from '../ops/unary.js';
import * as S from '../ops/softmax.js';
import { expectInt, expectNumber } from '../ops/check.js';
import { ArgumentError } from '../runtime/errors.js';
import { pyFloat } from './repr.js';
import { getEngine, type Engine } from '../runtime/engine.js';
import type { Activation } from '../ops/gemm.js';

export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return U.relu(x);
  }
}

/** torch.nn.LeakyReLU(negative_slope=0.01). */
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
    expectNumber('LeakyReLU', 'negativeSlope', negativeSlope);
  }
  forward(x: Tensor): Tensor {
    return U.leakyRelu(x, this.negativeSlope);
  }
  protected extraRepr(): string {
    return `negative_slope=${pyFloat(this.negativeSlope)}`;
  }
}

/** torch.nn.GELU(approximate='none'|'tanh'). */
export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';
  constructor(options: U.GeluOptions = {}) {
    super();
    this.approximate = options.approximate ?? 'none';
    if (this.approximate !== 'none' && this.approximate !== 'tanh') {
      throw new ArgumentError(`GELU: approximate must be 'none' or 'tanh', got ${JSON.stringify(this.approximate)}`);
    }
  }
  forward(x: Tensor): Tensor {
    return U.gelu(x, { approximate: this.approximate });
  }
  protected extraRepr(): string {
    return `approximate='${this.approximate}'`;
  }
}

/** torch.nn.SiLU. */
export class SiLU extends Module {
  forward(x: Tensor): Tensor {
    return U.silu(x);
  }
}

/** torch.nn.Sigmoid. */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return U.sigmoid(x);
  }
}

/** torch.nn.Tanh. */
export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return U.tanh(x);
  }
}

/** torch.nn.Softmax(dim) (default -1, the last dim). */
export class Softmax extends Module {
  constructor(readonly dim = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return S.softmax(x, this.dim);
  }
  protected extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** torch.nn.LogSoftmax(dim) (default -1, the last dim). */
export class LogSoftmax extends Module {
  constructor(readonly dim = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return S.logSoftmax(x, this.dim);
  }
  protected extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** torch.nn.ReLU6. */
export class ReLU6 extends Module {
  /** The GEMM/conv epilogue computing this module (ops/gemm.ts Activation), for a planner fusing it into the Linear/Conv before it. */
  readonly epilogue: Activation = { clamp: [0, 6] };
  forward(x: Tensor): Tensor {
    return U.relu6(x);
  }
}

/** torch.nn.Hardtanh(min_val=-1.0, max_val=1.0). */
export class Hardtanh extends Module {
  /** The GEMM/conv epilogue computing this module (see ReLU6.epilogue). */
  readonly epilogue: Activation;
  constructor(readonly minVal = -1.0, readonly maxVal = 1.0) {
    super();
    expectNumber('Hardtanh', 'minVal', minVal);
    expectNumber('Hardtanh', 'maxVal', maxVal);
    this.epilogue = { clamp: [minVal, maxVal] };
  }
  forward(x: Tensor): Tensor {
    return U.hardtanh(x, this.minVal, this.maxVal);
  }
  protected extraRepr(): string {
    return `min_val=${pyFloat(this.minVal)}, max_val=${pyFloat(this.maxVal)}`;
  }
}

/** torch.nn.Hardswish. */
export class Hardswish extends Module {
  forward(x: Tensor): Tensor {
    return U.hardswish(x);
  }
}

/** torch.nn.Hardsigmoid. */
export class Hardsigmoid extends Module {
  forward(x: Tensor): Tensor {
    return U.hardsigmoid(x);
  }
}

/** torch.nn.Mish. */
export class Mish extends Module {
  forward(x: Tensor): Tensor {
    return U.mish(x);
  }
}

/** torch.nn.Softsign. */
export class Softsign extends Module {
  forward(x: Tensor): Tensor {
    return U.softsign(x);
  }
}

/** torch.nn.SELU. */
export class SELU extends Module {
  forward(x: Tensor): Tensor {
    return U.selu(x);
  }
}

/** torch.nn.ELU(alpha=1.0). */
export class ELU extends Module {
  constructor(readonly alpha = 1.0) {
    super();
    expectNumber('ELU', 'alpha', alpha);
  }
  forward(x: Tensor): Tensor {
    return U.elu(x, this.alpha);
  }
  protected extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}`;
  }
}

/** torch.nn.CELU(alpha=1.0). */
export class CELU extends Module {
  constructor(readonly alpha = 1.0) {
    super();
    expectNumber('CELU', 'alpha', alpha);
  }
  forward(x: Tensor): Tensor {
    return U.celu(x, this.alpha);
  }
  protected extraRepr(): string {
    return `alpha=${pyFloat(this.alpha)}`;
  }
}

/** torch.nn.GLU(dim=-1). */
export class GLU extends Module {
  constructor(readonly dim = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return U.glu(x, this.dim);
  }
  protected extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/** torch.nn.Softplus(beta=1, threshold=20) (repr prints them as PyTorch 1.13 does: integers). */
export class Softplus extends Module {
  constructor(readonly beta = 1, readonly threshold = 20) {
    super();
    expectNumber('Softplus', 'beta', beta);
    expectNumber('Softplus', 'threshold', threshold);
  }
  forward(x: Tensor): Tensor {
    return U.softplus(x, this.beta, this.threshold);
  }
  protected extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}

/** torch.nn.Threshold(threshold, value). */
export class Threshold extends Module {
  constructor(readonly threshold: number, readonly value: number) {
    super();
    expectNumber('Threshold', 'threshold', threshold);
    expectNumber('Threshold', 'value', value);
  }
  forward(x: Tensor): Tensor {
    return U.threshold(x, this.threshold, this.value);
  }
  protected extraRepr(): string {
    return `threshold=${pyFloat(this.threshold)}, value=${pyFloat(this.value)}`;
  }
}

/** torch.nn.Hardshrink(lambd=0.5). */
export class Hardshrink extends Module {
  constructor(readonly lambd = 0.5) {
    super();
    expectNumber('Hardshrink', 'lambd', lambd);
  }
  forward(x: Tensor): Tensor {
    return U.hardshrink(x, this.lambd);
  }
  protected extraRepr(): string {
    return pyFloat(this.lambd);
  }
}

/** torch.nn.Softshrink(lambd=0.5). */
export class Softshrink extends Module {
  constructor(readonly lambd = 0.5) {
    super();
    expectNumber('Softshrink', 'lambd', lambd);
  }
  forward(x: Tensor): Tensor {
    return U.softshrink(x, this.lambd);
  }
  protected extraRepr(): string {
    return pyFloat(this.lambd);
  }
}

export interface PReLUOptions {
  /** Initial slope of every channel (default 0.25, as torch). */
  init?: number;
}

/** torch.nn.PReLU(num_parameters=1, init=0.25): a learnable slope per channel, state_dict key `weight`. */
export class PReLU extends Module {
  readonly weight: Tensor;
  constructor(readonly numParameters = 1, options: PReLUOptions = {}, engine: Engine = getEngine()) {
    super(engine);
    expectInt('PReLU', 'numParameters', numParameters, 1);
    const init = expectNumber('PReLU', 'init', options.init ?? 0.25);
    this.weight = this.registerParameter('weight', Tensor.full([numParameters], init, engine));
  }
  forward(x: Tensor): Tensor {
    return U.prelu(x, this.weight);
  }
  protected extraRepr(): string {
    return `num_parameters=${this.numParameters}`;
  }
}
