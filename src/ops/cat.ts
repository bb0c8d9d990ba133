/**
 * torch.cat(tensors, dim = 0) and torch.stack(tensors, dim = 0): every input is copied by the
 * strided-copy kernel straight from its own layout (views are not materialized first) into its
 * slab of the new contiguous output. All inputs share dtype and engine (torch would promote
 * dtypes; here a different dtype is a DTypeError). As torch, 1-D empty tensors are skipped by cat.
 */
import { Tensor, normDim } from '../tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../runtime/errors.js';
import { copyInto, expectAny, expectSameDType, guard } from './data-common.js';

export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors as unknown) || tensors.length === 0) throw new ArgumentError(`cat: tensors must be a non-empty array of tensors, got ${Array.isArray(tensors as unknown) ? '[]' : String(tensors)}`);
  tensors.forEach((t, i) => expectAny('cat', `tensors[${i}]`, t));
  expectSameDType('cat', tensors.map((t, i) => [`tensors[${i}]`, t]));
  const used = tensors.filter((t) => !(t.ndim === 1 && t.numel === 0));
  if (used.length === 0) return tensors[0].clone();
  const ref = used[0];
  if (ref.ndim === 0) throw new ShapeError('cat: zero-dimensional tensors cannot be concatenated (unsqueeze them, or use stack)');
  const d = normDim('cat', 'dim', dim, ref.ndim);
  let total = 0;
  tensors.forEach((t, i) => {
    if (!used.includes(t)) return;
    if (t.ndim !== ref.ndim || t.shape.some((n, k) => k !== d && n !== ref.shape[k])) {
      throw new ShapeError(`cat: tensors[${i}] has shape ${fmtShape(t.shape)}, expected ${fmtShape(ref.shape.map((n, k) => (k === d ? NaN : n))).replace('NaN', '*')} (all sizes but dim ${dim} equal)`);
    }
    total += t.shape[d];
  });
  const shape = ref.shape.slice();
  shape[d] = total;
  const out = Tensor.empty(shape, ref.dtype, ref.engine);
  return guard(out, () => {
    let at = 0;
    for (const t of used) {
      const slab = out.narrow(d, at, t.shape[d]);
      try {
        copyInto(slab, t);
      } finally {
        slab.dispose(); // a view holds a reference: dispose it even on error, or out's memory stays
      }
      at += t.shape[d];
    }
    return out;
  });
}

/** torch.stack: the tensors (all of one shape) joined along a new dim. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (!Array.isArray(tensors as unknown) || tensors.length === 0) throw new ArgumentError(`stack: tensors must be a non-empty array of tensors, got ${Array.isArray(tensors as unknown) ? '[]' : String(tensors)}`);
  tensors.forEach((t, i) => expectAny('stack', `tensors[${i}]`, t));
  const s0 = tensors[0].shape;
  tensors.forEach((t, i) => {
    if (t.ndim !== s0.length || t.shape.some((n, k) => n !== s0[k])) throw new ShapeError(`stack: tensors[${i}] has shape ${fmtShape(t.shape)}, expected the shape ${fmtShape(s0)} of tensors[0]`);
  });
  const d = normDim('stack', 'dim', dim, s0.length + 1);
  const views = tensors.map((t) => t.unsqueeze(d));
  try {
    return cat(views, d);
  } finally {
    views.forEach((v) => v.dispose());
  }
}
