/**
 * softmax and log_softmax over the last dim: one wasm call over all rows. PyTorch semantics:
 * max-subtraction (stable for logits of any size), -inf entries give exactly 0 / -inf, a row of
 * all -inf gives NaN (as torch). Only dim = -1 (the last dim) is implemented for now.
 */
import { Tensor } from '../tensor.js';
import { ArgumentError, fmtShape } from '../runtime/errors.js';
import { expectShape, expectTensor } from './check.js';
import { fmaTwin } from './pick.js';

type RowKernel = (rows: number, n: number, x: number, y: number) => void;

/** Checks that dim names the last dim of x (PyTorch's range [-ndim, ndim-1]; 0-d counts as 1-d). */
export function expectLastDim(op: string, x: Tensor, dim: number): void {
  const nd = Math.max(1, x.ndim);
  if (!Number.isInteger(dim) || dim < -nd || dim >= nd) {
    throw new ArgumentError(`${op}: dim must be an integer in [${-nd}, ${nd - 1}] for input of shape ${fmtShape(x.shape)}, got ${String(dim)}`);
  }
  if (dim !== -1 && dim !== nd - 1) {
    throw new ArgumentError(`${op}: only the last dim (dim=-1) is implemented for now, got dim=${dim} for input of shape ${fmtShape(x.shape)}`);
  }
}

function runRows(op: string, x: Tensor, dim: number, pick: (t: Tensor) => RowKernel, out?: Tensor): Tensor {
  expectTensor(op, 'input', x);
  expectLastDim(op, x, dim);
  const y = out ?? Tensor.empty(x.shape, 'float32', x.engine);
  if (out) {
    expectTensor(op, 'out', out);
    expectShape(op, 'out', out, x.shape);
  }
  const n = x.ndim === 0 ? 1 : x.shape[x.ndim - 1];
  if (x.numel > 0) pick(x)(x.numel / n, n, x.ptr, y.ptr);
  return y;
}

/** torch.nn.functional.softmax(input, dim=-1). `out` may be the input (in place). */
export function softmax(x: Tensor, dim = -1, out?: Tensor): Tensor {
  return runRows('softmax', x, dim, ({ engine: e }) => fmaTwin(e, e.k.f32_softmax_u16__wasmrelaxedsimd_fma, e.k.f32_softmax_u16__wasmsimd), out);
}

/** torch.nn.functional.log_softmax(input, dim=-1). `out` may be the input (in place). */
export function logSoftmax(x: Tensor, dim = -1, out?: Tensor): Tensor {
  return runRows('log_softmax', x, dim, ({ engine: e }) => fmaTwin(e, e.k.f32_logsoftmax_u16__wasmrelaxedsimd_fma, e.k.f32_logsoftmax_u16__wasmsimd), out);
}
