// f32_attn_q4k32__wasmrelaxedsimd_fma: the relaxed twin of f32_attn_q4k32__wasmsimd (same maths,
// operands, tile, preconditions and bounds: see f32-attn-q4k32-wasmsimd.ts), with the Q·K^T and
// P·V products accumulated by f32x4.relaxed_madd (fused where the hardware has FMA). Relaxed build
// only (assembly/index.relaxed-only.ts); held to the same tolerances by the same tests.
import { attnForward } from './attn-forward';

export function f32_attn_q4k32__wasmrelaxedsimd_fma(
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
    true,
    nbatch, nhead, L, S, d, dv, q, qsb, qsh, qsl, k, ksb, ksh, ksl, kT, v, vsb, vsh, vsl,
    o, osb, osh, osl, mask, maskKind, msb, msh, msl, kpm, kpmsb, causal, coff, scale, work,
  );
}
