/**
 * Modules that pass their input through: nn.Identity, and nn.Dropout (inference only: simdnn
 * runs eval mode, where PyTorch's dropout is the identity). Both return a view sharing the input's
 * memory (disposing one does not free the other's data), so models written with them port as is.
 */
import { Module } from './module.js';
import type { Tensor } from '../tensor.js';
import { expectTensor, expectNumber } from '../ops/check.js';
import { ArgumentError } from '../runtime/errors.js';
import { pyFloat } from './repr.js';

export class Identity extends Module {
  forward(x: Tensor): Tensor {
    expectTensor('Identity', 'input', x, ['float32', 'int32', 'int64', 'bool', 'uint8']);
    return x.reshape(x.shape);
  }
}

/** torch.nn.Dropout(p=0.5, inplace=False) in eval mode: the identity. */
export class Dropout extends Module {
  readonly p: number;
  constructor(p = 0.5) {
    super();
    expectNumber('Dropout', 'p', p);
    if (p < 0 || p > 1) throw new ArgumentError(`Dropout: p must be in [0, 1], got ${p}`);
    this.p = p;
  }
  forward(x: Tensor): Tensor {
    expectTensor('Dropout', 'input', x);
    return x.reshape(x.shape);
  }
  protected extraRepr(): string {
    return `p=${pyFloat(this.p)}, inplace=False`;
  }
}
