/**
 * torch.nn.functional.pad(input, pad, mode = 'constant', value = 0). `pad` lists (left, right)
 * pairs starting from the LAST dim, as torch. Modes: 'constant' (pads may be negative: crops),
 * 'reflect' (mirror without the edge: pads < size), 'replicate' (the edge repeated), 'circular'
 * (wrap around: pads <= size). torch limits reflect/replicate/circular to the last 1-3 dims of a
 * 2-5-d input; here any dims work. Every mode is strided copies: the input into the interior, then
 * per padded dim (last first) each border slab from a reversed (reflect), stride-0 (replicate) or
 * shifted (circular) view of the output itself. Any dtype.
 */
import { Tensor } from '../tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../runtime/errors.js';
import { copyInto, expectAny, fillValue, guard, stepView } from './data-common.js';

export type PadMode = 'constant' | 'reflect' | 'replicate' | 'circular';

export function pad(input: Tensor, pad: readonly number[], mode: PadMode = 'constant', value = 0): Tensor {
  const x = expectAny('pad', 'input', input);
  if (!Array.isArray(pad as unknown) || pad.length % 2 !== 0 || pad.length > 2 * x.ndim || pad.some((p) => !Number.isInteger(p))) {
    throw new ArgumentError(`pad: pad must be an even-length array of integers with at most ${2 * x.ndim} entries (2 per dim of the ${x.ndim}-d input), got ${Array.isArray(pad as unknown) ? fmtShape(pad) : String(pad)}`);
  }
  if (!['constant', 'reflect', 'replicate', 'circular'].includes(mode)) {
    throw new ArgumentError(`pad: mode must be 'constant', 'reflect', 'replicate' or 'circular', got ${JSON.stringify(mode)}`);
  }
  if (typeof value !== 'number') throw new ArgumentError(`pad: value must be a number, got ${String(value)}`);
  const nd = x.ndim;
  const lo = new Array<number>(nd).fill(0);
  const hi = new Array<number>(nd).fill(0);
  for (let k = 0; k < pad.length / 2; k++) {
    lo[nd - 1 - k] = pad[2 * k];
    hi[nd - 1 - k] = pad[2 * k + 1];
  }
  const shape = x.shape.map((n, d) => n + lo[d] + hi[d]);
  shape.forEach((n, d) => {
    if (n < 0) throw new ShapeError(`pad: pads (${lo[d]}, ${hi[d]}) of dim ${d} (size ${x.shape[d]}) give a negative size ${n}`);
    if (mode === 'constant' || (lo[d] === 0 && hi[d] === 0)) return;
    const n0 = x.shape[d];
    const lim = mode === 'reflect' ? n0 - 1 : mode === 'circular' ? n0 : Infinity;
    if (lo[d] < 0 || hi[d] < 0 || lo[d] > lim || hi[d] > lim || n0 === 0) {
      throw new ArgumentError(`pad: ${mode} pads (${lo[d]}, ${hi[d]}) of dim ${d} (size ${n0}) must be in [0, ${mode === 'replicate' ? 'any' : lim}] and the dim non-empty`);
    }
  });
  const out = Tensor.empty(shape, x.dtype, x.engine);
  return guard(out, () => {
    if (mode === 'constant' && out.numel > 0) fillValue(out, value);
    // interior: the input (cropped where a constant pad is negative) into [max(lo, 0), ...)
    let src = x.contiguous();
    let dst = out.contiguous();
    try {
      for (let d = 0; d < nd; d++) {
        const keep = x.shape[d] + Math.min(lo[d], 0) + Math.min(hi[d], 0);
        const s2 = src.narrow(d, Math.max(-lo[d], 0), Math.max(keep, 0));
        const d2 = dst.narrow(d, Math.max(lo[d], 0), Math.max(keep, 0));
        src.dispose();
        dst.dispose();
        src = s2;
        dst = d2;
      }
      copyInto(dst, src);
    } finally {
      src.dispose();
      dst.dispose();
    }
    if (mode !== 'constant') for (let d = nd - 1; d >= 0; d--) borders(out, x.shape, lo, hi, d, mode);
    return out;
  });
}

/** Fills both border slabs of dim d of `out` from its own interior (dims before d: interior only; after d: already padded). */
function borders(out: Tensor, inShape: readonly number[], lo: number[], hi: number[], d: number, mode: PadMode): void {
  if (lo[d] === 0 && hi[d] === 0) return;
  let region = out.contiguous();
  for (let k = 0; k < d; k++) {
    const r = region.narrow(k, lo[k], inShape[k]);
    region.dispose();
    region = r;
  }
  const n = inShape[d];
  const l = lo[d];
  // [first, step] of the source slab for the left and right borders
  const left = mode === 'reflect' ? [2 * l, -1] : mode === 'replicate' ? [l, 0] : [n, 1];
  const right = mode === 'reflect' ? [l + n - 2, -1] : mode === 'replicate' ? [l + n - 1, 0] : [l, 1];
  try {
    for (const [count, at, [first, step]] of [[l, 0, left], [hi[d], l + n, right]] as [number, number, number[]][]) {
      if (count === 0) continue;
      const dst = stepView(region, d, at, count, 1);
      const src = stepView(region, d, first, count, step);
      try {
        copyInto(dst, src);
      } finally {
        dst.dispose(); // views hold references to out's memory: dispose them even on error
        src.dispose();
      }
    }
  } finally {
    region.dispose();
  }
}
