/**
 * The GEMM operator: the one matrix-multiply API every layer calls (Linear, im2col convolution,
 * the RNN input projection and recurrent step, the attention projections).
 *
 *   C[m, n] = act(A[m, k] · W^T + bias[n] + rowBias[m])     W given as PyTorch's [n, k] ("out, in")
 *
 * Weights are packed once into a PackedWeights (a private, kernel-friendly layout) when a module
 * loads them, never per call. All pointers are byte addresses in the engine's memory; leading
 * dimensions are in elements, so A and C may be strided windows of larger matrices.
 *
 * CONTRACT NOTE: this file's exported API is what the layers code against. The implementation
 * below is the correct-but-slow placeholder (a scalar kernel over an unpacked copy); the blocked
 * SIMD GEMM replaces the internals without changing these signatures.
 */
import type { Engine } from '../runtime/engine.js';
import { ArgumentError, ShapeError, fmtShape } from '../runtime/errors.js';
import { Tensor } from '../tensor.js';

/** Fused epilogue: none, relu, gelu (erf), gelu_tanh, or clamp to [min, max]. */
export type Activation = 'none' | 'relu' | 'gelu' | 'gelu_tanh' | { clamp: [number, number] };

/** Weights packed for the GEMM, owning their memory. */
export class PackedWeights {
  private ptrW: number;
  private ptrBias: number;
  private disposed = false;

  private constructor(
    readonly engine: Engine,
    /** Output features (columns of C). */
    readonly n: number,
    /** Reduction length. */
    readonly k: number,
    readonly hasBias: boolean,
    ptrW: number,
    ptrBias: number,
  ) {
    this.ptrW = ptrW;
    this.ptrBias = ptrBias;
  }

  /**
   * Packs W from PyTorch's [n, k] ("out, in") layout at `w` (row stride `ldw` elements, default
   * k) plus an optional bias of n floats.
   */
  static fromOutIn(engine: Engine, n: number, k: number, w: number, bias = 0, ldw = k): PackedWeights {
    if (!(n >= 1 && k >= 1)) throw new ArgumentError(`PackedWeights: n and k must be >= 1, got n=${n} k=${k}`);
    const a = engine.arena;
    const pw = a.alloc(n * k * 4);
    const src = a.f32(w, (n - 1) * ldw + k);
    const dst = a.f32(pw, n * k);
    for (let j = 0; j < n; j++) dst.set(src.subarray(j * ldw, j * ldw + k), j * k);
    let pb = 0;
    if (bias) {
      pb = a.alloc(n * 4);
      a.f32(pb, n).set(a.f32(bias, n));
    }
    return new PackedWeights(engine, n, k, bias !== 0, pw, pb);
  }

  /** Packs a weight tensor [n, k] (and optional bias [n]). */
  static fromTensor(weight: Tensor, bias?: Tensor | null): PackedWeights {
    if (weight.ndim !== 2) throw new ShapeError(`PackedWeights: weight must be [out, in], got ${fmtShape(weight.shape)}`);
    const [n, k] = weight.shape;
    if (bias && (bias.ndim !== 1 || bias.shape[0] !== n)) {
      throw new ShapeError(`PackedWeights: bias must be [${n}], got ${fmtShape(bias.shape)}`);
    }
    return PackedWeights.fromOutIn(weight.engine, n, k, weight.ptr, bias ? bias.ptr : 0);
  }

  /**
   * Packs B given as a row-major [k, n] matrix (e.g. the second operand of matmul, or an im2col
   * buffer) with leading dimension ldb.
   */
  static fromKN(engine: Engine, k: number, n: number, b: number, ldb = n): PackedWeights {
    const a = engine.arena;
    const pw = a.alloc(n * k * 4);
    const src = a.f32(b, (k - 1) * ldb + n);
    const dst = a.f32(pw, n * k);
    for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) dst[j * k + p] = src[p * ldb + j];
    return new PackedWeights(engine, n, k, false, pw, 0);
  }

  /** Bytes of wasm memory held. */
  get bytes(): number {
    return this.n * this.k * 4 + (this.hasBias ? this.n * 4 : 0);
  }

  /** Internal: for the GEMM driver only. */
  get _w(): number {
    this.check();
    return this.ptrW;
  }
  get _bias(): number {
    this.check();
    return this.ptrBias;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.engine.arena.free(this.ptrW);
    if (this.ptrBias) this.engine.arena.free(this.ptrBias);
  }

  private check(): void {
    if (this.disposed) throw new ArgumentError('PackedWeights used after dispose()');
  }
}

export interface GemmArgs {
  /** Rows of A and C. */
  m: number;
  /** A: m x k row-major, leading dimension lda (default k). */
  a: number;
  lda?: number;
  /** C: m x n row-major, leading dimension ldc (default n). */
  c: number;
  ldc?: number;
  /** Optional per-row bias (m floats), e.g. a convolution's bias when C is [outChannels, positions]. */
  rowBias?: number;
  act?: Activation;
}

/** C = act(A · W^T + bias + rowBias): one call over the whole problem. */
export function gemm(engine: Engine, args: GemmArgs, w: PackedWeights): void {
  const { m, a, c } = args;
  if (m === 0) return;
  const lda = args.lda ?? w.k;
  const ldc = args.ldc ?? w.n;
  const act = args.act ?? 'none';
  let code = 0;
  let lo = 0;
  let hi = 0;
  if (act === 'relu') code = 1;
  else if (typeof act === 'object') {
    code = 2;
    [lo, hi] = act.clamp;
  } else if (act !== 'none') throw new ArgumentError(`gemm: activation ${act} is not supported by this GEMM build yet`);
  engine.k.f32_gemm_1x1__scalar(m, w.n, w.k, a, lda, w._w, w.k, w._bias, args.rowBias ?? 0, c, ldc, code, lo, hi);
}
