// Shared pieces of the f32-attn kernels (all @inline, no state): packing a query tile, packing
// K transposed, the 4 x 32 score block (S = scale·Q·K^T + masks) and the online-softmax update.
//
// Online softmax (Milakov & Gimelshein, arXiv 1805.02867; the blocked form of FlashAttention,
// arXiv 2205.14135, and the CPU "online softmax" of arXiv 2112.05682): for each query row keep the
// running maximum M and the running sum L = sum_j exp(s_j - M) of the blocks seen so far, and the
// unnormalized output Acc = sum_j exp(s_j - M) v_j. A new block with maximum m' gives
// M' = max(M, m'), alpha = exp(M - M'), L' = alpha·L + sum_j exp(s_j - M'), Acc' = alpha·Acc +
// sum_j exp(s_j - M') v_j; the output is Acc / L. While every key seen so far is masked (M = -inf)
// the exponent base is 0 instead of M, so exp(-inf - base) = 0 and no -inf - -inf = NaN appears.
// A row whose keys are all masked ends with L = 0 and outputs zeros (not NaN as PyTorch's math).
import { vexp_rr2_p6, vmadd } from '../common/vmath';

// Query rows per tile, keys per block.
export const MR: i32 = 4;
export const NB: i32 = 32;
// Query tiles per q-block of the forward kernel (QT·MR rows share each K/V block while it is hot).
export const QT: i32 = 8;

// Mask kinds (the `maskKind` argument of the kernels).
export const MASK_NONE: i32 = 0;
export const MASK_BOOL_ATTEND: i32 = 1; // u8, nonzero = attend (scaled_dot_product_attention)
export const MASK_BOOL_BLOCK: i32 = 2; // u8, nonzero = masked (nn.MultiheadAttention)
export const MASK_FLOAT: i32 = 3; // f32 added to the scores (-inf allowed)

// Stores the transpose of the 4x4 block whose rows are r0..r3, times s: column c (r0[c], r1[c],
// r2[c], r3[c]) · s goes to dst + c·stride.
// @ts-ignore: decorator
@inline function storeT4(r0: v128, r1: v128, r2: v128, r3: v128, s: v128, dst: usize, stride: usize): void {
  const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5); // a0 b0 a1 b1
  const t1 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5); // c0 d0 c1 d1
  const t2 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7); // a2 b2 a3 b3
  const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
  v128.store(dst, f32x4.mul(v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), s));
  v128.store(dst + stride, f32x4.mul(v128.shuffle<f32>(t0, t1, 2, 3, 6, 7), s));
  v128.store(dst + 2 * stride, f32x4.mul(v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), s));
  v128.store(dst + 3 * stride, f32x4.mul(v128.shuffle<f32>(t2, t3, 2, 3, 6, 7), s));
}

// qs[p][i] = scale · q[row_i][p] for p < d, i < 4 (rows past the last valid one repeat it), so
// the score loop reads the four query values of one p with four immediate-offset splats.
// 4x4 transposes for p < d & ~3, then scalars (never reads past a row's d floats).
// @ts-ignore: decorator
@inline export function packQTile(q: usize, qsl: i32, r0: i32, nr: i32, d: i32, scale: f32, qs: usize): void {
  const q0 = q + (<usize>(r0 * qsl) << 2);
  const q1 = q + (<usize>((r0 + min(1, nr - 1)) * qsl) << 2);
  const q2 = q + (<usize>((r0 + min(2, nr - 1)) * qsl) << 2);
  const q3 = q + (<usize>((r0 + min(3, nr - 1)) * qsl) << 2);
  const vs = f32x4.splat(scale);
  let p = 0;
  for (; p + 4 <= d; p += 4) {
    const o = <usize>p << 2;
    storeT4(v128.load(q0 + o), v128.load(q1 + o), v128.load(q2 + o), v128.load(q3 + o), vs, qs + (o << 2), 16);
  }
  for (; p < d; p++) {
    const o = <usize>p << 2;
    const dst = qs + (o << 2);
    store<f32>(dst, load<f32>(q0 + o) * scale);
    store<f32>(dst, load<f32>(q1 + o) * scale, 4);
    store<f32>(dst, load<f32>(q2 + o) * scale, 8);
    store<f32>(dst, load<f32>(q3 + o) * scale, 12);
  }
}

