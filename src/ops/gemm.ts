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
 * CONTRACT NOTE: this file's exported API is what the layers code against; add, never change.
 * Implementation: W is packed by x32_packw_gemm_{goi,gio} into NR-wide K-major panels with the bias
 * first; one call to the f32_gemm_4x8 driver (assembly/f32-gemm/gen, relaxed-FMA variant on the
 * relaxed build) loops over all tiles, with the epilogue (bias, rowBias, activation) fused.
 */
import type { Engine } from '../runtime/engine.js';
import { ArgumentError, ShapeError, fmtShape } from '../runtime/errors.js';
import { Tensor } from '../tensor.js';
import { blockBytes } from '../runtime/memory.js';
import { SPLIT, splitRange, threadsFor } from '../threads/split.js';

/** Fused epilogue: none, relu, gelu (erf), gelu_tanh, or clamp to [min, max]. */
export type Activation = 'none' | 'relu' | 'gelu' | 'gelu_tanh' | { clamp: [number, number] };

/**
 * The kernel table of the GEMM (measured choice, see bench/GEMM-TUNING.md): NR is the packed panel
 * width, MR the rows of the register tile, KC the K block, MC the M block. Per K block and M block
 * the driver copies the rows of A into MR-row K-major panels, in a workspace of
 * roundUp(min(m, MC), MR) * min(k, KC) floats taken from the arena for the call (M > 1 only).
 */
const NR = 8;
const MR = 4;
const KC = 1024;
const MC = 64;

type GemmKernel = (
  m: number, n: number, k: number, a: number, lda: number, w: number, c: number, ldc: number,
  rowBias: number, act: number, minv: number, maxv: number, kcBlock: number, mcBlock: number, ws: number,
) => void;

function kernelFor(engine: Engine): GemmKernel {
  const k = engine.k;
  return engine.relaxed && k.f32_gemm_4x8__wasmrelaxedsimd_fma ? k.f32_gemm_4x8__wasmrelaxedsimd_fma : k.f32_gemm_4x8__wasmsimd;
}

/** Floats of a packed buffer: ceil(n/NR) panels of NR bias floats + k rows of NR weights. */
function packedFloats(n: number, k: number): number {
  return Math.ceil(n / NR) * NR * (k + 1);
}

/** Floats of the packed panels of n outputs and reduction k (what fromPanels expects at its ptr). */
export function packedWeightsFloats(n: number, k: number): number {
  return packedFloats(n, k);
}

/** Bytes of arena memory a PackedWeights of n outputs and reduction k holds (arena padding included). */
export function packedWeightsBytes(n: number, k: number): number {
  return blockBytes(packedFloats(n, k) * 4);
}

function checkDims(op: string, n: number, k: number): void {
  if (!(Number.isInteger(n) && Number.isInteger(k) && n >= 1 && k >= 1)) {
    throw new ArgumentError(`${op}: n and k must be integers >= 1, got n=${n} k=${k}`);
  }
}

/** Weights packed for the GEMM, owning their memory (bias included, inside the panels). */
export class PackedWeights {
  private ptrW: number;
  private disposed = false;

  private constructor(
    readonly engine: Engine,
    /** Output features (columns of C). */
    readonly n: number,
    /** Reduction length. */
    readonly k: number,
    readonly hasBias: boolean,
    ptrW: number,
    /** False for a view over a caller-owned buffer (fromPanels): dispose() leaves it alone. */
    private readonly owned = true,
  ) {
    this.ptrW = ptrW;
  }

  /** Panel width of the packed layout. */
  static readonly NR = NR;

