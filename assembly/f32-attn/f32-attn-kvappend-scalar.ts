// f32_attn_kvappend__scalar: appends n tokens' keys and values to a KV cache, keys into the
// packed K^T blocks the attention kernels read (kT = 1), values as rows.
//   kc[b, h] block layout: key t, feature p at kc + (b·H + h)·kper + (t / 32)·32d + 32p + t % 32
//   vc[b, h, t, c]       at vc + (b·H + h)·vper + t·dv + c
// for t = t0 + i, i < n; the new keys k[b, h, i, p] at k + b·ksb + h·ksh + i·ksl + p and values
// v[b, h, i, c] at v + b·vsb + h·vsh + i·vsl + c (elements; byte addresses for the pointers).
// Tile: scalar stores for K (a transpose), one memory.copy per V row.
// Preconditions (asserted): d, dv >= 1, n, t0 >= 0. Bounds: writes only keys/values t0..t0+n-1.
import { NB } from './attn-common';

export function f32_attn_kvappend__scalar(
  nbatch: i32, nhead: i32, n: i32, t0: i32, d: i32, dv: i32,
  k: usize, ksb: i32, ksh: i32, ksl: i32,
  v: usize, vsb: i32, vsh: i32, vsl: i32,
  kc: usize, kper: i32, vc: usize, vper: i32,
): void {
  assert(d >= 1 && dv >= 1 && n >= 0 && t0 >= 0, 'f32_attn_kvappend: bad sizes');
  for (let b = 0; b < nbatch; b++) {
    for (let h = 0; h < nhead; h++) {
      const bh = b * nhead + h;
      const kdst = kc + (<usize>(bh * kper) << 2);
      const vdst = vc + (<usize>(bh * vper) << 2);
      for (let i = 0; i < n; i++) {
        const t = t0 + i;
        const ks = k + (<usize>(b * ksb + h * ksh + i * ksl) << 2);
        let kd = kdst + (<usize>((t / NB) * d * NB + (t % NB)) << 2);
        for (let p = 0; p < d; p++) {
          store<f32>(kd, load<f32>(ks + (<usize>p << 2)));
          kd += NB * 4;
        }
        const vs = v + (<usize>(b * vsb + h * vsh + i * vsl) << 2);
        memory.copy(vdst + (<usize>(t * dv) << 2), vs, <usize>dv << 2);
      }
    }
  }
}
