/**
 * layer_norm over the trailing `normalizedShape` dims (flattened to one row of n): one wasm call
 * over all rows. Biased variance by two passes (exact for large offsets), optional weight and
 * bias of shape normalizedShape; a constant row gives bias.
 */
import { Tensor } from '../tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../runtime/errors.js';
import { expectNumber, expectShape, expectTensor, sameEngine } from './check.js';
import { owning } from './own.js';
import { SPLIT, runSplit } from '../threads/split.js';

/** Normalizes `normalizedShape` (an int or a list of ints, as torch) to a list. */
export function normalizedShapeOf(op: string, normalizedShape: number | readonly number[]): number[] {
  const s = typeof normalizedShape === 'number' ? [normalizedShape] : normalizedShape;
  if (!Array.isArray(s) || s.length === 0 || !s.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new ArgumentError(`${op}: normalizedShape must be a positive integer or a non-empty list of them, got ${JSON.stringify(normalizedShape)}`);
  }
  return s.slice();
}

/** torch.nn.functional.layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-5). */
export function layerNorm(
  x: Tensor,
  normalizedShape: number | readonly number[],
  weight?: Tensor | null,
  bias?: Tensor | null,
  eps = 1e-5,
): Tensor {
  const op = 'layer_norm';
  expectTensor(op, 'input', x);
  const ns = normalizedShapeOf(op, normalizedShape);
  expectNumber(op, 'eps', eps);
  const tail = x.shape.slice(x.ndim - ns.length);
  if (x.ndim < ns.length || !tail.every((d, i) => d === ns[i])) {
    throw new ShapeError(`${op}: input of shape ${fmtShape(x.shape)} does not end with normalizedShape ${fmtShape(ns)}`);
  }
  if (weight) {
    expectTensor(op, 'weight', weight);
    expectShape(op, 'weight', weight, ns);
  }
  if (bias) {
    expectTensor(op, 'bias', bias);
    expectShape(op, 'bias', bias, ns);
  }
  const e = sameEngine(op, x, ...[weight, bias].filter((t): t is Tensor => !!t));
  const n = ns.reduce((p, d) => p * d, 1);
  return owning((own) => {
    const y = own(Tensor.empty(x.shape, 'float32', e));
    if (x.numel === 0) return y;
    // The kernel takes weight without bias, or neither; bias alone gets a weight of ones.
    const ones = !weight && bias ? Tensor.full(ns, 1, e) : null;
    try {
      const w = weight ?? ones;
      const k = e.k.f32_layernorm_u16__wasmsimd;
      const [rows, pw, pb] = [x.numel / n, w ? w.ptr : 0, bias ? bias.ptr : 0];
      // Rows are independent: over the pool by row ranges when big enough.
      const split = runSplit(e, k, rows, 1, x.numel, SPLIT.elementsPerThread, (s, t) => [t - s, n, x.ptr + s * n * 4, pw, pb, eps, y.ptr + s * n * 4]);
      if (!split) k(rows, n, x.ptr, pw, pb, eps, y.ptr);
    } finally {
      ones?.dispose();
    }
    return y;
  });
}
