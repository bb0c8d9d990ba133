// f32_logsoftmax_strided_u4__wasmsimd: y[o, j, i] = (x[o, j, i] - m[o, i]) - log sum_j' e^(x[o, j', i] - m[o, i]), m[o, i] = max_j x[o, j, i].
// Operands: x, y dense [outer, n, inner] (byte addresses); y may equal x (in place). This is
// log_softmax over a dim that is not the last (inner = product of the dims after it).
// Tile: 4 columns (inner indices) per block, one per lane; see softmax-strided.ts.
// Semantics as PyTorch: an entry -inf gives exactly -inf; a column of all -inf (or holding NaN or +inf)
// gives NaN in every entry; max-subtraction keeps 1e4-scaled inputs right.
// Accuracy: vexp_rr2_p5_nonpositive (common/vmath.ts), <= 2.2 ulp per term; terms below e^-87.34 flush to 0.
// Preconditions: outer, n, inner >= 1. Reads up to 12 B past x + 4*outer*n*inner (and past y);
// never writes past y + 4*outer*n*inner.
import { softmax_strided } from './softmax-strided';

export function f32_logsoftmax_strided_u4__wasmsimd(outer: usize, n: usize, inner: usize, x: usize, y: usize): void {
  assert(outer != 0 && n != 0 && inner != 0, 'f32_logsoftmax_strided_u4__wasmsimd: outer, n and inner must be >= 1');
  softmax_strided(true, outer, n, inner, x, y);
}