// K^T packed in blocks of NB keys: kt[j / NB][p][j % NB] = k[j][p] for j < n, zeros up to
// roundup(n, NB), p < d. Each block is d·NB contiguous floats, so the score loop walks 128 B per
// p (a power-of-two stride of whole K^T rows would alias in the L1 cache). Four keys at a time
// by 4x4 transposes (p < d & ~3), then scalars; never reads past a key row's d floats.
// @ts-ignore: decorator
@inline export function packKT(k: usize, ksl: i32, n: i32, d: i32, kt: usize): void {
  const one = f32x4.splat(1);
  const d4 = d & ~3;
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const k0 = k + (<usize>(j * ksl) << 2);
    const k1 = k0 + (<usize>ksl << 2);
    const k2 = k1 + (<usize>ksl << 2);
    const k3 = k2 + (<usize>ksl << 2);
    const dst = kt + (<usize>((j / NB) * d * NB + (j & (NB - 1))) << 2);
    for (let p = 0; p < d4; p += 4) {
      const o = <usize>p << 2;
      storeT4(v128.load(k0 + o), v128.load(k1 + o), v128.load(k2 + o), v128.load(k3 + o), one, dst + o * NB, NB * 4);
    }
    for (let p = d4; p < d; p++) {
      const o = <usize>p << 2;
      const t = dst + o * NB;
      store<f32>(t, load<f32>(k0 + o));
      store<f32>(t, load<f32>(k1 + o), 4);
      store<f32>(t, load<f32>(k2 + o), 8);
      store<f32>(t, load<f32>(k3 + o), 12);
    }
  }
  for (; j < n; j++) {
    const src = k + (<usize>(j * ksl) << 2);
    let dst = kt + (<usize>((j / NB) * d * NB + (j & (NB - 1))) << 2);
    for (let p = 0; p < d; p++) {
      store<f32>(dst, load<f32>(src + (<usize>p << 2)));
      dst += NB * 4;
    }
  }
  const end = roundUp(n, NB);
  for (let j = n; j < end; j++) {
    let dst = kt + (<usize>((j / NB) * d * NB + (j & (NB - 1))) << 2);
    for (let p = 0; p < d; p++) {
      store<f32>(dst, 0);
      dst += NB * 4;
    }
  }
}

// The K^T blocks of one (batch, head): kb itself when K comes packed (kT != 0), else ktw after
// packing the keys a causal problem can reach (j < L + coff) or all S.
// @ts-ignore: decorator
@inline export function headKT(kT: i32, kb: usize, ksl: i32, L: i32, S: i32, d: i32, causal: i32, coff: i32, ktw: usize): usize {
  if (kT != 0) return kb;
  packKT(kb, ksl, causal != 0 ? max(0, min(S, L + coff)) : S, d, ktw);
  return ktw;
}

// The V rows of one (batch, head) as the P·V loop reads them: vb itself when contiguous
// (vsl == dv), else copied to vw with row stride roundup(dv, 4) (large strides such as a packed
// [tokens, 3E] projection alias in the L1 cache when 32 rows are walked per column chunk).
// @ts-ignore: decorator
@inline export function headV(vb: usize, vsl: i32, dv: i32, L: i32, S: i32, causal: i32, coff: i32, vw: usize): usize {
  if (vsl == dv) return vb;
  const n = causal != 0 ? max(0, min(S, L + coff)) : S;
  const dvp = roundUp(dv, 4);
  for (let j = 0; j < n; j++) {
    memory.copy(vw + (<usize>(j * dvp) << 2), vb + (<usize>(j * vsl) << 2), <usize>dv << 2);
  }
  return vw;
}

// Address of mask element (b, h, row, 0): elements are bytes for the bool kinds, f32 for float.
// @ts-ignore: decorator
@inline export function maskAt(mask: usize, maskKind: i32, off: i32): usize {
  if (maskKind == MASK_NONE) return 0;
  return mask + (maskKind == MASK_FLOAT ? <usize>off << 2 : <usize>off);
}

