// f32_gemm_1x1__scalar: C[i][j] = act(sum_k A[i][k] * B[j][k] + bias[j] + rowBias[i]) for i < m, j < n.
// PLACEHOLDER reference kernel (correct, slow): the blocked SIMD GEMM replaces it.
// Operands: A row-major m x k with leading dimension lda (elements); B is PyTorch's [n, k] ("out, in")
// row-major with leading dimension ldb; bias: n floats or 0; rowBias: m floats or 0; C row-major
// m x n with leading dimension ldc. act: 0 none, 1 relu, 2 clamp(minv, maxv).
// Preconditions: m, n, k >= 1. Never writes outside C's m x n window.
export function f32_gemm_1x1__scalar(
  m: usize, n: usize, k: usize,
  a: usize, lda: usize,
  b: usize, ldb: usize,
  bias: usize, rowBias: usize,
  c: usize, ldc: usize,
  act: i32, minv: f32, maxv: f32,
): void {
  assert(m != 0 && n != 0 && k != 0, 'f32_gemm_1x1__scalar: empty problem');
  for (let i: usize = 0; i < m; i++) {
    const rb: f32 = rowBias != 0 ? load<f32>(rowBias + (i << 2)) : 0;
    for (let j: usize = 0; j < n; j++) {
      let acc: f32 = bias != 0 ? load<f32>(bias + (j << 2)) : 0;
      acc += rb;
      const pa = a + ((i * lda) << 2);
      const pb = b + ((j * ldb) << 2);
      for (let p: usize = 0; p < k; p++) acc += load<f32>(pa + (p << 2)) * load<f32>(pb + (p << 2));
      if (act == 1) acc = acc < 0 ? 0 : acc;
      else if (act == 2) acc = min(max(acc, minv), maxv);
      store<f32>(c + ((i * ldc + j) << 2), acc);
    }
  }
}
