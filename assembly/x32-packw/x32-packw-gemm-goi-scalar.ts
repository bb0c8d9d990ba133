// x32_packw_gemm_goi__scalar: packs W given as PyTorch's [n, k] ("out, in", "goi") layout for the
// f32-gemm kernels: panel q (columns q*nr .. q*nr+nr-1) = nr bias floats, then k rows of nr
// weights (row p holds W[q*nr + 0..nr-1][p]), zero padded past n. Panels are contiguous:
// ceil(n/nr) * (nr + k*nr) floats at `out`.
// Operands: w with row stride ldw (elements); bias: n floats or 0 (zeros); out: packed buffer.
// Tile: none (runs once, when a module loads its weights), 32-bit moves.
// Preconditions: n, k, nr >= 1, ldw >= k. Never writes past the packed size; never reads past W.
export function x32_packw_gemm_goi__scalar(nr: usize, n: usize, k: usize, w: usize, ldw: usize, bias: usize, out: usize): void {
  assert(nr != 0 && n != 0 && k != 0 && ldw >= k, 'x32_packw_gemm_goi__scalar: bad arguments');
  for (let j0: usize = 0; j0 < n; j0 += nr) {
    const nc = min(nr, n - j0);
    for (let jj: usize = 0; jj < nr; jj++) {
      store<f32>(out + (jj << 2), bias != 0 && jj < nc ? load<f32>(bias + ((j0 + jj) << 2)) : 0);
    }
    out += nr << 2;
    for (let jj: usize = 0; jj < nr; jj++) {
      let dst = out + (jj << 2);
      if (jj < nc) {
        let src = w + ((j0 + jj) * ldw << 2);
        for (let p: usize = 0; p < k; p++) {
          store<u32>(dst, load<u32>(src));
          src += 4;
          dst += nr << 2;
        }
      } else {
        for (let p: usize = 0; p < k; p++) {
          store<u32>(dst, 0);
          dst += nr << 2;
        }
      }
    }
    out += (k * nr) << 2;
  }
}