// Last key (exclusive) a query tile [r0, r0 + nr) can see.
// @ts-ignore: decorator
@inline export function tileKeyEnd(S: i32, r0: i32, nr: i32, causal: i32, coff: i32): i32 {
  return causal != 0 ? max(0, min(S, r0 + nr + coff)) : S;
}

// sc[i][c] = sum_p qs[p][i] · ktb[p][c] for i < 4, c < nbc (nbc a multiple of 8, <= NB), ktb one
// packed K^T block. A 4 x 8 register tile (eight f32x4 accumulators) per 8 keys. The inner loops
// here run on one pointer compare (no counter): V8 then unrolls them 4x with ~4 instructions of
// loop overhead per 64 flops (measured ~5% faster than a counted loop).
// @ts-ignore: decorator
@inline export function scoreBlock(fma: bool, qs: usize, d: i32, ktb: usize, nbc: i32, sc: usize): void {
  for (let c = 0; c < nbc; c += 8) {
    let a00 = f32x4.splat(0), a01 = f32x4.splat(0);
    let a10 = f32x4.splat(0), a11 = f32x4.splat(0);
    let a20 = f32x4.splat(0), a21 = f32x4.splat(0);
    let a30 = f32x4.splat(0), a31 = f32x4.splat(0);
    let kp = ktb + (<usize>c << 2);
    let qp = qs;
    const qend = qs + (<usize>d << 4);
    while (qp < qend) {
      const k0 = v128.load(kp);
      const k1 = v128.load(kp, 16);
      const q0 = v128.load32_splat(qp);
      const q1 = v128.load32_splat(qp, 4);
      const q2 = v128.load32_splat(qp, 8);
      const q3 = v128.load32_splat(qp, 12);
      a00 = vmadd(fma, q0, k0, a00);
      a01 = vmadd(fma, q0, k1, a01);
      a10 = vmadd(fma, q1, k0, a10);
      a11 = vmadd(fma, q1, k1, a11);
      a20 = vmadd(fma, q2, k0, a20);
      a21 = vmadd(fma, q2, k1, a21);
      a30 = vmadd(fma, q3, k0, a30);
      a31 = vmadd(fma, q3, k1, a31);
      kp += NB * 4;
      qp += 16;
    }
    const o = sc + (<usize>c << 2);
    v128.store(o, a00);
    v128.store(o, a01, 16);
    v128.store(o, a10, NB * 4);
    v128.store(o, a11, NB * 4 + 16);
    v128.store(o, a20, NB * 8);
    v128.store(o, a21, NB * 8 + 16);
    v128.store(o, a30, NB * 12);
    v128.store(o, a31, NB * 12 + 16);
  }
}

// Applies the masks to sc[i][c] (i < 4, c < nbc) for keys j0 + c and query rows r0 + i (rows
// i >= nr repeat row nr - 1): columns c >= nb, causal (key > query row + coff), key padding (kpm[j] != 0)
// and the attention mask, whose row r0 starts at mrow0 (u8 for the bool kinds, f32 for
// MASK_FLOAT; rows msl elements apart).
// @ts-ignore: decorator
@inline export function maskBlock(
  sc: usize, r0: i32, nr: i32, j0: i32, nb: i32, nbc: i32,
  causal: i32, coff: i32, kpm: usize, mrow0: usize, maskKind: i32, msl: i32,
): void {
  const ninf: f32 = -Infinity;
  for (let i = 0; i < MR; i++) {
    const srow = sc + (<usize>(i * NB) << 2);
    const ii = i < nr ? i : nr - 1;
    let lim = nb;
    if (causal != 0) lim = min(lim, r0 + ii + coff - j0 + 1);
    if (lim < 0) lim = 0;
    for (let c = lim; c < nbc; c++) store<f32>(srow + (<usize>c << 2), ninf);
    if (kpm != 0) {
      for (let c = 0; c < lim; c++) {
        if (load<u8>(kpm + <usize>(j0 + c)) != 0) store<f32>(srow + (<usize>c << 2), ninf);
      }
    }
    if (maskKind == MASK_FLOAT) {
      const mrow = mrow0 + (<usize>(ii * msl + j0) << 2);
      for (let c = 0; c < lim; c++) {
        const a = srow + (<usize>c << 2);
        store<f32>(a, load<f32>(a) + load<f32>(mrow + (<usize>c << 2)));
      }
    } else if (maskKind != MASK_NONE) {
      const mrow = mrow0 + <usize>(ii * msl + j0);
      const blockOn: bool = maskKind == MASK_BOOL_BLOCK;
      for (let c = 0; c < lim; c++) {
        if ((load<u8>(mrow + <usize>c) != 0) == blockOn) store<f32>(srow + (<usize>c << 2), ninf);
      }
    }
  }
}

