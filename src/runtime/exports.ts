/**
 * Typed signatures of the wasm exports. Pointers are byte addresses, counts and strides are in
 * elements (see DESIGN.md). Every build exports the baseline kernels; only the relaxed build
 * exports the `__wasmrelaxedsimd` ones (optional here).
 * Keep in step with assembly/index.ts and assembly/index.relaxed-only.ts: the loader checks that
 * every required name is present and refuses a build that lacks one.
 */
type Ptr = number;

/** The f32-gemm drivers (assembly/f32-gemm/gen): C = act(A W^T + bias + rowBias), W packed. */
export type GemmDriver = (
  m: number, n: number, k: number, a: Ptr, lda: number, w: Ptr, c: Ptr, ldc: number,
  rowBias: Ptr, act: number, minv: number, maxv: number, kcBlock: number, mcBlock: number, ws: Ptr,
) => void;

/** The qd8-f32-qc8w GEMM drivers (assembly/qd8-f32-qc8w-gemm): dynamic 7-bit rows x int8 panels -> f32. */
export type QGemmDriver = (
  m: number, n: number, k: number, a: Ptr, lda: number, w: Ptr, c: Ptr, ldc: number,
  act: number, minv: number, maxv: number, mcBlock: number, ws: Ptr,
) => void;

