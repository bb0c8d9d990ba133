/** Activation modules named as in torch.nn. */
import { Module } from './module.js';
import type { Tensor } from '../tensor.js';
import * as U from '../ops/unary.js';
import * as S from '../ops/softmax.js';
import { expectNumber } from '../ops/check.js';
import { ArgumentError } from '../runtime/errors.js';
import { pyFloat } from './repr.js';

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
