/**
 * Typed signatures of the wasm exports. Pointers are byte addresses, counts and strides are in
 * elements (see DESIGN.md). Every build exports the baseline kernels; only the relaxed build
 * exports the `__wasmrelaxedsimd` ones (optional here).
 * Keep in step with assembly/index.ts and assembly/index.relaxed-only.ts: the loader checks that
 * every required name is present and refuses a build that lacks one.
 */
type Ptr = number;

export interface BaselineKernels {
  heap_base(): Ptr;
  abi_version(): number;
  f32_vrelu_u8__wasmsimd(n: number, x: Ptr, y: Ptr): void;
  f32_gemm_1x1__scalar(
    m: number, n: number, k: number,
    a: Ptr, lda: number, b: Ptr, ldb: number,
    bias: Ptr, rowBias: Ptr, c: Ptr, ldc: number,
    act: number, minv: number, maxv: number,
  ): void;
  f32_attn_q4k32__wasmsimd(
    nbatch: number, nhead: number, L: number, S: number, d: number, dv: number,
    q: Ptr, qsb: number, qsh: number, qsl: number,
    k: Ptr, ksb: number, ksh: number, ksl: number, kT: number,
    v: Ptr, vsb: number, vsh: number, vsl: number,
    o: Ptr, osb: number, osh: number, osl: number,
    mask: Ptr, maskKind: number, msb: number, msh: number, msl: number,
    kpm: Ptr, kpmsb: number,
    causal: number, coff: number, scale: number, work: Ptr,
  ): void;
  f32_attn_probs_q4k32__wasmsimd(
    nbatch: number, nhead: number, L: number, S: number, d: number,
    q: Ptr, qsb: number, qsh: number, qsl: number,
    k: Ptr, ksb: number, ksh: number, ksl: number, kT: number,
    p: Ptr, psb: number, psh: number, psl: number, accumulate: number, pscale: number,
    mask: Ptr, maskKind: number, msb: number, msh: number, msl: number,
    kpm: Ptr, kpmsb: number,
    causal: number, coff: number, scale: number, work: Ptr,
  ): void;
  f32_attn_kvappend__scalar(
    nbatch: number, nhead: number, n: number, t0: number, d: number, dv: number,
    k: Ptr, ksb: number, ksh: number, ksl: number,
    v: Ptr, vsb: number, vsh: number, vsl: number,
    kc: Ptr, kper: number, vc: Ptr, vper: number,
  ): void;
  x32_embedding_gather__scalar(n: number, ids: Ptr, ids64: number, table: Ptr, rows: number, dim: number, out: Ptr): number;
  f32_lstm_seq_2x16__wasmsimd(
    t: number, b: number, h: number, xp: Ptr, xsT: number, xsB: number, w: Ptr, h0: Ptr, c: Ptr,
    y: Ptr, ysT: number, ysB: number, hn: Ptr, reverse: number, ws: Ptr,
  ): void;
  f32_gru_seq_2x16__wasmsimd(
    t: number, b: number, h: number, xp: Ptr, xsT: number, xsB: number, w: Ptr, h0: Ptr,
    y: Ptr, ysT: number, ysB: number, hn: Ptr, reverse: number, ws: Ptr,
  ): void;
  f32_rnn_seq_2x16__wasmsimd(
    t: number, b: number, h: number, xp: Ptr, xsT: number, xsB: number, w: Ptr, h0: Ptr,
    y: Ptr, ysT: number, ysB: number, hn: Ptr, reverse: number, relu: number, ws: Ptr,
  ): void;
  f16_f32_vcvt_u8__wasmsimd_int32(n: number, x: Ptr, y: Ptr): void;
  bf16_f32_vcvt_u8__wasmsimd(n: number, x: Ptr, y: Ptr): void;
}

export type RelaxedKernels = {
  RELAXED_BUILD?: WebAssembly.Global;
  f32_attn_q4k32__wasmrelaxedsimd_fma: BaselineKernels['f32_attn_q4k32__wasmsimd'];
};

export type KernelExports = BaselineKernels & Partial<RelaxedKernels>;

/** The ABI version this TypeScript was written against (assembly/common/abi.ts). */
export const ABI_VERSION = 1;

/** Names every build must export (checked at init). */
export const REQUIRED_EXPORTS: readonly (keyof BaselineKernels)[] = [
  'heap_base',
  'abi_version',
  'f32_vrelu_u8__wasmsimd',
  'f32_gemm_1x1__scalar',
  'f32_attn_q4k32__wasmsimd',
  'f32_attn_probs_q4k32__wasmsimd',
  'x32_embedding_gather__scalar',
  'f32_attn_kvappend__scalar',
  'f32_lstm_seq_2x16__wasmsimd',
  'f32_gru_seq_2x16__wasmsimd',
  'f32_rnn_seq_2x16__wasmsimd',
  'f16_f32_vcvt_u8__wasmsimd_int32',
  'bf16_f32_vcvt_u8__wasmsimd',
];
