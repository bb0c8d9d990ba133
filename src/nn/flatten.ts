/** nn.Flatten(startDim = 1, endDim = -1): a view merging dims startDim..endDim (PyTorch's rules). */
import { Module } from './module.js';
import type { Tensor } from '../tensor.js';
import { ArgumentError } from '../runtime/errors.js';
import { expectTensor } from '../ops/check.js';

export function flatten(input: Tensor, startDim = 0, endDim = -1): Tensor {
  expectTensor('flatten', 'input', input, ['float32', 'int32', 'int64', 'bool', 'uint8']);
  const nd = Math.max(input.ndim, 1);
  const norm = (d: number, name: string) => {
    if (!Number.isInteger(d) || d < -nd || d >= nd) throw new ArgumentError(`flatten: ${name} must be an integer in [${-nd}, ${nd - 1}], got ${d}`);
    return d < 0 ? d + nd : d;
  };
  const s = norm(startDim, 'start_dim');
  const e = norm(endDim, 'end_dim');
  if (s > e) throw new ArgumentError(`flatten: start_dim (${startDim}) must not come after end_dim (${endDim})`);
  if (input.ndim === 0) return input.reshape([1]);
  const shape = input.shape;
  const merged = shape.slice(s, e + 1).reduce((a, b) => a * b, 1);
  return input.reshape([...shape.slice(0, s), merged, ...shape.slice(e + 1)]);
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
