// qd8_f32_qc8w_gemm_4x8__wasmrelaxedsimd, qd8_f32_qc8w_gemm_4x8__wasmrelaxedsimd_dot2:
//   C[i][j] = act(s_i * scale_j * sum_p (q_i[p] - zp_i) * wq[j][p] + bias[j]),  i < m, j < n, p < k,
//   with (q_i, s_i, zp_i) the dynamic 7-bit quantization of row i of A (common.ts).
// Operands: A f32 row-major m x k, leading dimension lda (elements); W packed qc8w panels
//   (common.ts: ksum, scale, bias, then 4-k blocks of 8 columns); C f32 row-major, ldc elements.
// qd8_f32_qc8w_conv_4x8__wasmrelaxedsimd(_dot2): the same tile over pre-quantized rows with
//   channel-major output (the int8 convolution's GEMM; contract in driver.ts).
// Tile: 4x8 (8 i32x4 accumulators), one i32x4.relaxed_dot_i8x16_i7x16_add_s per 16 weight bytes
//   and row; m == 1 takes a 1x8 GEMV tile with K unrolled by 2 (two accumulator pairs).
//   The _dot2 twin computes the same with relaxed_dot_i8x16_i7x16_s + extadd_pairwise + add.
// Exactness of the relaxed dot: the first operand is the weight (any int8), the second (the one
//   whose top bit the spec leaves implementation-defined) is the activation code, always in
//   0..127 (top bit clear), so signed and unsigned readings agree; the pairwise i16 sums of x86's
//   pmaddubsw are at most 2 * 128 * 127 = 32512 < 2^15, so they never saturate. Every CPU
//   therefore returns the exact int32 dot, and this kernel is bit-identical to the
//   SIMD128 and scalar variants, on a correct runtime: qd8_relaxed_dot_probe__wasmrelaxedsimd lets
//   src/ops/qgemm.ts check both forms once per engine and pick one that is exact.
// Workspace ws: ws_rows_offset(mcb) + mcb * kp bytes, mcb = min(m, mcBlock or m), kp = roundUp(k, 4).
// act: 0 none, 1 relu, 2 clamp(minv, maxv), 3 gelu, 4 gelu_tanh (src/ops/gemm.ts codes).
// Preconditions: m, n, k >= 1; lda >= k; ldc >= n. Reads exactly the m x k window of A, the packed
//   panels and the workspace (no over-read); never writes outside C's m x n window.
import { NR, PANEL_HEAD, quantize_rows_u7, store_row_8, store_4x8_t, gelu_tile, ws_rows_offset } from './common';
import { kp_of, panel_bytes, row_ptr } from './driver';

// acc + dot4(w, a) per i32 lane: one relaxed_dot_i8x16_i7x16_add_s (ADD), or the two-step form
// extadd_pairwise(relaxed_dot_i8x16_i7x16_s) + add (for runtimes whose dot_add is wrong: Node 20's
// V8 11.3 on x64 returns twice the dot and drops the accumulator; src/ops/qgemm.ts probes it).
// @ts-ignore: decorator
@inline function rdot(ADD: bool, w: v128, a: v128, acc: v128): v128 {
  if (ADD) return i32x4.relaxed_dot_i8x16_i7x16_add_s(w, a, acc);
  return i32x4.add(acc, i32x4.extadd_pairwise_i16x8_s(i16x8.relaxed_dot_i8x16_i7x16_s(w, a)));
}

