/**
 * softmax and log_softmax over any dim: one wasm call. PyTorch semantics: max-subtraction
 * (stable for logits of any size), -inf entries give exactly 0 / -inf, a slice of all -inf gives
 * NaN (as torch). The last dim (or any dim with only size-1 dims after it) runs the contiguous
 * row kernels (relaxed FMA twins in the relaxed build); another dim runs the strided kernels,
 * which vectorize across the dims after it.
 */
import { Tensor } from '../tensor.js';
import { ArgumentError, fmtShape } from '../runtime/errors.js';
import { expectOut, expectTensor } from './check.js';
import { fmaTwin } from './pick.js';
import { SPLIT, runSplit } from '../threads/split.js';

type RowKernel = (rows: number, n: number, x: number, y: number) => void;
type StridedKernel = (outer: number, n: number, inner: number, x: number, y: number) => void;

/** Checks dim against x (PyTorch's range [-ndim, ndim-1]; 0-d counts as 1-d); returns it >= 0. */
export function normalizeDim(op: string, x: Tensor, dim: number): number {
  const nd = Math.max(1, x.ndim);
  if (!Number.isInteger(dim) || dim < -nd || dim >= nd) {
    throw new ArgumentError(`${op}: dim must be an integer in [${-nd}, ${nd - 1}] for input of shape ${fmtShape(x.shape)}, got ${String(dim)}`);
  }
  return dim < 0 ? dim + nd : dim;
}

function runSoftmax(op: string, x: Tensor, dim: number, rowKernel: (t: Tensor) => RowKernel, strided: (t: Tensor) => StridedKernel, out?: Tensor): Tensor {
  expectTensor(op, 'input', x);
  const d = normalizeDim(op, x, dim);
  const y = out ?? Tensor.empty(x.shape, 'float32', x.engine);
  if (out) {
    expectOut(op, out, x.shape, x.engine);
  }
  if (x.numel === 0) return y;
  const n = x.ndim === 0 ? 1 : x.shape[d];
  const inner = x.shape.slice(d + 1).reduce((p, s) => p * s, 1);
  // Rows (or outer slices) are independent: over the pool by row ranges when big enough.
  const slice = n * inner * 4;
  const rows = x.numel / (n * inner);
  const at = (s: number, e: number) => [x.ptr + s * slice, y.ptr + s * slice, e - s];
  if (inner === 1) {
    const k = rowKernel(x);
    if (!runSplit(x.engine, k, rows, 1, x.numel, SPLIT.elementsPerThread, (s, e) => { const [px, py, r] = at(s, e); return [r, n, px, py]; })) k(rows, n, x.ptr, y.ptr);
  } else {
    const k = strided(x);
    if (!runSplit(x.engine, k, rows, 1, x.numel, SPLIT.elementsPerThread, (s, e) => { const [px, py, r] = at(s, e); return [r, n, inner, px, py]; })) k(rows, n, inner, x.ptr, y.ptr);
  }
  return y;
}

/** torch.nn.functional.softmax(input, dim=-1). `out` may be the input (in place). */
export function softmax(x: Tensor, dim = -1, out?: Tensor): Tensor {
  return runSoftmax(
    'softmax', x, dim,
    ({ engine: e }) => fmaTwin(e, e.k.f32_softmax_u16__wasmrelaxedsimd_fma, e.k.f32_softmax_u16__wasmsimd),
    ({ engine: e }) => e.k.f32_softmax_strided_u4__wasmsimd,
    out,
  );
}

/** torch.nn.functional.log_softmax(input, dim=-1). `out` may be the input (in place). */
export function logSoftmax(x: Tensor, dim = -1, out?: Tensor): Tensor {
  return runSoftmax(
    'log_softmax', x, dim,
    ({ engine: e }) => fmaTwin(e, e.k.f32_logsoftmax_u16__wasmrelaxedsimd_fma, e.k.f32_logsoftmax_u16__wasmsimd),
    ({ engine: e }) => e.k.f32_logsoftmax_strided_u4__wasmsimd,
    out,
  );
}
