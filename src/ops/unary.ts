/**
 * Elementwise operators: one JS->wasm call over the whole tensor. Output is a new tensor of the
 * input's shape unless `out` is given (which may be the input itself: in place).
 */
import { Tensor } from '../tensor.js';
import { expectShape, expectTensor } from './check.js';

export type UnaryKernel = (n: number, x: number, y: number) => void;

/** Runs a unary kernel `k(n, x, y)` over x into a new tensor (or into `out`). */
export function runUnary(op: string, x: Tensor, pick: (t: Tensor) => UnaryKernel, out?: Tensor): Tensor {
  expectTensor(op, 'input', x);
  const y = out ?? Tensor.empty(x.shape, 'float32', x.engine);
  if (out) {
    expectTensor(op, 'out', out);
    expectShape(op, 'out', out, x.shape);
  }
  if (x.numel > 0) pick(x)(x.numel, x.ptr, y.ptr);
  return y;
}

export function relu(x: Tensor, out?: Tensor): Tensor {
  return runUnary('relu', x, (t) => t.engine.k.f32_vrelu_u8__wasmsimd, out);
}
