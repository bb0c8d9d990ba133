/**
 * Elementwise operators: one JS->wasm call over the whole tensor. Output is a new tensor of the
 * input's shape unless `out` is given (which may be the input itself: in place).
 */
import { Tensor } from '../tensor.js';
import { expectNumber, expectOut, expectTensor } from './check.js';
import { ArgumentError } from '../runtime/errors.js';
import { fmaTwin } from './pick.js';
import { SPLIT, runSplit } from '../threads/split.js';

export type UnaryKernel = (n: number, x: number, y: number) => void;

/** Runs a unary kernel `k(n, x, y)` over x into a new tensor (or into `out`). */
export function runUnary(op: string, x: Tensor, pick: (t: Tensor) => UnaryKernel, out?: Tensor): Tensor {
  expectTensor(op, 'input', x);
  const y = out ?? Tensor.empty(x.shape, 'float32', x.engine);
  if (out) {
    expectOut(op, out, x.shape, x.engine);
  }
  const n = x.numel;
  if (n === 0) return y;
  const k = pick(x);
  // Over the pool in 16-element-aligned ranges when big enough (elementwise: any split is exact).
  if (!runSplit(x.engine, k, n, 16, n, SPLIT.elementsPerThread, (s, e) => [e - s, x.ptr + s * 4, y.ptr + s * 4])) k(n, x.ptr, y.ptr);
  return y;
}

export function relu(x: Tensor, out?: Tensor): Tensor {
  return runUnary('relu', x, (t) => t.engine.k.f32_vrelu_u8__wasmsimd, out);
}

/** torch.nn.functional.leaky_relu: x < 0 ? x * negativeSlope : x. */
export function leakyRelu(x: Tensor, negativeSlope = 0.01, out?: Tensor): Tensor {
  const slope = expectNumber('leaky_relu', 'negativeSlope', negativeSlope);
  return runUnary('leaky_relu', x, (t) => (n, px, py) => t.engine.k.f32_vlrelu_u8__wasmsimd(n, px, py, slope), out);
}

export interface GeluOptions {
  /** 'none' (default): x·Φ(x) with erf; 'tanh': the tanh approximation. As torch. */
  approximate?: 'none' | 'tanh';
}

/** torch.nn.functional.gelu(x, approximate='none'|'tanh'). */
export function gelu(x: Tensor, options: GeluOptions = {}, out?: Tensor): Tensor {
  const approximate = options.approximate ?? 'none';
  if (approximate !== 'none' && approximate !== 'tanh') {
    throw new ArgumentError(`gelu: approximate must be 'none' or 'tanh', got ${JSON.stringify(approximate)}`);
  }
  return runUnary('gelu', x, ({ engine: e }) =>
    approximate === 'tanh'
      ? fmaTwin(e, e.k.f32_vgelutanh_u8__wasmrelaxedsimd_fma, e.k.f32_vgelutanh_u8__wasmsimd)
      : fmaTwin(e, e.k.f32_vgelu_u8__wasmrelaxedsimd_fma, e.k.f32_vgelu_u8__wasmsimd), out);
}

/** torch.nn.functional.silu: x · sigmoid(x). */
export function silu(x: Tensor, out?: Tensor): Tensor {
  return runUnary('silu', x, ({ engine: e }) => fmaTwin(e, e.k.f32_vsilu_u8__wasmrelaxedsimd_fma, e.k.f32_vsilu_u8__wasmsimd), out);
}

/** torch.sigmoid. */
export function sigmoid(x: Tensor, out?: Tensor): Tensor {
  return runUnary('sigmoid', x, ({ engine: e }) => fmaTwin(e, e.k.f32_vsigmoid_u8__wasmrelaxedsimd_fma, e.k.f32_vsigmoid_u8__wasmsimd), out);
}

/** torch.tanh. */
export function tanh(x: Tensor, out?: Tensor): Tensor {
  return runUnary('tanh', x, ({ engine: e }) => fmaTwin(e, e.k.f32_vtanh_u8__wasmrelaxedsimd_fma, e.k.f32_vtanh_u8__wasmsimd), out);
}