// Row maxima of sc (4 rows x nbc columns) as one f32x4 (lane i = row i). pmax (one maxps on x64;
// f32x4.max is an 8-instruction NaN-exact sequence): a NaN score may be skipped here, but its
// exp is NaN, so the row's sum and output are NaN either way.
// @ts-ignore: decorator
@inline export function blockRowMax(sc: usize, nbc: i32): v128 {
  let m0 = f32x4.splat(-Infinity), m1 = m0, m2 = m0, m3 = m0;
  for (let c = 0; c < nbc; c += 4) {
    const o = sc + (<usize>c << 2);
    m0 = f32x4.pmax(m0, v128.load(o));
    m1 = f32x4.pmax(m1, v128.load(o, NB * 4));
    m2 = f32x4.pmax(m2, v128.load(o, NB * 8));
    m3 = f32x4.pmax(m3, v128.load(o, NB * 12));
  }
  // 4x4 transpose-reduce: lane i of the result = max of mi's lanes.
  const t01lo = v128.shuffle<f32>(m0, m1, 0, 4, 1, 5);
  const t01hi = v128.shuffle<f32>(m0, m1, 2, 6, 3, 7);
  const t23lo = v128.shuffle<f32>(m2, m3, 0, 4, 1, 5);
  const t23hi = v128.shuffle<f32>(m2, m3, 2, 6, 3, 7);
  const u01 = f32x4.pmax(t01lo, t01hi); // m0a m1a m0b m1b
  const u23 = f32x4.pmax(t23lo, t23hi);
  const w0 = v128.shuffle<f32>(u01, u23, 0, 1, 4, 5);
  const w1 = v128.shuffle<f32>(u01, u23, 2, 3, 6, 7);
  return f32x4.pmax(w0, w1);
}

// The exponent base per row: the running max, or 0 while it is -inf (all keys so far masked).
// @ts-ignore: decorator
@inline export function expBase(vm: v128): v128 {
  return v128.bitselect(f32x4.splat(0), vm, f32x4.eq(vm, f32x4.splat(-Infinity)));
}

// sc[i][c] = exp(sc[i][c] - base_i) · mul_i for c < nbc (no multiply when vmul is omitted);
// returns the row sums (lane i = row i). The exponents are <= 0 (base is the row max), so
// vexp_rr2_p6 runs without its overflow test.
// @ts-ignore: decorator
@inline export function expBlock(fma: bool, sc: usize, nbc: i32, vbase: v128, vmul: v128 = f32x4.splat(1), scaled: bool = false): v128 {
  const b0 = f32x4.splat(f32x4.extract_lane(vbase, 0));
  const b1 = f32x4.splat(f32x4.extract_lane(vbase, 1));
  const b2 = f32x4.splat(f32x4.extract_lane(vbase, 2));
  const b3 = f32x4.splat(f32x4.extract_lane(vbase, 3));
  const s0 = f32x4.splat(f32x4.extract_lane(vmul, 0));
  const s1 = f32x4.splat(f32x4.extract_lane(vmul, 1));
  const s2 = f32x4.splat(f32x4.extract_lane(vmul, 2));
  const s3 = f32x4.splat(f32x4.extract_lane(vmul, 3));
  let l0 = f32x4.splat(0), l1 = l0, l2 = l0, l3 = l0;
  for (let c = 0; c < nbc; c += 4) {
    const o = sc + (<usize>c << 2);
    let p0 = vexp_rr2_p6(f32x4.sub(v128.load(o), b0), fma, true);
    let p1 = vexp_rr2_p6(f32x4.sub(v128.load(o, NB * 4), b1), fma, true);
    let p2 = vexp_rr2_p6(f32x4.sub(v128.load(o, NB * 8), b2), fma, true);
    let p3 = vexp_rr2_p6(f32x4.sub(v128.load(o, NB * 12), b3), fma, true);
    if (scaled) {
      p0 = f32x4.mul(p0, s0);
      p1 = f32x4.mul(p1, s1);
      p2 = f32x4.mul(p2, s2);
      p3 = f32x4.mul(p3, s3);
    }
    v128.store(o, p0);
    v128.store(o, p1, NB * 4);
    v128.store(o, p2, NB * 8);
    v128.store(o, p3, NB * 12);
    l0 = f32x4.add(l0, p0);
    l1 = f32x4.add(l1, p1);
    l2 = f32x4.add(l2, p2);
    l3 = f32x4.add(l3, p3);
  }
  const t01lo = v128.shuffle<f32>(l0, l1, 0, 4, 1, 5);
  const t01hi = v128.shuffle<f32>(l0, l1, 2, 6, 3, 7);
  const t23lo = v128.shuffle<f32>(l2, l3, 0, 4, 1, 5);
  const t23hi = v128.shuffle<f32>(l2, l3, 2, 6, 3, 7);
  const u01 = f32x4.add(t01lo, t01hi);
  const u23 = f32x4.add(t23lo, t23hi);
  return f32x4.add(v128.shuffle<f32>(u01, u23, 0, 1, 4, 5), v128.shuffle<f32>(u01, u23, 2, 3, 6, 7));
}

