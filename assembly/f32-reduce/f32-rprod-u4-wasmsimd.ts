// f32_rprod_u4__wasmsimd: y[o*inner + i] = prod_k x[(o*r + k)*inner + i] over k < r, for o < outer, i < inner.
// Operands: x dense [outer, r, inner] f32, y dense [outer, inner] f32 (byte addresses; y must not
// overlap x).
// Tile: inner == 1: 8 elements of a row per iteration (two accumulators), then 4, then 1; inner > 1:
// 4 outputs per column sweep (shared loop: reduce-loop.ts).
// Accuracy: f32 accumulation in 8 partial sums: |error| <= ~r * 2^-24 * sum |terms|.
// Preconditions: outer, r, inner >= 1. Reads up to 12 B past x + 4*outer*r*inner (the arena pads);
// never writes past y + 4*outer*inner.
import { vreduce_u4, ROP_PROD } from './reduce-loop';

export function f32_rprod_u4__wasmsimd(outer: usize, r: usize, inner: usize, x: usize, y: usize): void {
  assert(outer != 0 && r != 0 && inner != 0, 'f32_rprod_u4__wasmsimd: outer, r and inner must be >= 1');
  vreduce_u4(ROP_PROD, outer, r, inner, x, y, 1);
}
