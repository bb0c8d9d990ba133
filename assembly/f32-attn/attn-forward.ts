// The body of f32_attn_q4k32__wasmsimd and f32_attn_q4k32__wasmrelaxedsimd_fma (fma is a
// compile-time constant: mul+add, or relaxed_madd). Contract: f32-attn-q4k32-wasmsimd.ts.
import {
  MR, NB, QT, MASK_NONE, packQTile, headKT, headV, maskAt, tileKeyEnd, scoreBlock, maskBlock, blockRowMax, expBase,
  expBlock, pvBlock, safeRecip, storeScaledRow, roundUp, scoreRow1, rowMax1, expRow1, pvRow1,
} from './attn-common';
import { vexp_rr2_p6 } from '../common/vmath';

// @ts-ignore: decorator
@inline export function attnForward(
  fma: bool,
  nbatch: i32, nhead: i32, L: i32, S: i32, d: i32, dv: i32,
  q: usize, qsb: i32, qsh: i32, qsl: i32,
  k: usize, ksb: i32, ksh: i32, ksl: i32, kT: i32,
  v: usize, vsb: i32, vsh: i32, vsl: i32,
  o: usize, osb: i32, osh: i32, osl: i32,
  mask: usize, maskKind: i32, msb: i32, msh: i32, msl: i32,
  kpm: usize, kpmsb: i32,
  causal: i32, coff: i32, scale: f32, work: usize,
): void {
  assert(d >= 1 && dv >= 1 && L >= 0 && S >= 0 && nbatch >= 0 && nhead >= 0, 'f32_attn_q4k32: bad sizes');
  const dvp = roundUp(dv, 4);
  // Workspace: sc, then QT tile slots (qs: 4·d, acc: 4·dvp, running max and sum: 2 f32x4), then
  // the K^T blocks and the V copy. A q-block of QT·MR query rows walks K and V once: each 32-key
  // block is used by every tile of the q-block while it is in L1, so K and V stream from L2/L3
  // once per QT·MR rows instead of once per MR rows.
  const sc = work;
  const tiles = sc + (<usize>(MR * NB) << 2);
  const slotB = <usize>(MR * d + MR * dvp + 8) << 2;
  const accOff = <usize>(MR * d) << 2;
  const stOff = accOff + (<usize>(MR * dvp) << 2);
  const ktw = tiles + <usize>QT * slotB;
  const vw = ktw + (kT != 0 ? 0 : <usize>(roundUp(max(S, 1), NB) * d) << 2);
  const vst = vsl == dv ? vsl : dvp;
  const ktBlock = <usize>(d * NB) << 2;
  for (let b = 0; b < nbatch; b++) {
    const kpmb: usize = kpm != 0 ? kpm + <usize>(b * kpmsb) : 0;
    for (let h = 0; h < nhead; h++) {
      const qb = q + (<usize>(b * qsb + h * qsh) << 2);
      const kb = k + (<usize>(b * ksb + h * ksh) << 2);
      const vb = v + (<usize>(b * vsb + h * vsh) << 2);
      const ob = o + (<usize>(b * osb + h * osh) << 2);
      const moff = b * msb + h * msh;
      const kt = headKT(kT, kb, ksl, L, S, d, causal, coff, ktw);
      const vh = headV(vb, vsl, dv, L, S, causal, coff, vw);
      for (let rb = 0; rb < L; rb += QT * MR) {
        const nrb = min(QT * MR, L - rb);
        const nt = (nrb + MR - 1) / MR;
        for (let t = 0; t < nt; t++) {
          const slot = tiles + <usize>t * slotB;
          const r0 = rb + t * MR;
          packQTile(qb, qsl, r0, min(MR, L - r0), d, scale, slot);
          memory.fill(slot + accOff, 0, <usize>(MR * dvp) << 2);
          v128.store(slot + stOff, f32x4.splat(-Infinity));
          v128.store(slot + stOff, f32x4.splat(0), 16);
        }
        const kvEndB = tileKeyEnd(S, rb, nrb, causal, coff);
        for (let j0 = 0; j0 < kvEndB; j0 += NB) {
          const ktb = kt + <usize>(j0 / NB) * ktBlock;
          for (let t = 0; t < nt; t++) {
            const r0 = rb + t * MR;
            const nr = min(MR, L - r0);
            const kvEnd = tileKeyEnd(S, r0, nr, causal, coff);
            if (j0 >= kvEnd) continue;
            const slot = tiles + <usize>t * slotB;
            const qs = slot;
            const acc = slot + accOff;
            const nb = min(NB, kvEnd - j0);
            const nbc = roundUp(nb, 8);
            if (nr == 1) scoreRow1(fma, qs, d, ktb, sc);
            else scoreBlock(fma, qs, d, ktb, nbc, sc);
            if (nb != nbc || kpmb != 0 || maskKind != MASK_NONE || (causal != 0 && j0 + nb - 1 > r0 + coff)) {
              const mrow = maskAt(mask, maskKind, moff + r0 * msl);
              maskBlock(sc, r0, nr, j0, nb, nbc, causal, coff, kpmb, mrow, maskKind, msl);
            }
            const vm = v128.load(slot + stOff);
            const vl = v128.load(slot + stOff, 16);
            if (nr == 1) {
              // Lanes all hold row 0's state.
              const vmnew = f32x4.max(vm, rowMax1(sc, nbc));
              const vbase = expBase(vmnew);
              const valpha = vexp_rr2_p6(f32x4.sub(vm, vbase), fma, true);
              v128.store(slot + stOff, vmnew);
              v128.store(slot + stOff, f32x4.add(f32x4.mul(vl, valpha), expRow1(fma, sc, nbc, vbase)), 16);
              pvRow1(fma, sc, nb, vh, vst, j0, dv, acc, valpha);
            } else {
              const vmnew = f32x4.max(vm, blockRowMax(sc, nbc));
              const vbase = expBase(vmnew);
              const valpha = vexp_rr2_p6(f32x4.sub(vm, vbase), fma, true);
              v128.store(slot + stOff, vmnew);
              v128.store(slot + stOff, f32x4.add(f32x4.mul(vl, valpha), expBlock(fma, sc, nbc, vbase)), 16);
              pvBlock(fma, sc, nb, vh, vst, j0, dv, acc, dvp, valpha);
            }
          }
        }
        for (let t = 0; t < nt; t++) {
          const slot = tiles + <usize>t * slotB;
          const acc = slot + accOff;
          const r0 = rb + t * MR;
          const nr = min(MR, L - r0);
          const vinv = safeRecip(v128.load(slot + stOff, 16));
          const rowB = <usize>dvp << 2;
          const ob0 = ob + (<usize>(r0 * osl) << 2);
          const oStep = <usize>osl << 2;
          storeScaledRow(ob0, acc, dv, f32x4.splat(f32x4.extract_lane(vinv, 0)));
          if (nr > 1) storeScaledRow(ob0 + oStep, acc + rowB, dv, f32x4.splat(f32x4.extract_lane(vinv, 1)));
          if (nr > 2) storeScaledRow(ob0 + 2 * oStep, acc + 2 * rowB, dv, f32x4.splat(f32x4.extract_lane(vinv, 2)));
          if (nr > 3) storeScaledRow(ob0 + 3 * oStep, acc + 3 * rowB, dv, f32x4.splat(f32x4.extract_lane(vinv, 3)));
        }
      }
    }
  }
}
