/**
 * torch.tril(input, diagonal = 0) and torch.triu(input, diagonal = 0) over the last two dims
 * (batched over the leading ones): a copy with the elements above (tril) or below (triu) the
 * given diagonal set to zero. Any dtype. ONNX Trilu runs these.
 */
import { Tensor } from '../tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../runtime/errors.js';
import { expectAny, guard } from './data-common.js';

function tri(op: 'tril' | 'triu', input: Tensor, diagonal: number): Tensor {
  const x = expectAny(op, 'input', input);
  if (x.ndim < 2) throw new ShapeError(`${op}: input must have at least 2 dims, got shape ${fmtShape(x.shape)}`);
  if (!Number.isInteger(diagonal)) throw new ArgumentError(`${op}: diagonal must be an integer, got ${String(diagonal)}`);
  const out = x.clone();
  return guard(out, () => {
    const m = x.shape[x.ndim - 2];
    const n = x.shape[x.ndim - 1];
    if (out.numel === 0) return out;
    const v = out.data();
    const zero = (v instanceof BigInt64Array ? 0n : 0) as never;
    for (let b = 0; b < out.numel; b += m * n) {
      for (let i = 0; i < m; i++) {
        const row = b + i * n;
        if (op === 'tril') v.fill(zero, row + Math.min(n, Math.max(0, i + diagonal + 1)), row + n);
        else v.fill(zero, row, row + Math.min(n, Math.max(0, i + diagonal)));
      }
    }
    return out;
  });
}

/** torch.tril: keeps j <= i + diagonal. */
export function tril(input: Tensor, diagonal = 0): Tensor {
  return tri('tril', input, diagonal);
}

/** torch.triu: keeps j >= i + diagonal. */
export function triu(input: Tensor, diagonal = 0): Tensor {
  return tri('triu', input, diagonal);
}
