// f32_vrsubc_u8__wasmsimd: y[r*n + i] = b[r*sb] - a[r*sa + i] for r < rows, i < n (b: one scalar per row).
// Operands: a rows of n elements at row stride sa, b at row stride sb (strides in elements; 0
// broadcasts one row to all), y dense [rows, n]; y may equal a when sa == n (in place).
// Tile: 8 elements per iteration, then 4, then a 2/1 lane tail (shared loop: vbinary-loop.ts).
// Accuracy: one IEEE f32 operation per element (exact as torch's float32 op).
// Preconditions: rows >= 1, n >= 1. Reads up to 16 B past each a/b row (the arena pads); never
// writes past y + 4*rows*n.
import { vbinary_u8, VBOP_RSUB } from './vbinary-loop';

export function f32_vrsubc_u8__wasmsimd(rows: usize, n: usize, a: usize, sa: usize, b: usize, sb: usize, y: usize): void {
  assert(rows != 0 && n != 0, 'f32_vrsubc_u8__wasmsimd: rows and n must be >= 1');
  vbinary_u8(VBOP_RSUB, true, rows, n, a, sa, b, sb, y);
}