/** The conv forms of the qd8-f32-qc8w drivers: pre-quantized rows, one shared qparam block, channel-major output. */
export type QConvGemmDriver = (
  m: number, n: number, k: number, q: Ptr, ldq: number, qp: Ptr, w: Ptr, c: Ptr, ldc: number,
  act: number, minv: number, maxv: number,
) => void;

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
  x32_packw_gemm_goi__scalar(nr: number, n: number, k: number, w: Ptr, ldw: number, bias: Ptr, out: Ptr): void;
  x32_packw_gemm_gio__wasmsimd(nr: number, n: number, k: number, b: Ptr, ldb: number, bias: Ptr, out: Ptr): void;
  f32_gemm_4x8__wasmsimd: GemmDriver;
  f32_lstm_seq_2x16__wasmsimd(
    t: number, b: number, h: number, xp: Ptr, xsT: number, xsB: number, w: Ptr, h0: Ptr, c: Ptr,
    y: Ptr, ysT: number, ysB: number, hn: Ptr, reverse: number, ws: Ptr,
  ): void;
  f32_gru_seq_2x16__wasmsimd(
    t: number, b: number, h: number, xp: Ptr, xsT: number, xsB: number, w: Ptr, h0: Ptr,
    y: Ptr, ysT: number, ysB: number, hn: Ptr, reverse: number, ws: Ptr,
  ): void;
  f32_gru_seq_2x16__wasmsimd_reseth(
    t: number, b: number, h: number, xp: Ptr, xsT: number, xsB: number, w: Ptr, wn: Ptr, h0: Ptr,
    y: Ptr, ysT: number, ysB: number, hn: Ptr, reverse: number, ws: Ptr, clip: number,
  ): void;
  f32_gru_seq_2x16__wasmsimd_clip(
    t: number, b: number, h: number, xp: Ptr, xsT: number, xsB: number, w: Ptr, h0: Ptr,
    y: Ptr, ysT: number, ysB: number, hn: Ptr, reverse: number, ws: Ptr, clip: number,
  ): void;
  f32_rnn_seq_2x16__wasmsimd_clip(
    t: number, b: number, h: number, xp: Ptr, xsT: number, xsB: number, w: Ptr, h0: Ptr,
    y: Ptr, ysT: number, ysB: number, hn: Ptr, reverse: number, relu: number, ws: Ptr, clip: number,
  ): void;
  f32_lstm_seq_2x16__wasmsimd_onnx(
    t: number, b: number, h: number, xp: Ptr, xsT: number, xsB: number, w: Ptr, h0: Ptr, c: Ptr,
    y: Ptr, ysT: number, ysB: number, hn: Ptr, reverse: number, ws: Ptr, p: Ptr, clip: number, inputForget: number,
  ): void;
  f32_rnn_seq_2x16__wasmsimd(
    t: number, b: number, h: number, xp: Ptr, xsT: number, xsB: number, w: Ptr, h0: Ptr,
    y: Ptr, ysT: number, ysB: number, hn: Ptr, reverse: number, relu: number, ws: Ptr,
  ): void;
  f16_f32_vcvt_u8__wasmsimd_int32(n: number, x: Ptr, y: Ptr): void;
  bf16_f32_vcvt_u8__wasmsimd(n: number, x: Ptr, y: Ptr): void;
  f32_im2col__wasmsimd(g: Ptr, c: number, oy0: number, noy: number, x: Ptr, col: Ptr): void;
  f32_dwconv_3x3s1__wasmsimd(g: Ptr, channels: number, mult: number, x: Ptr, w: Ptr, bias: Ptr, ws: Ptr, ldws: number, y: Ptr, lo: number, hi: number): void;
  f32_dwconv_3x3s2__wasmsimd(g: Ptr, channels: number, mult: number, x: Ptr, w: Ptr, bias: Ptr, ws: Ptr, ldws: number, y: Ptr, lo: number, hi: number): void;
  f32_dwconv_5x5s1__wasmsimd(g: Ptr, channels: number, mult: number, x: Ptr, w: Ptr, bias: Ptr, ws: Ptr, ldws: number, y: Ptr, lo: number, hi: number): void;
  f32_dwconv_5x5s2__wasmsimd(g: Ptr, channels: number, mult: number, x: Ptr, w: Ptr, bias: Ptr, ws: Ptr, ldws: number, y: Ptr, lo: number, hi: number): void;
  f32_dwconv_generic__wasmsimd(g: Ptr, channels: number, mult: number, x: Ptr, w: Ptr, bias: Ptr, ws: Ptr, ldws: number, y: Ptr, lo: number, hi: number): void;
  f32_maxpool2d__wasmsimd(g: Ptr, channels: number, x: Ptr, y: Ptr): void;
  f32_avgpool2d__wasmsimd(g: Ptr, channels: number, countIncludePad: number, padEndH: number, padEndW: number, x: Ptr, y: Ptr): void;
  f32_adaptive_avgpool2d__scalar(channels: number, h: number, w: number, oh: number, ow: number, x: Ptr, y: Ptr): void;
  f32_adaptive_maxpool2d__scalar(channels: number, h: number, w: number, oh: number, ow: number, x: Ptr, y: Ptr): void;
  f32_col2im__wasmsimd(g: Ptr, channels: number, iy0: number, niy: number, cols: Ptr, y: Ptr): void;
  f32_resize_taps2d__scalar(planes: number, h: number, w: number, oh: number, ow: number, th: number, tw: number, x: Ptr, y: Ptr, tab: Ptr): void;
  f32_gavgpool_cw__wasmsimd(channels: number, n: number, x: Ptr, y: Ptr): void;
  f32_vmulcaddc_cw_u8__wasmsimd(channels: number, n: number, x: Ptr, scale: Ptr, shift: Ptr, y: Ptr): void;
  f32_vlrelu_u8__wasmsimd(n: number, x: Ptr, y: Ptr, slope: number): void;
  f32_vgelu_u8__wasmsimd(n: number, x: Ptr, y: Ptr): void;
  f32_vgelutanh_u8__wasmsimd(n: number, x: Ptr, y: Ptr): void;
  f32_vsilu_u8__wasmsimd(n: number, x: Ptr, y: Ptr): void;
  f32_vsigmoid_u8__wasmsimd(n: number, x: Ptr, y: Ptr): void;
  f32_vtanh_u8__wasmsimd(n: number, x: Ptr, y: Ptr): void;
  f32_vadd_u8__wasmsimd(rows: number, n: number, a: Ptr, sa: number, b: Ptr, sb: number, y: Ptr): void;
  f32_vaddc_u8__wasmsimd(rows: number, n: number, a: Ptr, sa: number, b: Ptr, sb: number, y: Ptr): void;
  f32_vmul_u8__wasmsimd(rows: number, n: number, a: Ptr, sa: number, b: Ptr, sb: number, y: Ptr): void;
  f32_vmulc_u8__wasmsimd(rows: number, n: number, a: Ptr, sa: number, b: Ptr, sb: number, y: Ptr): void;
  f32_softmax_u16__wasmsimd(rows: number, n: number, x: Ptr, y: Ptr): void;
  f32_logsoftmax_u16__wasmsimd(rows: number, n: number, x: Ptr, y: Ptr): void;
  f32_layernorm_u16__wasmsimd(rows: number, n: number, x: Ptr, w: Ptr, b: Ptr, eps: number, y: Ptr): void;
  f32_softmax_strided_u4__wasmsimd(outer: number, n: number, inner: number, x: Ptr, y: Ptr): void;
  f32_logsoftmax_strided_u4__wasmsimd(outer: number, n: number, inner: number, x: Ptr, y: Ptr): void;
  f32_im2col_packw_x8__wasmsimd(g: Ptr, c: number, oy0: number, noy: number, x: Ptr, out: Ptr): void;
  f32_conv2d_4x8__wasmsimd(g: Ptr, c: number, o: number, x: Ptr, w: Ptr, bias: Ptr, ws: Ptr, y: Ptr, lo: number, hi: number): void;
  f32_conv2d_4x8_ws_floats(g: Ptr, c: number, o: number): number;
  qd8_f32_qc8w_gemm_1x1__scalar: QGemmDriver;
  qd8_f32_qc8w_gemm_2x8__wasmsimd_dot16x2: QGemmDriver;
  f32_qd8_convert_u16__wasmsimd(m: number, k: number, x: Ptr, ldx: number, kp: number, q: Ptr, qp: Ptr): void;
  f32_f16w_gemm_4x8__wasmsimd(m: number, n: number, k: number, a: Ptr, lda: number, w: Ptr, c: Ptr, ldc: number, act: number, minv: number, maxv: number): void;
  qd8_f32_qc8w_lstm_seq__wasmsimd: BaselineKernels['f32_lstm_seq_2x16__wasmsimd'];
  qd8_f32_qc8w_gru_seq__wasmsimd: BaselineKernels['f32_gru_seq_2x16__wasmsimd'];
  qd8_f32_qc8w_rnn_seq__wasmsimd: BaselineKernels['f32_rnn_seq_2x16__wasmsimd'];
  qd8_f32_qc8w_conv_1x1__scalar: QConvGemmDriver;
  qd8_f32_qc8w_conv_2x8__wasmsimd_dot16x2: QConvGemmDriver;
  f32_qd8_convert_nhwc__wasmsimd(c: number, hw: number, x: Ptr, q: Ptr, ldq: number, qp: Ptr): void;
  x8_im2col_nhwc__wasmsimd(g: Ptr, c: number, q: Ptr, ldq: number, oy0: number, noy: number, pad: number, kp: number, out: Ptr): void;
  x8_copy_nd6__wasmsimd(params: Ptr, src: Ptr, dst: Ptr): void;
  x16_copy_nd6__wasmsimd(params: Ptr, src: Ptr, dst: Ptr): void;
  x32_copy_nd6__wasmsimd(params: Ptr, src: Ptr, dst: Ptr): void;
  x64_copy_nd6__wasmsimd(params: Ptr, src: Ptr, dst: Ptr): void;
  f32_vsqrt_u8__wasmsimd(n: number, x: Ptr, y: Ptr): void;
  f32_vexp_u8__wasmsimd(n: number, x: Ptr, y: Ptr): void;
  f32_vlog_u8__wasmsimd(n: number, x: Ptr, y: Ptr): void;
  f32_vneg_u8__wasmsimd(n: number, x: Ptr, y: Ptr): void;
  f32_vabs_u8__wasmsimd(n: number, x: Ptr, y: Ptr): void;
  f32_vreciprocal_u8__wasmsimd(n: number, x: Ptr, y: Ptr): void;
  f32_vfloor_u8__wasmsimd(n: number, x: Ptr, y: Ptr): void;
  f32_vceil_u8__wasmsimd(n: number, x: Ptr, y: Ptr): void;
  f32_vround_u8__wasmsimd(n: number, x: Ptr, y: Ptr): void;
  f32_vsign_u8__wasmsimd(n: number, x: Ptr, y: Ptr): void;
  f32_verf_u8__wasmsimd(n: number, x: Ptr, y: Ptr): void;
  f32_vsin_u8__wasmsimd(n: number, x: Ptr, y: Ptr): void;
  f32_vcos_u8__wasmsimd(n: number, x: Ptr, y: Ptr): void;
  f32_vclamp_u8__wasmsimd(n: number, x: Ptr, y: Ptr, lo: number, hi: number): void;
  f32_vhardswish_u8__wasmsimd(n: number, x: Ptr, y: Ptr): void;
  f32_vhardsigmoid_u8__wasmsimd(n: number, x: Ptr, y: Ptr, alpha: number, beta: number): void;
  f32_vmish_u8__wasmsimd(n: number, x: Ptr, y: Ptr): void;
  f32_velu_u8__wasmsimd(n: number, x: Ptr, y: Ptr, alpha: number, scale: number, inv: number): void;
  f32_vsoftplus_u8__wasmsimd(n: number, x: Ptr, y: Ptr, beta: number, threshold: number): void;
  f32_vsoftsign_u8__wasmsimd(n: number, x: Ptr, y: Ptr): void;
  f32_vthreshold_u8__wasmsimd(n: number, x: Ptr, y: Ptr, threshold: number, value: number): void;
  f32_vshrink_u8__wasmsimd(n: number, x: Ptr, y: Ptr, lambd: number, bias: number, nanToZero: number): void;
  f32_vsub_u8__wasmsimd(rows: number, n: number, a: Ptr, sa: number, b: Ptr, sb: number, y: Ptr): void;
  f32_vsubc_u8__wasmsimd(rows: number, n: number, a: Ptr, sa: number, b: Ptr, sb: number, y: Ptr): void;
  f32_vrsubc_u8__wasmsimd(rows: number, n: number, a: Ptr, sa: number, b: Ptr, sb: number, y: Ptr): void;
  f32_vdiv_u8__wasmsimd(rows: number, n: number, a: Ptr, sa: number, b: Ptr, sb: number, y: Ptr): void;
  f32_vdivc_u8__wasmsimd(rows: number, n: number, a: Ptr, sa: number, b: Ptr, sb: number, y: Ptr): void;
  f32_vrdivc_u8__wasmsimd(rows: number, n: number, a: Ptr, sa: number, b: Ptr, sb: number, y: Ptr): void;
  f32_vmax_u8__wasmsimd(rows: number, n: number, a: Ptr, sa: number, b: Ptr, sb: number, y: Ptr): void;
  f32_vmaxc_u8__wasmsimd(rows: number, n: number, a: Ptr, sa: number, b: Ptr, sb: number, y: Ptr): void;
  f32_vmin_u8__wasmsimd(rows: number, n: number, a: Ptr, sa: number, b: Ptr, sb: number, y: Ptr): void;
  f32_vminc_u8__wasmsimd(rows: number, n: number, a: Ptr, sa: number, b: Ptr, sb: number, y: Ptr): void;
  f32_vprelu_u8__wasmsimd(rows: number, n: number, a: Ptr, sa: number, b: Ptr, sb: number, y: Ptr): void;
  f32_vpreluc_u8__wasmsimd(rows: number, n: number, a: Ptr, sa: number, b: Ptr, sb: number, y: Ptr): void;
  f32_rsum_u4__wasmsimd(outer: number, r: number, inner: number, x: Ptr, y: Ptr, scale: number): void;
  f32_rsumsq_u4__wasmsimd(outer: number, r: number, inner: number, x: Ptr, y: Ptr, scale: number): void;
  f32_rasum_u4__wasmsimd(outer: number, r: number, inner: number, x: Ptr, y: Ptr, scale: number): void;
  f32_rprod_u4__wasmsimd(outer: number, r: number, inner: number, x: Ptr, y: Ptr): void;
  f32_rmax_u4__wasmsimd(outer: number, r: number, inner: number, x: Ptr, y: Ptr): void;
  f32_rmin_u4__wasmsimd(outer: number, r: number, inner: number, x: Ptr, y: Ptr): void;
}