  /**
   * Packs W from PyTorch's [n, k] ("out, in") layout at `w` (row stride `ldw` elements, default
   * k) plus an optional bias of n floats.
   */
  static fromOutIn(engine: Engine, n: number, k: number, w: number, bias = 0, ldw = k): PackedWeights {
    checkDims('PackedWeights.fromOutIn', n, k);
    if (!(ldw >= k)) throw new ArgumentError(`PackedWeights.fromOutIn: ldw must be >= k=${k}, got ${ldw}`);
    const pw = engine.arena.alloc(packedFloats(n, k) * 4);
    engine.k.x32_packw_gemm_goi__scalar(NR, n, k, w, ldw, bias, pw);
    return new PackedWeights(engine, n, k, bias !== 0, pw);
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
   * buffer) with leading dimension ldb, plus an optional bias of n floats (added: default none).
   */
  static fromKN(engine: Engine, k: number, n: number, b: number, ldb = n, bias = 0): PackedWeights {
    checkDims('PackedWeights.fromKN', n, k);
    if (!(ldb >= n)) throw new ArgumentError(`PackedWeights.fromKN: ldb must be >= n=${n}, got ${ldb}`);
    const pw = engine.arena.alloc(packedFloats(n, k) * 4);
    engine.k.x32_packw_gemm_gio__wasmsimd(NR, n, k, b, ldb, bias, pw);
    return new PackedWeights(engine, n, k, bias !== 0, pw);
  }

  /**
   * A view over panels the caller has already filled in the packed format (e.g. by
   * f32_im2col_packw_x8__wasmsimd, which writes im2col straight into it): packedWeightsFloats(n, k)
   * floats at `ptr`, NR = 8. The caller keeps ownership: dispose() does not free `ptr`, and the
   * buffer must outlive every gemm() using the view.
   */
  static fromPanels(engine: Engine, n: number, k: number, ptr: number): PackedWeights {
    checkDims('PackedWeights.fromPanels', n, k);
    if (!(Number.isInteger(ptr) && ptr > 0 && ptr % 4 === 0)) throw new ArgumentError(`PackedWeights.fromPanels: ptr must be a 4-byte-aligned address, got ${ptr}`);
    return new PackedWeights(engine, n, k, true, ptr, false);
  }

  /** Bytes of wasm memory held. */
  get bytes(): number {
    return packedFloats(this.n, this.k) * 4;
  }