// acc[i][c] = alpha_i · acc[i][c] + sum_{j < nb} sc[i][j] · v[j0 + j][c] for i < 4, c < dv
// (acc rows of dvp = roundup(dv, 4) floats; v rows vsl floats apart). Columns in chunks of 8,
// then 4: reads up to 12 B past the end of a V row, never writes past acc's dvp columns.
// @ts-ignore: decorator
@inline export function pvBlock(fma: bool, sc: usize, nb: i32, v: usize, vsl: i32, j0: i32, dv: i32, acc: usize, dvp: i32, valpha: v128): void {
  const s0 = f32x4.splat(f32x4.extract_lane(valpha, 0));
  const s1 = f32x4.splat(f32x4.extract_lane(valpha, 1));
  const s2 = f32x4.splat(f32x4.extract_lane(valpha, 2));
  const s3 = f32x4.splat(f32x4.extract_lane(valpha, 3));
  const vStep = <usize>vsl << 2;
  const rowB = <usize>dvp << 2;
  const vbase = v + (<usize>(j0 * vsl) << 2);
  let c = 0;
  for (; c + 8 <= dv; c += 8) {
    const ac0 = acc + (<usize>c << 2);
    const ac1 = ac0 + rowB;
    const ac2 = ac1 + rowB;
    const ac3 = ac2 + rowB;
    let a00 = f32x4.mul(v128.load(ac0), s0), a01 = f32x4.mul(v128.load(ac0, 16), s0);
    let a10 = f32x4.mul(v128.load(ac1), s1), a11 = f32x4.mul(v128.load(ac1, 16), s1);
    let a20 = f32x4.mul(v128.load(ac2), s2), a21 = f32x4.mul(v128.load(ac2, 16), s2);
    let a30 = f32x4.mul(v128.load(ac3), s3), a31 = f32x4.mul(v128.load(ac3, 16), s3);
    let vp = vbase + (<usize>c << 2);
    let pp = sc;
    const pend = sc + (<usize>nb << 2);
    while (pp < pend) {
      const v0 = v128.load(vp);
      const v1 = v128.load(vp, 16);
      const p0 = v128.load32_splat(pp);
      const p1 = v128.load32_splat(pp, NB * 4);
      const p2 = v128.load32_splat(pp, NB * 8);
      const p3 = v128.load32_splat(pp, NB * 12);
      a00 = vmadd(fma, p0, v0, a00);
      a01 = vmadd(fma, p0, v1, a01);
      a10 = vmadd(fma, p1, v0, a10);
      a11 = vmadd(fma, p1, v1, a11);
      a20 = vmadd(fma, p2, v0, a20);
      a21 = vmadd(fma, p2, v1, a21);
      a30 = vmadd(fma, p3, v0, a30);
      a31 = vmadd(fma, p3, v1, a31);
      vp += vStep;
      pp += 4;
    }
    v128.store(ac0, a00); v128.store(ac0, a01, 16);
    v128.store(ac1, a10); v128.store(ac1, a11, 16);
    v128.store(ac2, a20); v128.store(ac2, a21, 16);
    v128.store(ac3, a30); v128.store(ac3, a31, 16);
  }
  for (; c < dv; c += 4) {
    const ac0 = acc + (<usize>c << 2);
    const ac1 = ac0 + rowB;
    const ac2 = ac1 + rowB;
    const ac3 = ac2 + rowB;
    let a0 = f32x4.mul(v128.load(ac0), s0);
    let a1 = f32x4.mul(v128.load(ac1), s1);
    let a2 = f32x4.mul(v128.load(ac2), s2);
    let a3 = f32x4.mul(v128.load(ac3), s3);
    let vp = vbase + (<usize>c << 2);
    let pp = sc;
    const pend = sc + (<usize>nb << 2);
    while (pp < pend) {
      const v0 = v128.load(vp);
      a0 = vmadd(fma, v128.load32_splat(pp), v0, a0);
      a1 = vmadd(fma, v128.load32_splat(pp, NB * 4), v0, a1);
      a2 = vmadd(fma, v128.load32_splat(pp, NB * 8), v0, a2);
      a3 = vmadd(fma, v128.load32_splat(pp, NB * 12), v0, a3);
      vp += vStep;
      pp += 4;
    }
    v128.store(ac0, a0);
    v128.store(ac1, a1);
    v128.store(ac2, a2);
    v128.store(ac3, a3);
  }
}

