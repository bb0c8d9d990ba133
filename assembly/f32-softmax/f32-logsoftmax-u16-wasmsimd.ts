// f32_logsoftmax_u16__wasmsimd: y[r, i] = (x[r, i] - m_r) - log sum_j e^(x[r, j] - m_r), m_r = max_j x[r, j].
// Operands: x, y dense [rows, n] (byte addresses); y may equal x (in place).
// Tile: 16 elements per iteration (four accumulators; the exp pass 8, two), then 4, then a masked partial vector.
// Three passes per row (max and min; sum of exp, nothing stored; subtract), the row stays in L1.
// Semantics as PyTorch: an entry -inf gives exactly -inf; a row of all -inf (or holding NaN or
// +inf) gives NaN in every entry. Max-subtraction keeps rows scaled to 1e4 exact.
// Accuracy: sum by vexp_rr2_p5_nonpositive (<= 2.2 ulp per term), log in f64.
// Preconditions: rows >= 1, n >= 1. Reads up to 16 B past each row of x (the arena pads); never
// writes past y + 4*rows*n.
import { softmax_rows_u16 } from './softmax-rows';

export function f32_logsoftmax_u16__wasmsimd(rows: usize, n: usize, x: usize, y: usize): void {
  assert(rows != 0 && n != 0, 'f32_logsoftmax_u16__wasmsimd: rows and n must be >= 1');
  softmax_rows_u16(false, true, rows, n, x, y);
}