// @ts-ignore: decorator
@inline
function tile_4x8(
  ADD: bool, TR: bool, mr: usize, kp: usize, q: usize, ldq: usize, qp: usize, qs: usize, w: usize, c: usize, ldcB: usize, nc: usize,
  act: i32, vmin: v128, vmax: v128,
): void {
  const a0 = q;
  const a1 = row_ptr(q, ldq, 1, mr);
  const a2 = row_ptr(q, ldq, 2, mr);
  const a3 = row_ptr(q, ldq, 3, mr);
  let vacc0x0 = i32x4.splat(0), vacc0x1 = i32x4.splat(0);
  let vacc1x0 = i32x4.splat(0), vacc1x1 = i32x4.splat(0);
  let vacc2x0 = i32x4.splat(0), vacc2x1 = i32x4.splat(0);
  let vacc3x0 = i32x4.splat(0), vacc3x1 = i32x4.splat(0);
  let wk = w + PANEL_HEAD;
  for (let p: usize = 0; p < kp; p += 4) {
    const vw0 = v128.load(wk);
    const vw1 = v128.load(wk, 16);
    wk += 32;
    const va0 = v128.load32_splat(a0 + p);
    const va1 = v128.load32_splat(a1 + p);
    const va2 = v128.load32_splat(a2 + p);
    const va3 = v128.load32_splat(a3 + p);
    vacc0x0 = rdot(ADD, vw0, va0, vacc0x0);
    vacc0x1 = rdot(ADD, vw1, va0, vacc0x1);
    vacc1x0 = rdot(ADD, vw0, va1, vacc1x0);
    vacc1x1 = rdot(ADD, vw1, va1, vacc1x1);
    vacc2x0 = rdot(ADD, vw0, va2, vacc2x0);
    vacc2x1 = rdot(ADD, vw1, va2, vacc2x1);
    vacc3x0 = rdot(ADD, vw0, va3, vacc3x0);
    vacc3x1 = rdot(ADD, vw1, va3, vacc3x1);
  }
  if (TR) {
    store_4x8_t(vacc0x0, vacc0x1, vacc1x0, vacc1x1, vacc2x0, vacc2x1, vacc3x0, vacc3x1, w, qp, qs, c, ldcB, mr, nc, act, vmin, vmax);
    return;
  }
  store_row_8(vacc0x0, vacc0x1, w, load<f32>(qp), load<i32>(qp, 4), c, nc, act, vmin, vmax);
  if (mr > 1) store_row_8(vacc1x0, vacc1x1, w, load<f32>(qp + qs), load<i32>(qp + qs, 4), c + ldcB, nc, act, vmin, vmax);
  if (mr > 2) store_row_8(vacc2x0, vacc2x1, w, load<f32>(qp + 2 * qs), load<i32>(qp + 2 * qs, 4), c + 2 * ldcB, nc, act, vmin, vmax);
  if (mr > 3) store_row_8(vacc3x0, vacc3x1, w, load<f32>(qp + 3 * qs), load<i32>(qp + 3 * qs, 4), c + 3 * ldcB, nc, act, vmin, vmax);
}

// @ts-ignore: decorator
@inline
function tile_1x8(ADD: bool, kp: usize, q: usize, qp: usize, w: usize, c: usize, nc: usize, act: i32, vmin: v128, vmax: v128): void {
  let vaccAx0 = i32x4.splat(0), vaccAx1 = i32x4.splat(0);
  let vaccBx0 = i32x4.splat(0), vaccBx1 = i32x4.splat(0);
  let wk = w + PANEL_HEAD;
  let p: usize = 0;
  for (; p + 8 <= kp; p += 8) {
    const va = v128.load32_splat(q + p);
    const vb = v128.load32_splat(q + p, 4);
    vaccAx0 = rdot(ADD, v128.load(wk), va, vaccAx0);
    vaccAx1 = rdot(ADD, v128.load(wk, 16), va, vaccAx1);
    vaccBx0 = rdot(ADD, v128.load(wk, 32), vb, vaccBx0);
    vaccBx1 = rdot(ADD, v128.load(wk, 48), vb, vaccBx1);
    wk += 64;
  }
  if (p < kp) {
    const va = v128.load32_splat(q + p);
    vaccAx0 = rdot(ADD, v128.load(wk), va, vaccAx0);
    vaccAx1 = rdot(ADD, v128.load(wk, 16), va, vaccAx1);
  }
  store_row_8(i32x4.add(vaccAx0, vaccBx0), i32x4.add(vaccAx1, vaccBx1), w, load<f32>(qp), load<i32>(qp, 4), c, nc, act, vmin, vmax);
}