export type RelaxedKernels = {
  RELAXED_BUILD?: WebAssembly.Global;
  f32_attn_q4k32__wasmrelaxedsimd_fma: BaselineKernels['f32_attn_q4k32__wasmsimd'];
  f32_dwconv_3x3s1__wasmrelaxedsimd_fma: (g: Ptr, channels: number, mult: number, x: Ptr, w: Ptr, bias: Ptr, ws: Ptr, ldws: number, y: Ptr, lo: number, hi: number) => void;
  f32_dwconv_3x3s2__wasmrelaxedsimd_fma: (g: Ptr, channels: number, mult: number, x: Ptr, w: Ptr, bias: Ptr, ws: Ptr, ldws: number, y: Ptr, lo: number, hi: number) => void;
  f32_dwconv_5x5s1__wasmrelaxedsimd_fma: (g: Ptr, channels: number, mult: number, x: Ptr, w: Ptr, bias: Ptr, ws: Ptr, ldws: number, y: Ptr, lo: number, hi: number) => void;
  f32_dwconv_5x5s2__wasmrelaxedsimd_fma: (g: Ptr, channels: number, mult: number, x: Ptr, w: Ptr, bias: Ptr, ws: Ptr, ldws: number, y: Ptr, lo: number, hi: number) => void;
  f32_dwconv_generic__wasmrelaxedsimd_fma: (g: Ptr, channels: number, mult: number, x: Ptr, w: Ptr, bias: Ptr, ws: Ptr, ldws: number, y: Ptr, lo: number, hi: number) => void;
  f32_vgelu_u8__wasmrelaxedsimd_fma(n: number, x: Ptr, y: Ptr): void;
  f32_vgelutanh_u8__wasmrelaxedsimd_fma(n: number, x: Ptr, y: Ptr): void;
  f32_vsilu_u8__wasmrelaxedsimd_fma(n: number, x: Ptr, y: Ptr): void;
  f32_vsigmoid_u8__wasmrelaxedsimd_fma(n: number, x: Ptr, y: Ptr): void;
  f32_vtanh_u8__wasmrelaxedsimd_fma(n: number, x: Ptr, y: Ptr): void;
  f32_softmax_u16__wasmrelaxedsimd_fma(rows: number, n: number, x: Ptr, y: Ptr): void;
  f32_logsoftmax_u16__wasmrelaxedsimd_fma(rows: number, n: number, x: Ptr, y: Ptr): void;
  f32_gemm_4x8__wasmrelaxedsimd_fma: GemmDriver;
  f32_conv2d_4x8__wasmrelaxedsimd_fma: (g: Ptr, c: number, o: number, x: Ptr, w: Ptr, bias: Ptr, ws: Ptr, y: Ptr, lo: number, hi: number) => void;
  f32_vexp_u8__wasmrelaxedsimd_fma(n: number, x: Ptr, y: Ptr): void;
  f32_vlog_u8__wasmrelaxedsimd_fma(n: number, x: Ptr, y: Ptr): void;
  f32_verf_u8__wasmrelaxedsimd_fma(n: number, x: Ptr, y: Ptr): void;
  f32_vsin_u8__wasmrelaxedsimd_fma(n: number, x: Ptr, y: Ptr): void;
  f32_vcos_u8__wasmrelaxedsimd_fma(n: number, x: Ptr, y: Ptr): void;
  f32_vmish_u8__wasmrelaxedsimd_fma(n: number, x: Ptr, y: Ptr): void;
  f32_velu_u8__wasmrelaxedsimd_fma(n: number, x: Ptr, y: Ptr, alpha: number, scale: number, inv: number): void;
  f32_vsoftplus_u8__wasmrelaxedsimd_fma(n: number, x: Ptr, y: Ptr, beta: number, threshold: number): void;
  qd8_f32_qc8w_gemm_4x8__wasmrelaxedsimd: QGemmDriver;
  qd8_f32_qc8w_gemm_4x8__wasmrelaxedsimd_dot2: QGemmDriver;
  qd8_relaxed_dot_probe__wasmrelaxedsimd(a: Ptr, b: Ptr, c: Ptr, out: Ptr): void;
  qd8_f32_qc8w_conv_4x8__wasmrelaxedsimd: QConvGemmDriver;
  qd8_f32_qc8w_conv_4x8__wasmrelaxedsimd_dot2: QConvGemmDriver;
};

