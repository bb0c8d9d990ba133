// f32_attn_probs_q4k32__wasmsimd: P = pscale · softmax(scale · Q K^T + mask), the attention
// weights, exactly (for nn.MultiheadAttention's need_weights). Two passes per query tile: the
// first finds each row's max M and sum L online (attn-common.ts), the second recomputes the
// scores and writes exp(s - M) / L; no scratch of L x S floats.
// Operands: q, k, kT, mask, maskKind, kpm, causal, coff, scale exactly as f32_attn_q4k32__wasmsimd
// (f32-attn-q4k32-wasmsimd.ts); work as there without the V rows; p[b, h, i, j] at p + b·psb + h·psh + i·psl + j for j < S. accumulate != 0 adds
// into P instead of storing (psh = 0 with pscale = 1/heads averages the heads; P must hold zeros
// first). Masked and causal-skipped keys get 0; a fully masked row gets zeros.
// Tile: 4 query rows x 32 keys. Preconditions (asserted): d >= 1, L, S, batch, heads >= 0.
// Bounds: reads up to 16 B past the inputs; never writes outside P's rows.
import {
  MR, NB, MASK_NONE, packQTile, headKT, maskAt, tileKeyEnd, scoreBlock, maskBlock, blockRowMax, expBase,
  expBlock, safeRecip, roundUp,
} from './attn-common';
import { vexp_rr2_p6 } from '../common/vmath';

export function f32_attn_probs_q4k32__wasmsimd(
  nbatch: i32, nhead: i32, L: i32, S: i32, d: i32,
  q: usize, qsb: i32, qsh: i32, qsl: i32,
  k: usize, ksb: i32, ksh: i32, ksl: i32, kT: i32,
  p: usize, psb: i32, psh: i32, psl: i32, accumulate: i32, pscale: f32,
  mask: usize, maskKind: i32, msb: i32, msh: i32, msl: i32,
  kpm: usize, kpmsb: i32,
  causal: i32, coff: i32, scale: f32, work: usize,
): void {
  assert(d >= 1 && L >= 0 && S >= 0 && nbatch >= 0 && nhead >= 0, 'f32_attn_probs: bad sizes');
  const sc = work;
  const qs = sc + (<usize>(MR * NB) << 2);
  const ktw = qs + (<usize>(MR * d) << 2);
  for (let b = 0; b < nbatch; b++) {
    const kpmb: usize = kpm != 0 ? kpm + <usize>(b * kpmsb) : 0;
    for (let h = 0; h < nhead; h++) {
      const qb = q + (<usize>(b * qsb + h * qsh) << 2);
      const kb = k + (<usize>(b * ksb + h * ksh) << 2);
      const pb = p + (<usize>(b * psb + h * psh) << 2);
      const moff = b * msb + h * msh;
      const kt = headKT(kT, kb, ksl, L, S, d, causal, coff, ktw);
      const ktBlock = <usize>(d * NB) << 2;
      for (let r0 = 0; r0 < L; r0 += MR) {
        const nr = min(MR, L - r0);
        packQTile(qb, qsl, r0, nr, d, scale, qs);
        const kvEnd = tileKeyEnd(S, r0, nr, causal, coff);
        const mrow = maskAt(mask, maskKind, moff + r0 * msl);
        // Pass 1: row max and sum.
        let vm = f32x4.splat(-Infinity);
        let vl = f32x4.splat(0);
        for (let j0 = 0; j0 < kvEnd; j0 += NB) {
          const nb = min(NB, kvEnd - j0);
          const nbc = roundUp(nb, 8);
          scoreBlock(false, qs, d, kt + <usize>(j0 / NB) * ktBlock, nbc, sc);
          if (nb != nbc || kpmb != 0 || maskKind != MASK_NONE || (causal != 0 && j0 + nb - 1 > r0 + coff)) {
            maskBlock(sc, r0, nr, j0, nb, nbc, causal, coff, kpmb, mrow, maskKind, msl);
          }
          const vmnew = f32x4.max(vm, blockRowMax(sc, nbc));
          const vbase = expBase(vmnew);
          vl = f32x4.add(f32x4.mul(vl, vexp_rr2_p6(f32x4.sub(vm, vbase), false, true)), expBlock(false, sc, nbc, vbase));
          vm = vmnew;
        }
        // Pass 2: exp(s - M) · pscale / L into P.
        const vbase = expBase(vm);
        const vmul = f32x4.mul(safeRecip(vl), f32x4.splat(pscale));
        for (let j0 = 0; j0 < S; j0 += NB) {
          const nb = min(NB, S - j0);
          const nbc = roundUp(nb, 8);
          const live = j0 < kvEnd;
          if (live) {
            const nbl = min(nb, kvEnd - j0);
            scoreBlock(false, qs, d, kt + <usize>(j0 / NB) * ktBlock, roundUp(nbl, 8), sc);
            maskBlock(sc, r0, nr, j0, nbl, nbc, causal, coff, kpmb, mrow, maskKind, msl);
            expBlock(false, sc, nbc, vbase, vmul, true);
          }
          for (let i = 0; i < nr; i++) {
            const prow = pb + (<usize>((r0 + i) * psl + j0) << 2);
            const srow = sc + (<usize>(i * NB) << 2);
            for (let c = 0; c < nb; c++) {
              const x: f32 = live ? load<f32>(srow + (<usize>c << 2)) : 0;
              const a = prow + (<usize>c << 2);
              store<f32>(a, accumulate != 0 ? load<f32>(a) + x : x);
            }
          }
        }
      }
    }
  }
}