// @ts-ignore: decorator
@inline
function driver(
  ADD: bool, m: usize, n: usize, k: usize, a: usize, lda: usize, w: usize, c: usize, ldc: usize,
  act: i32, minv: f32, maxv: f32, mcBlock: usize, ws: usize,
): void {
  assert(m >= 1 && n >= 1 && k >= 1 && lda >= k && ldc >= n);
  const kp = kp_of(k);
  const pb = panel_bytes(kp);
  const mcb = mcBlock == 0 || mcBlock > m ? m : mcBlock;
  const qp = ws;
  const qrows = ws + ws_rows_offset(mcb);
  const ldcB = ldc * 4;
  const vmin = f32x4.splat(minv);
  const vmax = f32x4.splat(maxv);
  for (let m0: usize = 0; m0 < m; m0 += mcb) {
    const mb = min(mcb, m - m0);
    quantize_rows_u7(mb, k, a + m0 * lda * 4, lda, kp, qrows, qp);
    const cb = c + m0 * ldcB;
    let wp = w;
    for (let j0: usize = 0; j0 < n; j0 += NR) {
      const nc = min(NR, n - j0);
      const cj = cb + j0 * 4;
      if (mb == 1) {
        tile_1x8(ADD, kp, qrows, qp, wp, cj, nc, act, vmin, vmax);
      } else {
        for (let i: usize = 0; i < mb; i += 4) {
          tile_4x8(ADD, false, min(4, mb - i), kp, qrows + i * kp, kp, qp + i * 8, 8, wp, cj + i * ldcB, ldcB, nc, act, vmin, vmax);
        }
      }
      gelu_tile(mb, nc, cj, ldcB, act);
      wp += pb;
    }
  }
}

export function qd8_f32_qc8w_gemm_4x8__wasmrelaxedsimd(
  m: usize, n: usize, k: usize, a: usize, lda: usize, w: usize, c: usize, ldc: usize,
  act: i32, minv: f32, maxv: f32, mcBlock: usize, ws: usize,
): void {
  driver(true, m, n, k, a, lda, w, c, ldc, act, minv, maxv, mcBlock, ws);
}

export function qd8_f32_qc8w_gemm_4x8__wasmrelaxedsimd_dot2(
  m: usize, n: usize, k: usize, a: usize, lda: usize, w: usize, c: usize, ldc: usize,
  act: i32, minv: f32, maxv: f32, mcBlock: usize, ws: usize,
): void {
  driver(false, m, n, k, a, lda, w, c, ldc, act, minv, maxv, mcBlock, ws);
}

// The conv form (see conv_driver in driver.ts for the contract): pre-quantized rows, one shared
// qparam block, channel-major output.
// @ts-ignore: decorator
@inline
function conv_driver(
  ADD: bool, m: usize, n: usize, k: usize, q: usize, ldq: usize, qp: usize, w: usize, c: usize, ldc: usize,
  act: i32, minv: f32, maxv: f32,
): void {
  assert(m >= 1 && n >= 1 && k >= 1 && ldq >= k && ldc >= m);
  const kp = kp_of(k);
  const pb = panel_bytes(kp);
  const ldcB = ldc * 4;
  const vmin = f32x4.splat(minv);
  const vmax = f32x4.splat(maxv);
  let wp = w;
  for (let j0: usize = 0; j0 < n; j0 += NR) {
    const nc = min(NR, n - j0);
    const cj = c + j0 * ldcB;
    for (let i: usize = 0; i < m; i += 4) {
      tile_4x8(ADD, true, min(4, m - i), kp, q + i * ldq, ldq, qp, 0, wp, cj + i * 4, ldcB, nc, act, vmin, vmax);
    }
    gelu_tile(nc, m, cj, ldcB, act);
    wp += pb;
  }
}

export function qd8_f32_qc8w_conv_4x8__wasmrelaxedsimd(
  m: usize, n: usize, k: usize, q: usize, ldq: usize, qp: usize, w: usize, c: usize, ldc: usize,
  act: i32, minv: f32, maxv: f32,
): void {
  conv_driver(true, m, n, k, q, ldq, qp, w, c, ldc, act, minv, maxv);
}

export function qd8_f32_qc8w_conv_4x8__wasmrelaxedsimd_dot2(
  m: usize, n: usize, k: usize, q: usize, ldq: usize, qp: usize, w: usize, c: usize, ldc: usize,
  act: i32, minv: f32, maxv: f32,
): void {
  conv_driver(false, m, n, k, q, ldq, qp, w, c, ldc, act, minv, maxv);
}

// The probe src/ops/qgemm.ts runs once per engine (as XNNPACK's hardware-config checks relaxed
// ops before trusting them): for 16 bytes a (i8), b (i8), 4 i32 c at the given addresses, writes
// at out: [0, 16) the dot_add form rdot(true), [16, 32) the two-step form rdot(false).
export function qd8_relaxed_dot_probe__wasmrelaxedsimd(a: usize, b: usize, c: usize, out: usize): void {
  const va = v128.load(a);
  const vb = v128.load(b);
  const vc = v128.load(c);
  v128.store(out, rdot(true, va, vb, vc));
  v128.store(out, rdot(false, va, vb, vc), 16);
}
