// x32_embedding_gather__scalar: out[i, :] = table[ids[i], :] for i < n (nn.Embedding's lookup).
// Operands: ids: n token ids, i64 (ids64 != 0) or i32; table: rows x dim f32 row-major; out: n x dim.
// Returns -1 after copying, or (without writing anything) the position i of the first id outside
// [0, rows), so the caller can raise a typed error naming it instead of trapping.
// Tile: one row per memory.copy (bulk memory). Preconditions (asserted): dim >= 1.
// Bounds: reads ids[0..n) and the addressed table rows; never writes past out + 4·n·dim.
export function x32_embedding_gather__scalar(n: i32, ids: usize, ids64: i32, table: usize, rows: i32, dim: i32, out: usize): i32 {
  assert(dim >= 1, 'x32_embedding_gather: dim must be >= 1');
  for (let i = 0; i < n; i++) {
    const id: i64 = ids64 != 0 ? load<i64>(ids + (<usize>i << 3)) : <i64>load<i32>(ids + (<usize>i << 2));
    if (id < 0 || id >= <i64>rows) return i;
  }
  const rowBytes = <usize>dim << 2;
  for (let i = 0; i < n; i++) {
    const id = ids64 != 0 ? <usize>load<i64>(ids + (<usize>i << 3)) : <usize>load<i32>(ids + (<usize>i << 2));
    memory.copy(out + <usize>i * rowBytes, table + id * rowBytes, rowBytes);
  }
  return -1;
}