// 1/l per lane, 0 where l == 0 (a fully masked row outputs zeros); NaN stays NaN.
// @ts-ignore: decorator
@inline export function safeRecip(vl: v128): v128 {
  return v128.bitselect(f32x4.splat(0), f32x4.div(f32x4.splat(1), vl), f32x4.eq(vl, f32x4.splat(0)));
}

// dst[c] = src[c] · s for c < n (src readable to roundup(n, 4)); never writes past dst + 4n.
// @ts-ignore: decorator
@inline export function storeScaledRow(dst: usize, src: usize, n: i32, s: v128): void {
  let c = 0;
  for (; c + 4 <= n; c += 4) v128.store(dst + (<usize>c << 2), f32x4.mul(v128.load(src + (<usize>c << 2)), s));
  if (c < n) {
    let vy = f32x4.mul(v128.load(src + (<usize>c << 2)), s);
    let o = dst + (<usize>c << 2);
    const rest = n - c;
    if (rest & 2) {
      v128.store64_lane(o, vy, 0);
      vy = v128.shuffle<f32>(vy, vy, 2, 3, 2, 3);
      o += 8;
    }
    if (rest & 1) v128.store32_lane(o, vy, 0);
  }
}

// @ts-ignore: decorator
@inline export function roundUp(n: i32, m: i32): i32 {
  return (n + m - 1) / m * m;
}

// One-row variants (a tile with a single query row, e.g. decoding one token over a KV cache):
// the same recurrence without the 4x redundant work of a padded 4-row tile.

// sc[0][c] = sum_p qs[p][0] · ktb[p][c] for c < nbc (nbc a multiple of 8): 8 keys per f32x4 pair,
// all 32 keys of a block in eight accumulators.
// @ts-ignore: decorator
@inline export function scoreRow1(fma: bool, qs: usize, d: i32, ktb: usize, sc: usize): void {
  let a0 = f32x4.splat(0), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
  let kp = ktb;
  let qp = qs;
  const qend = qs + (<usize>d << 4);
  while (qp < qend) {
    const qv = v128.load32_splat(qp);
    a0 = vmadd(fma, qv, v128.load(kp), a0);
    a1 = vmadd(fma, qv, v128.load(kp, 16), a1);
    a2 = vmadd(fma, qv, v128.load(kp, 32), a2);
    a3 = vmadd(fma, qv, v128.load(kp, 48), a3);
    a4 = vmadd(fma, qv, v128.load(kp, 64), a4);
    a5 = vmadd(fma, qv, v128.load(kp, 80), a5);
    a6 = vmadd(fma, qv, v128.load(kp, 96), a6);
    a7 = vmadd(fma, qv, v128.load(kp, 112), a7);
    kp += NB * 4;
    qp += 16;
  }
  v128.store(sc, a0);
  v128.store(sc, a1, 16);
  v128.store(sc, a2, 32);
  v128.store(sc, a3, 48);
  v128.store(sc, a4, 64);
  v128.store(sc, a5, 80);
  v128.store(sc, a6, 96);
  v128.store(sc, a7, 112);
}

