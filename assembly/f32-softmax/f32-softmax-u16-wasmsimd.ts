// f32_softmax_u16__wasmsimd: y[r, i] = e^(x[r, i] - m_r) / sum_j e^(x[r, j] - m_r), m_r = max_j x[r, j].
// Operands: x, y dense [rows, n] (byte addresses); y may equal x (in place).
// Tile: 16 elements per iteration (four accumulators; the exp pass 8, two), then 4, then a masked partial vector.
// Three passes per row (max and min; exp, store and sum; scale by 1/sum); passes 2-3 hit L1 for rows up
// to ~8k, so memory traffic is one read of x and one write of y.
// Semantics as PyTorch: an entry -inf gives exactly 0; a row of all -inf (or holding NaN or
// +inf) gives NaN in every entry (-inf - -inf = NaN). Rows scaled to 1e4 are exact to the exp
// error: max-subtraction keeps every exponent <= 0.
// Accuracy: vexp_rr2_p5_nonpositive (common/vmath.ts), <= 2.2 ulp per term; terms below e^-87.34 flush to 0.
// Preconditions: rows >= 1, n >= 1. Reads up to 16 B past each row of x (the arena pads); never
// writes past y + 4*rows*n.
import { softmax_rows_u16 } from './softmax-rows';

export function f32_softmax_u16__wasmsimd(rows: usize, n: usize, x: usize, y: usize): void {
  assert(rows != 0 && n != 0, 'f32_softmax_u16__wasmsimd: rows and n must be >= 1');
  softmax_rows_u16(false, false, rows, n, x, y);
}
