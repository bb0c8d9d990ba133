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
  'f32_lstm_seq_2x16__wasmsimd',
  'f32_gru_seq_2x16__wasmsimd',
  'f32_rnn_seq_2x16__wasmsimd',
  'f16_f32_vcvt_u8__wasmsimd_int32',
  'bf16_f32_vcvt_u8__wasmsimd',
];