// Max of sc[0][c], c < nbc, splat in every lane.
// @ts-ignore: decorator
@inline export function rowMax1(sc: usize, nbc: i32): v128 {
  let m = f32x4.splat(-Infinity);
  for (let c = 0; c < nbc; c += 4) m = f32x4.pmax(m, v128.load(sc + (<usize>c << 2)));
  m = f32x4.pmax(m, v128.shuffle<f32>(m, m, 2, 3, 0, 1));
  return f32x4.pmax(m, v128.shuffle<f32>(m, m, 1, 0, 3, 2));
}

// sc[0][c] = exp(sc[0][c] - base) for c < nbc (base splat); returns the sum, splat.
// @ts-ignore: decorator
@inline export function expRow1(fma: bool, sc: usize, nbc: i32, vbase: v128): v128 {
  let l = f32x4.splat(0);
  for (let c = 0; c < nbc; c += 4) {
    const o = sc + (<usize>c << 2);
    const p = vexp_rr2_p6(f32x4.sub(v128.load(o), vbase), fma, true);
    v128.store(o, p);
    l = f32x4.add(l, p);
  }
  l = f32x4.add(l, v128.shuffle<f32>(l, l, 2, 3, 0, 1));
  return f32x4.add(l, v128.shuffle<f32>(l, l, 1, 0, 3, 2));
}

// acc[0][c] = alpha · acc[0][c] + sum_{j < nb} sc[0][j] · v[j0 + j][c] for c < dv: 16 columns per
// pass (four accumulators), then 4. Reads up to 12 B past a V row; writes only acc's dvp columns.
// @ts-ignore: decorator
@inline export function pvRow1(fma: bool, sc: usize, nb: i32, v: usize, vsl: i32, j0: i32, dv: i32, acc: usize, valpha: v128): void {
  const vStep = <usize>vsl << 2;
  const vbase = v + (<usize>(j0 * vsl) << 2);
  let c = 0;
  for (; c + 16 <= dv; c += 16) {
    const ac = acc + (<usize>c << 2);
    let a0 = f32x4.mul(v128.load(ac), valpha);
    let a1 = f32x4.mul(v128.load(ac, 16), valpha);
    let a2 = f32x4.mul(v128.load(ac, 32), valpha);
    let a3 = f32x4.mul(v128.load(ac, 48), valpha);
    let vp = vbase + (<usize>c << 2);
    let pp = sc;
    const pend = sc + (<usize>nb << 2);
    while (pp < pend) {
      const pv = v128.load32_splat(pp);
      a0 = vmadd(fma, pv, v128.load(vp), a0);
      a1 = vmadd(fma, pv, v128.load(vp, 16), a1);
      a2 = vmadd(fma, pv, v128.load(vp, 32), a2);
      a3 = vmadd(fma, pv, v128.load(vp, 48), a3);
      vp += vStep;
      pp += 4;
    }
    v128.store(ac, a0);
    v128.store(ac, a1, 16);
    v128.store(ac, a2, 32);
    v128.store(ac, a3, 48);
  }
  for (; c < dv; c += 4) {
    const ac = acc + (<usize>c << 2);
    let a0 = f32x4.mul(v128.load(ac), valpha);
    let vp = vbase + (<usize>c << 2);
    let pp = sc;
    const pend = sc + (<usize>nb << 2);
    while (pp < pend) {
      a0 = vmadd(fma, v128.load32_splat(pp), v128.load(vp), a0);
      vp += vStep;
      pp += 4;
    }
    v128.store(ac, a0);
  }
}
