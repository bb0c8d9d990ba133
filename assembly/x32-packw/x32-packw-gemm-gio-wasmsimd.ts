// x32_packw_gemm_gio__wasmsimd: packs B given as a row-major [k, n] matrix ("gio": the second
// operand of matmul, an im2col buffer) for the f32-gemm kernels, same panel format as
// x32_packw_gemm_goi__scalar: per panel nr bias floats, then k rows of nr values (row p holds
// B[p][q*nr .. q*nr+nr-1]), zero padded past n.
// Operands: b with row stride ldb (elements); bias: n floats or 0 (zeros); out: packed buffer.
// Tile: full panels copy 16 B per v128.load/store (nr % 4 == 0); the last partial panel is
// copied float by float.
// Preconditions: nr % 4 == 0, n, k >= 1, ldb >= n. Never reads past B's n x k window (full
// panels read whole vectors inside it), never writes past the packed size.
export function x32_packw_gemm_gio__wasmsimd(nr: usize, n: usize, k: usize, b: usize, ldb: usize, bias: usize, out: usize): void {
  assert(nr != 0 && (nr & 3) == 0 && n != 0 && k != 0 && ldb >= n, 'x32_packw_gemm_gio__wasmsimd: bad arguments');
  const ldbBytes = ldb << 2;
  for (let j0: usize = 0; j0 < n; j0 += nr) {
    const nc = min(nr, n - j0);
    for (let jj: usize = 0; jj < nr; jj++) {
      store<f32>(out + (jj << 2), bias != 0 && jj < nc ? load<f32>(bias + ((j0 + jj) << 2)) : 0);
    }
    out += nr << 2;
    let src = b + (j0 << 2);
    if (nc == nr) {
      for (let p: usize = 0; p < k; p++) {
        for (let jj: usize = 0; jj < nr; jj += 4) v128.store(out + (jj << 2), v128.load(src + (jj << 2)));
        src += ldbBytes;
        out += nr << 2;
      }
    } else {
      for (let p: usize = 0; p < k; p++) {
        for (let jj: usize = 0; jj < nr; jj++) store<u32>(out + (jj << 2), jj < nc ? load<u32>(src + (jj << 2)) : 0);
        src += ldbBytes;
        out += nr << 2;
      }
    }
  }
}
