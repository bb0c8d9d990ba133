// f32_attn_q4k32__wasmsimd: O = softmax(scale · Q K^T + mask) V per (batch, head), streaming
// (online) softmax over blocks of 32 keys: the L x S score matrix is never held (see
// attn-common.ts for the recurrence). One call covers every batch and head.
// Operands (byte addresses; counts and strides in elements; the stride of the last dim is 1):
//   q[b, h, i, p]   at q + b·qsb + h·qsh + i·qsl + p            i < L, p < d
//   k[b, h, j, p]   at k + b·ksb + h·ksh + j·ksl + p  (kT = 0)  j < S
//         or (kT = 1) K already packed as K^T blocks (packKT in attn-common.ts; the KV cache keeps
//         K so): k[b, h, j, p] at k + b·ksb + h·ksh + (j / 32)·32d + 32p + j % 32, ksl unused,
//         read in whole blocks (up to roundup(S, 32) keys)
//   v[b, h, j, c]   at v + b·vsb + h·vsh + j·vsl + c            c < dv
//   o[b, h, i, c]   at o + b·osb + h·osh + i·osl + c
//   mask (maskKind 1: u8 nonzero = attend; 2: u8 nonzero = masked; 3: f32 added; 0: none)
//       [b, h, i, j] at mask + b·msb + h·msh + i·msl + j (strides 0 broadcast)
//   kpm (key padding, u8 nonzero = masked, or 0): [b, j] at kpm + b·kpmsb + j
//   causal != 0: key j is masked for query row i when j > i + coff (coff = 0: top-left aligned, as
//       torch.tril; coff = S - L: bottom-right, new queries after a KV cache's coff keys);
//       key blocks wholly above the diagonal are skipped, so causal costs about half.
//   work: scratch (src/ops/attention.ts attnWorkBytes): 4·32 scores, QT = 8 tile slots of a 4·d
//       query tile, 4·roundup(dv, 4) accumulators and 8 floats of running max/sum, K^T blocks d·roundup(S, 32) when kT = 0, V rows S·roundup(dv, 4) when
//       vsl != dv (strided V is copied per head), plus 16 B; 16-byte aligned.
// Tile: 4 query rows x 32 keys; scores by a 4x8 register tile over d, P·V by 4x8 then 4x4 over dv;
// q-blocks of QT = 8 tiles (32 rows) each walk K and V once, every tile using a 32-key block
// while it is in L1 (K and V stream once per 32 query rows, not per 4);
// a tile of one query row (decoding: L = 1) takes a 1x32 path instead of a padded 4-row tile.
// Result: a row whose keys are all masked gets zeros (documented; PyTorch's math gives NaN).
// Preconditions (asserted): d >= 1, dv >= 1, L, S, batch, heads >= 0.
// Bounds: reads up to 16 B past a V row and past the inputs; never writes outside O's rows.
import { attnForward } from './attn-forward';

export function f32_attn_q4k32__wasmsimd(
  nbatch: i32, nhead: i32, L: i32, S: i32, d: i32, dv: i32,
  q: usize, qsb: i32, qsh: i32, qsl: i32,
  k: usize, ksb: i32, ksh: i32, ksl: i32, kT: i32,
  v: usize, vsb: i32, vsh: i32, vsl: i32,
  o: usize, osb: i32, osh: i32, osl: i32,
  mask: usize, maskKind: i32, msb: i32, msh: i32, msl: i32,
  kpm: usize, kpmsb: i32,
  causal: i32, coff: i32, scale: f32, work: usize,
): void {
  attnForward(
    false,
    nbatch, nhead, L, S, d, dv, q, qsb, qsh, qsl, k, ksb, ksh, ksl, kT, v, vsb, vsh, vsl,
    o, osb, osh, osl, mask, maskKind, msb, msh, msl, kpm, kpmsb, causal, coff, scale, work,
  );
}
