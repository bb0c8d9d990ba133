/** nn.Flatten(startDim = 1, endDim = -1): a view merging dims startDim..endDim (PyTorch's rules). */
import { Module } from './module.js';
import type { Tensor } from '../tensor.js';
import { expectTensor } from '../ops/check.js';

/** torch.flatten (the Tensor method's rules: a view when the strides allow, else a copy). */
export function flatten(input: Tensor, startDim = 0, endDim = -1): Tensor {
  expectTensor('flatten', 'input', input, ['float32', 'int32', 'int64', 'bool', 'uint8']);
  return input.flatten(startDim, endDim);
}

export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
  }

  forward(input: Tensor): Tensor {
    return flatten(input, this.startDim, this.endDim);
  }

  protected extraRepr(): string {
    return `start_dim=${this.startDim}, end_dim=${this.endDim}`;
  }
}
