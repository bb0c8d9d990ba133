/** Activation modules named as in torch.nn. */
import { Module } from './module.js';
import type { Tensor } from '../tensor.js';
import * as U from '../ops/unary.js';

export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return U.relu(x);
  }
}