  /** Internal: for the GEMM driver only (the packed panels, bias inside). */
  get _w(): number {
    this.check();
    return this.ptrW;
  }
  /** Internal, kept for compatibility: the bias now lives inside the panels, so this is 0. */
  get _bias(): number {
    this.check();
    return 0;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    if (this.owned) this.engine.arena.free(this.ptrW);
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

/** Activation code of the kernels (assembly/f32-gemm/common.ts) and clamp bounds. */
export function actCode(act: Activation): [number, number, number] {
  if (act === 'none') return [0, 0, 0];
  if (act === 'relu') return [1, 0, 0];
  if (act === 'gelu') return [3, 0, 0];
  if (act === 'gelu_tanh') return [4, 0, 0];
  if (typeof act === 'object' && act !== null && Array.isArray(act.clamp) && act.clamp.length === 2) {
    const [lo, hi] = act.clamp;
    if (typeof lo !== 'number' || typeof hi !== 'number' || Number.isNaN(lo) || Number.isNaN(hi)) {
      throw new ArgumentError(`gemm: clamp bounds must be numbers, got [${lo}, ${hi}]`);
    }
    return [2, lo, hi];
  }
  throw new ArgumentError(`gemm: act must be 'none', 'relu', 'gelu', 'gelu_tanh' or { clamp: [min, max] }, got ${JSON.stringify(act)}`);
}

/** Bytes gemm() takes from the arena for the duration of a call with m rows and reduction k (arena padding included). */
export function gemmWorkspaceBytes(m: number, k: number): number {
  return m > 1 ? blockBytes(workspaceFloats(m, k) * 4) : 0;
}

/** Floats of the A panels: roundUp(min(m, MC), MR) rows of min(k, KC). */
function workspaceFloats(m: number, k: number): number {
  return Math.ceil(Math.min(m, MC) / MR) * MR * Math.min(k, KC);
}

/**
 * The argument checks every GEMM-shaped call shares (gemm, qgemm): m an integer >= 0, weights of
 * this engine, lda >= k and ldc >= n (defaults k and n). Returns the leading dimensions.
 */
export function gemmCallDims(op: string, engine: Engine, m: number, lda: number | undefined, ldc: number | undefined, w: { engine: Engine; n: number; k: number }): { lda: number; ldc: number } {
  if (!(Number.isInteger(m) && m >= 0)) throw new ArgumentError(`${op}: m must be an integer >= 0, got ${m}`);
  if (w.engine !== engine) throw new ArgumentError(`${op}: the packed weights belong to another engine`);
  const dims = { lda: lda ?? w.k, ldc: ldc ?? w.n };
  if (!(dims.lda >= w.k)) throw new ArgumentError(`${op}: lda must be >= k=${w.k}, got ${dims.lda}`);
  if (!(dims.ldc >= w.n)) throw new ArgumentError(`${op}: ldc must be >= n=${w.n}, got ${dims.ldc}`);
  return dims;
}

/** C = act(A · W^T + bias + rowBias): one JS->wasm call over the whole problem. */
export function gemm(engine: Engine, args: GemmArgs, w: PackedWeights): void {
  const { m, a, c } = args;
  const { lda, ldc } = gemmCallDims('gemm', engine, m, args.lda, args.ldc, w);
  const pw = w._w;
  if (m === 0) return;
  const [code, lo, hi] = actCode(args.act ?? 'none');
  const kc = w.k <= KC ? 0 : KC;
  const nt = threadsFor(engine, 2 * m * w.n * w.k, SPLIT.flopsPerThread);
  if (nt > 1) return gemmThreads(engine, nt, m, a, lda, w, c, ldc, args.rowBias ?? 0, code, lo, hi, kc);
  const ws = m > 1 ? engine.arena.alloc(workspaceFloats(m, w.k) * 4) : 0;
  try {
    kernelFor(engine)(m, w.n, w.k, a, lda, pw, c, ldc, args.rowBias ?? 0, code, lo, hi, kc, MC, ws);
  } finally {
    if (ws) engine.arena.free(ws);
  }
}

/**
 * gemm() over the pool, one task per thread: N split into ranges of whole panels (of 3 panels
 * when m = 1, the GEMV kernel's unit) when there are enough, else M split into ranges of whole
 * 4-row tiles, never leaving a 1-row range when m > 1 (one row takes the GEMV path, whose
 * summation order differs). Packed W is shared read-only; each task packs its own A panels
 * into its own workspace slice.
 */
function gemmThreads(
  engine: Engine, nt: number, m: number, a: number, lda: number, w: PackedWeights, c: number, ldc: number,
  rowBias: number, code: number, lo: number, hi: number, kc: number,
): void {
  const { n, k } = w;
  const pw = w._w;
  const panelBytes = (k + 1) * NR * 4;
  const unit = m === 1 ? 3 * NR : NR;
  const byN = Math.ceil(n / unit) >= nt || m < 2 * MR;
  const cuts = byN ? splitRange(n, nt, unit) : splitRange(m, nt, MR);
  const last = cuts.length - 2;
  if (!byN && last > 0 && cuts[last + 1] - cuts[last] === 1) {
    if (cuts[last] - MR > cuts[last - 1]) cuts[last] -= MR;
    else cuts.splice(last, 1);
  }
  const tasks = cuts.length - 1;
  const rows = byN ? m : Math.max(...cuts.slice(1).map((b, t) => b - cuts[t]));
  const wsStride = m > 1 ? blockBytes(workspaceFloats(rows, k) * 4) : 0;
  const ws = wsStride ? engine.arena.alloc(wsStride * tasks) : 0;
  try {
    const jobs: number[][] = [];
    for (let t = 0; t < tasks; t++) {
      const [s, e] = [cuts[t], cuts[t + 1]];
      const wst = ws ? ws + t * wsStride : 0;
      jobs.push(byN
        ? [m, e - s, k, a, lda, pw + (s / NR) * panelBytes, c + s * 4, ldc, rowBias, code, lo, hi, kc, MC, wst]
        : [e - s, n, k, a + s * lda * 4, lda, pw, c + s * ldc * 4, ldc, rowBias ? rowBias + s * 4 : 0, code, lo, hi, kc, MC, wst]);
    }
    if (jobs.length === 1) kernelFor(engine)(...(jobs[0] as Parameters<GemmKernel>));
    else engine.pool!.run(kernelNameFor(engine), jobs);
  } finally {
    if (ws) engine.arena.free(ws);
  }
}

function kernelNameFor(engine: Engine): string {
  return engine.relaxed && engine.k.f32_gemm_4x8__wasmrelaxedsimd_fma ? 'f32_gemm_4x8__wasmrelaxedsimd_fma' : 'f32_gemm_4x8__wasmsimd';
}