export type KernelExports = BaselineKernels & Partial<RelaxedKernels>;

/** The ABI version this TypeScript was written against (assembly/common/abi.ts). */
export const ABI_VERSION = 1;

/**
 * Names every build must export (checked at init). In groups of at most 25: the minifier turns a
 * string array into one 'a.b.c'.split('.') literal, and one literal of all of them would be a
 * bundle line too long for a readable stack trace.
 */
export const REQUIRED_EXPORTS: readonly (keyof BaselineKernels)[] = ([
  [
    'heap_base',
    'abi_version',
    'f32_vrelu_u8__wasmsimd',
    'f32_gemm_1x1__scalar',
    'f32_attn_q4k32__wasmsimd',
    'f32_attn_probs_q4k32__wasmsimd',
    'x32_embedding_gather__scalar',
    'f32_attn_kvappend__scalar',
    'x32_packw_gemm_goi__scalar',
    'x32_packw_gemm_gio__wasmsimd',
    'f32_gemm_4x8__wasmsimd',
    'f32_lstm_seq_2x16__wasmsimd',
    'f32_gru_seq_2x16__wasmsimd',
    'f32_gru_seq_2x16__wasmsimd_reseth',
    'f32_gru_seq_2x16__wasmsimd_clip',
    'f32_rnn_seq_2x16__wasmsimd_clip',
    'f32_lstm_seq_2x16__wasmsimd_onnx',
    'f32_rnn_seq_2x16__wasmsimd',
    'f16_f32_vcvt_u8__wasmsimd_int32',
    'bf16_f32_vcvt_u8__wasmsimd',
    'f32_im2col__wasmsimd',
    'f32_dwconv_3x3s1__wasmsimd',
    'f32_dwconv_3x3s2__wasmsimd',
    'f32_dwconv_5x5s1__wasmsimd',
    'f32_dwconv_5x5s2__wasmsimd',
  ],
  [
    'f32_dwconv_generic__wasmsimd',
    'f32_maxpool2d__wasmsimd',
    'f32_avgpool2d__wasmsimd',
    'f32_gavgpool_cw__wasmsimd',
    'f32_adaptive_avgpool2d__scalar',
    'f32_adaptive_maxpool2d__scalar',
    'f32_col2im__wasmsimd',
    'f32_resize_taps2d__scalar',
    'f32_vmulcaddc_cw_u8__wasmsimd',
    'f32_vlrelu_u8__wasmsimd',
    'f32_vgelu_u8__wasmsimd',
    'f32_vgelutanh_u8__wasmsimd',
    'f32_vsilu_u8__wasmsimd',
    'f32_vsigmoid_u8__wasmsimd',
    'f32_vtanh_u8__wasmsimd',
    'f32_vadd_u8__wasmsimd',
    'f32_vaddc_u8__wasmsimd',
    'f32_vmul_u8__wasmsimd',
    'f32_vmulc_u8__wasmsimd',
    'f32_softmax_u16__wasmsimd',
    'f32_logsoftmax_u16__wasmsimd',
    'f32_layernorm_u16__wasmsimd',
    'f32_softmax_strided_u4__wasmsimd',
    'f32_logsoftmax_strided_u4__wasmsimd',
    'f32_im2col_packw_x8__wasmsimd',
  ],
  [
    'f32_conv2d_4x8__wasmsimd',
    'f32_conv2d_4x8_ws_floats',
    'x8_copy_nd6__wasmsimd',
    'x16_copy_nd6__wasmsimd',
    'x32_copy_nd6__wasmsimd',
    'x64_copy_nd6__wasmsimd',
    'f32_vsqrt_u8__wasmsimd',
    'f32_vexp_u8__wasmsimd',
    'f32_vlog_u8__wasmsimd',
    'f32_vneg_u8__wasmsimd',
    'f32_vabs_u8__wasmsimd',
    'f32_vreciprocal_u8__wasmsimd',
    'f32_vfloor_u8__wasmsimd',
    'f32_vceil_u8__wasmsimd',
    'f32_vround_u8__wasmsimd',
    'f32_vsign_u8__wasmsimd',
    'f32_verf_u8__wasmsimd',
    'f32_vsin_u8__wasmsimd',
    'f32_vcos_u8__wasmsimd',
    'f32_vclamp_u8__wasmsimd',
    'f32_vhardswish_u8__wasmsimd',
    'f32_vhardsigmoid_u8__wasmsimd',
    'f32_vmish_u8__wasmsimd',
    'f32_velu_u8__wasmsimd',
    'f32_vsoftplus_u8__wasmsimd',
  ],
  [
    'f32_vsoftsign_u8__wasmsimd',
    'f32_vthreshold_u8__wasmsimd',
    'f32_vshrink_u8__wasmsimd',
    'f32_vsub_u8__wasmsimd',
    'f32_vsubc_u8__wasmsimd',
    'f32_vrsubc_u8__wasmsimd',
    'f32_vdiv_u8__wasmsimd',
    'f32_vdivc_u8__wasmsimd',
    'f32_vrdivc_u8__wasmsimd',
    'f32_vmax_u8__wasmsimd',
    'f32_vmaxc_u8__wasmsimd',
    'f32_vmin_u8__wasmsimd',
    'f32_vminc_u8__wasmsimd',
    'f32_vprelu_u8__wasmsimd',
    'f32_vpreluc_u8__wasmsimd',
    'f32_rsum_u4__wasmsimd',
    'f32_rsumsq_u4__wasmsimd',
    'f32_rasum_u4__wasmsimd',
    'f32_rprod_u4__wasmsimd',
    'f32_rmax_u4__wasmsimd',
    'f32_rmin_u4__wasmsimd',
  ],
  [
    'qd8_f32_qc8w_gemm_1x1__scalar',
    'qd8_f32_qc8w_gemm_2x8__wasmsimd_dot16x2',
    'f32_qd8_convert_u16__wasmsimd',
    'f32_f16w_gemm_4x8__wasmsimd',
    'qd8_f32_qc8w_lstm_seq__wasmsimd',
    'qd8_f32_qc8w_gru_seq__wasmsimd',
    'qd8_f32_qc8w_rnn_seq__wasmsimd',
  ],
  [
    // int8 convolution (int8-speed)
    'qd8_f32_qc8w_conv_1x1__scalar',
    'qd8_f32_qc8w_conv_2x8__wasmsimd_dot16x2',
    'f32_qd8_convert_nhwc__wasmsimd',
    'x8_im2col_nhwc__wasmsimd',
  ],
] as (keyof BaselineKernels)[][]).flat();
