// f32_f16w_gemm_4x8__wasmsimd: C[i][j] = act(sum_p A[i][p] * f32(W[j][p]) + bias[j]), i < m, j < n,
//   p < k, with W stored as IEEE binary16 (fp16 storage: half the bytes of f32 weights) and widened
//   inside the loop, so the products and sums are exactly those of the f32 GEMM on the widened W.
// Operands: A f32 row-major m x k, lda (elements); C f32 row-major, ldc (elements). W packed (by
//   src/ops/hgemm.ts): ceil(n/8) panels of 32 + 16k bytes: bias f32[8], then k rows of 8 halves
//   (K-major), zero past n.
// Widening: f32 bits = (h & 0x8000) << 16 | (h & 0x7fff) << 13, times 2^112 (exact for every
//   finite half, subnormals included: a power-of-two scale). Inf/NaN halves would come out finite,
//   so the packer refuses them (precondition: finite weights; the caller then packs f32).
// Tile: 4x8 (8 f32x4 accumulators, mul + add); M tails repeat the last row, N tails lane stores;
//   m == 1: a 1x8 GEMV tile, K unrolled by 2 (two accumulator pairs, summed at the end).
// act: 0 none, 1 relu, 2 clamp(minv, maxv), 3 gelu, 4 gelu_tanh (src/ops/gemm.ts codes).
// Preconditions: m, n, k >= 1; lda >= k; ldc >= n. Reads exactly A's m x k window and the panels;
//   never writes outside C's m x n window.
import { vact, gemm_gelu_tile } from '../f32-gemm/common';
import { store_f32x8 } from '../qd8-f32-qc8w-gemm/common';

// @ts-ignore: decorator
@inline function widen(h: v128): v128 {
  const bits = v128.or(i32x4.shl(v128.and(h, i32x4.splat(0x8000)), 16), i32x4.shl(v128.and(h, i32x4.splat(0x7fff)), 13));
  return f32x4.mul(bits, f32x4.splat(5.192296858534828e33)); // 2^112
}

export function f32_f16w_gemm_4x8__wasmsimd(
  m: usize, n: usize, k: usize, a: usize, lda: usize, w: usize, c: usize, ldc: usize,
  act: i32, minv: f32, maxv: f32,
): void {
  assert(m >= 1 && n >= 1 && k >= 1 && lda >= k && ldc >= n);
  const ldaB = lda * 4;
  const ldcB = ldc * 4;
  const pb: usize = 32 + 16 * k;
  const vmin = f32x4.splat(minv);
  const vmax = f32x4.splat(maxv);
  let wp = w;
  for (let j0: usize = 0; j0 < n; j0 += 8) {
    const nc = min(<usize>8, n - j0);
    if (m == 1) {
      // GEMV: one row, K unrolled by 2 into two accumulator pairs (memory-bound: halves stream once)
      let vaccAx0 = v128.load(wp), vaccAx1 = v128.load(wp, 16);
      let vaccBx0 = f32x4.splat(0), vaccBx1 = f32x4.splat(0);
      let wk = wp + 32;
      let p: usize = 0;
      for (; p + 2 <= k; p += 2) {
        const vh0 = v128.load(wk);
        const vh1 = v128.load(wk, 16);
        wk += 32;
        const va0 = v128.load32_splat(a + p * 4);
        const va1 = v128.load32_splat(a + p * 4, 4);
        vaccAx0 = f32x4.add(vaccAx0, f32x4.mul(va0, widen(i32x4.extend_low_i16x8_u(vh0))));
        vaccAx1 = f32x4.add(vaccAx1, f32x4.mul(va0, widen(i32x4.extend_high_i16x8_u(vh0))));
        vaccBx0 = f32x4.add(vaccBx0, f32x4.mul(va1, widen(i32x4.extend_low_i16x8_u(vh1))));
        vaccBx1 = f32x4.add(vaccBx1, f32x4.mul(va1, widen(i32x4.extend_high_i16x8_u(vh1))));
      }
      if (p < k) {
        const vh0 = v128.load(wk);
        const va0 = v128.load32_splat(a + p * 4);
        vaccAx0 = f32x4.add(vaccAx0, f32x4.mul(va0, widen(i32x4.extend_low_i16x8_u(vh0))));
        vaccAx1 = f32x4.add(vaccAx1, f32x4.mul(va0, widen(i32x4.extend_high_i16x8_u(vh0))));
      }
      const cr = c + j0 * 4;
      store_f32x8(cr, vact(f32x4.add(vaccAx0, vaccBx0), act, vmin, vmax), vact(f32x4.add(vaccAx1, vaccBx1), act, vmin, vmax), nc);
      if (act >= 3) gemm_gelu_tile(1, nc, cr, ldcB, act);
      wp += pb;
      continue;
    }
    for (let i: usize = 0; i < m; i += 4) {
      const mr = min(<usize>4, m - i);
      const a0 = a + i * ldaB;
      const a1 = mr > 1 ? a0 + ldaB : a0;
      const a2 = mr > 2 ? a1 + ldaB : a1;
      const a3 = mr > 3 ? a2 + ldaB : a2;
      let vacc0x0 = v128.load(wp), vacc0x1 = v128.load(wp, 16);
      let vacc1x0 = vacc0x0, vacc1x1 = vacc0x1;
      let vacc2x0 = vacc0x0, vacc2x1 = vacc0x1;
      let vacc3x0 = vacc0x0, vacc3x1 = vacc0x1;
      let wk = wp + 32;
      for (let p: usize = 0; p < k; p++) {
        const vh = v128.load(wk);
        wk += 16;
        const vw0 = widen(i32x4.extend_low_i16x8_u(vh));
        const vw1 = widen(i32x4.extend_high_i16x8_u(vh));
        const va0 = v128.load32_splat(a0 + p * 4);
        const va1 = v128.load32_splat(a1 + p * 4);
        const va2 = v128.load32_splat(a2 + p * 4);
        const va3 = v128.load32_splat(a3 + p * 4);
        vacc0x0 = f32x4.add(vacc0x0, f32x4.mul(va0, vw0));
        vacc0x1 = f32x4.add(vacc0x1, f32x4.mul(va0, vw1));
        vacc1x0 = f32x4.add(vacc1x0, f32x4.mul(va1, vw0));
        vacc1x1 = f32x4.add(vacc1x1, f32x4.mul(va1, vw1));
        vacc2x0 = f32x4.add(vacc2x0, f32x4.mul(va2, vw0));
        vacc2x1 = f32x4.add(vacc2x1, f32x4.mul(va2, vw1));
        vacc3x0 = f32x4.add(vacc3x0, f32x4.mul(va3, vw0));
        vacc3x1 = f32x4.add(vacc3x1, f32x4.mul(va3, vw1));
      }
      const cr = c + i * ldcB + j0 * 4;
      store_f32x8(cr, vact(vacc0x0, act, vmin, vmax), vact(vacc0x1, act, vmin, vmax), nc);
      if (mr > 1) store_f32x8(cr + ldcB, vact(vacc1x0, act, vmin, vmax), vact(vacc1x1, act, vmin, vmax), nc);
      if (mr > 2) store_f32x8(cr + 2 * ldcB, vact(vacc2x0, act, vmin, vmax), vact(vacc2x1, act, vmin, vmax), nc);
      if (mr > 3) store_f32x8(cr + 3 * ldcB, vact(vacc3x0, act, vmin, vmax), vact(vacc3x1, act, vmin, vmax), nc);
      if (act >= 3) gemm_gelu_tile(mr, nc, cr, ldcB, act);
    }
    wp += pb;
  }
}
