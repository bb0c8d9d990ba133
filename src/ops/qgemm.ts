/**
 * The int8 GEMM operator (dynamic quantization, like torch.ao.quantization.quantize_dynamic and
 * XNNPACK's qd8-f32-qc8w): the int8 twin of gemm.ts, called by every quantized layer.
 *
 *   C[m, n] = act(s_m * scale_n * sum_k (q[m, k] - zp_m) * wq[n, k] + bias[n])
 *
 * - Weights: int8 per output channel, symmetric (zero point 0): wq = clamp(round(w / scale),
 *   -127, 127), scale = max|w[n, :]| / 127 (0 for an all-zero channel; NaN when the channel holds
 *   a non-finite value, so its outputs are NaN). Loaded int8 weights may use -128 (PyTorch's
 *   qint8 range); the kernels are exact for it too.
 * - Activations: quantized per row on the fly, ASYMMETRIC to 7-bit codes 0..127 with a per-row
 *   zero point (the range PyTorch's fbgemm backend uses, reduce_range=True), on every build, so
 *   the relaxed dot is exact on every CPU and every build returns the same bits (the int32
 *   accumulation is exact; the f32 epilogue is fixed: assembly/qd8-f32-qc8w-gemm/common.ts).
 *   A row holding NaN or +-Inf (or a range past f32) yields NaN in all its outputs.
 * - Kernels: qd8_f32_qc8w_gemm_4x8__wasmrelaxedsimd (relaxed build: relaxed_dot_i8x16_i7x16_add),
 *   qd8_f32_qc8w_gemm_2x8__wasmsimd_dot16x2 (SIMD128: i32x4.dot_i16x8_s), and the scalar twin
 *   qd8_f32_qc8w_gemm_1x1__scalar (tests). One JS->wasm call per GEMM (rows quantized inside).
 * Packed weights: int8 panels of 8 output channels, K padded to 4, with the channels' ksum,
 * scale and bias up front: ceil(n/8) * (96 + 8 * roundUp(k, 4)) bytes, about a quarter of the
 * float32 panels.
 */
import type { Engine } from '../runtime/engine.js';
import { ArgumentError, ShapeError, fmtShape } from '../runtime/errors.js';
import { blockBytes } from '../runtime/memory.js';
import { Tensor } from '../tensor.js';
import { actCode, gemmCallDims, type Activation } from './gemm.js';
import { expectTensor } from './check.js';
import { linearRows } from './linear.js';

const NR = 8;
const PANEL_HEAD = 96;
/** Rows quantized per block (the workspace holds MC rows of codes). */
const MC = 64;

export type QGemmKernel = 'scalar' | 'simd' | 'relaxed' | 'relaxed_dot2';

const kpOf = (k: number) => Math.ceil(k / 4) * 4;
const panelBytes = (k: number) => PANEL_HEAD + NR * kpOf(k);

/** Bytes of packed int8 weights for n outputs and reduction k (without arena padding). */
export function qpackedBytes(n: number, k: number): number {
  return Math.ceil(n / NR) * panelBytes(k);
}

/** Bytes qgemm() takes from the arena for m rows and reduction k (arena padding included). */
export function qgemmWorkspaceBytes(m: number, k: number): number {
  const mcb = Math.min(m, MC);
  return blockBytes(Math.ceil((mcb * 8) / 16) * 16 + mcb * kpOf(k));
}

/** Round half to even (the kernels' and torch's rounding). */
function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Symmetric per-channel int8 quantization of a [n, k] float32 matrix (PyTorch layout), in f32
 * arithmetic: scale[j] = fround(max|w[j, :]| / 127), q = clamp(rint(w / scale), -127, 127).
 * All-zero channel: scale 0, codes 0. A non-finite value in a channel: scale NaN, codes 0.
 */
export function quantizePerChannel(w: ArrayLike<number>, n: number, k: number): { q: Int8Array; scales: Float32Array } {
  const q = new Int8Array(n * k);
  const scales = new Float32Array(n);
  for (let j = 0; j < n; j++) {
    let amax = 0;
    for (let p = 0; p < k; p++) {
      const v = w[j * k + p];
      if (!Number.isFinite(v)) {
        amax = NaN;
        break;
      }
      amax = Math.max(amax, Math.abs(v));
    }
    const s = Math.fround(amax / 127);
    scales[j] = s;
    if (!(s > 0)) continue;
    for (let p = 0; p < k; p++) q[j * k + p] = Math.max(-127, Math.min(127, rint(Math.fround(w[j * k + p] / s))));
  }
  return { q, scales };
}

/** Int8 weights packed for qgemm, owning their memory (scales, bias and ksum inside the panels). */
export class QPackedWeights {
  private ptr: number;
  private disposed = false;

  private constructor(
    readonly engine: Engine,
    readonly n: number,
    readonly k: number,
    readonly hasBias: boolean,
    ptr: number,
  ) {
    this.ptr = ptr;
  }

  static readonly NR = NR;

  /**
   * Packs int8 weights [n, k] (row-major, PyTorch's "out, in"), per-channel scales (n floats, or
   * 1 for a per-tensor scale) and an optional bias (n floats).
   */
  static fromInt8(engine: Engine, n: number, k: number, q: Int8Array, scales: ArrayLike<number>, bias?: ArrayLike<number> | null): QPackedWeights {
    if (!(Number.isInteger(n) && Number.isInteger(k) && n >= 1 && k >= 1)) throw new ArgumentError(`QPackedWeights: n and k must be integers >= 1, got n=${n} k=${k}`);
    if (q.length !== n * k) throw new ShapeError(`QPackedWeights: weight must hold n*k = ${n * k} int8 values, got ${q.length}`);
    if (scales.length !== n && scales.length !== 1) throw new ShapeError(`QPackedWeights: scales must hold ${n} (per channel) or 1 (per tensor) values, got ${scales.length}`);
    if (bias && bias.length !== n) throw new ShapeError(`QPackedWeights: bias must hold ${n} values, got ${bias.length}`);
    const pb = panelBytes(k);
    const bytes = qpackedBytes(n, k);
    const ptr = engine.arena.alloc(bytes);
    const buf = engine.arena.memory.buffer;
    const u8 = new Int8Array(buf, ptr, bytes);
    u8.fill(0);
    const i32 = new Int32Array(buf, ptr, bytes >> 2);
    const f32 = new Float32Array(buf, ptr, bytes >> 2);
    for (let j = 0; j < n; j++) {
      const panel = Math.floor(j / NR) * pb;
      const jj = j % NR;
      const col = panel + PANEL_HEAD + (jj >> 2) * 16 + (jj & 3) * 4;
      let ksum = 0;
      for (let p = 0; p < k; p++) {
        const v = q[j * k + p];
        ksum += v;
        u8[col + (p >> 2) * 32 + (p & 3)] = v;
      }
      i32[(panel >> 2) + jj] = ksum;
      f32[(panel >> 2) + 8 + jj] = scales.length === 1 ? scales[0] : scales[j];
      f32[(panel >> 2) + 16 + jj] = bias ? bias[j] : 0;
    }
    return new QPackedWeights(engine, n, k, !!bias, ptr);
  }

  /** Quantizes float32 weights [n, k] per channel (quantizePerChannel) and packs them. */
  static quantize(engine: Engine, n: number, k: number, w: ArrayLike<number>, bias?: ArrayLike<number> | null): QPackedWeights {
    const { q, scales } = quantizePerChannel(w, n, k);
    return QPackedWeights.fromInt8(engine, n, k, q, scales, bias);
  }

  /** Packs an int8 weight tensor [n, k] (or [n, ...] flattened), its scales [n] (or [1]) and an optional bias [n]. */
  static fromTensors(weight: Tensor, scale: Tensor, bias?: Tensor | null): QPackedWeights {
    const op = 'QPackedWeights.fromTensors';
    expectTensor(op, 'weight', weight, 'int8');
    expectTensor(op, 'scale', scale);
    if (weight.ndim < 2) throw new ShapeError(`${op}: weight must be [out, in, ...], got ${fmtShape(weight.shape)}`);
    const n = weight.shape[0];
    if (bias) expectTensor(op, 'bias', bias);
    return QPackedWeights.fromInt8(weight.engine, n, weight.numel / n, weight.toTypedArray() as Int8Array, scale.toFloat32Array(), bias ? bias.toFloat32Array() : null);
  }

  /** Bytes of wasm memory held. */
  get bytes(): number {
    return qpackedBytes(this.n, this.k);
  }

  /** Internal: the packed panels, for the drivers. */
  get _w(): number {
    if (this.disposed) throw new ArgumentError('QPackedWeights used after dispose()');
    return this.ptr;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.engine.arena.free(this.ptr);
  }
}

export interface QGemmArgs {
  /** Rows of A and C. */
  m: number;
  /** A: m x k float32 row-major, leading dimension lda (default k). */
  a: number;
  lda?: number;
  /** C: m x n float32 row-major, leading dimension ldc (default n). */
  c: number;
  ldc?: number;
  act?: Activation;
  /** Kernel override (tests): default relaxed on the relaxed build, else simd. */
  kernel?: QGemmKernel;
}

/**
 * The driver export of a kernel choice. Default: on the relaxed build the relaxed_dot_add kernel
 * when the probe finds it exact, else its two-step twin when that is exact, else (and on the simd
 * build) the SIMD128 dot16x2 kernel. Asking for a relaxed kernel the runtime gets wrong throws.
 */
export function qgemmKernelName(engine: Engine, kernel?: QGemmKernel): string {
  const probe = engine.relaxed ? relaxedDotProbe(engine) : null;
  const want = kernel ?? (probe?.dotAddExact ? 'relaxed' : probe?.dot2Exact ? 'relaxed_dot2' : 'simd');
  if (want === 'relaxed' || want === 'relaxed_dot2') {
    if (!probe) throw new ArgumentError(`qgemm: the ${want} kernel needs the relaxed build, this engine runs '${engine.build}'`);
    if (!(want === 'relaxed' ? probe.dotAddExact : probe.dot2Exact)) throw new ArgumentError(`qgemm: the ${want} kernel is not exact in this runtime (relaxed-dot probe failed)`);
    return want === 'relaxed' ? 'qd8_f32_qc8w_gemm_4x8__wasmrelaxedsimd' : 'qd8_f32_qc8w_gemm_4x8__wasmrelaxedsimd_dot2';
  }
  return want === 'scalar' ? 'qd8_f32_qc8w_gemm_1x1__scalar' : 'qd8_f32_qc8w_gemm_2x8__wasmsimd_dot16x2';
}

/** C = act(dynamic-int8(A) · Wq^T * scales + bias): one JS->wasm call. */
export function qgemm(engine: Engine, args: QGemmArgs, w: QPackedWeights): void {
  const { m, a, c } = args;
  const { lda, ldc } = gemmCallDims('qgemm', engine, m, args.lda, args.ldc, w);
  const pw = w._w;
  if (m === 0) return;
  const [code, lo, hi] = actCode(args.act ?? 'none');
  const fn = (engine.k as unknown as Record<string, (...x: number[]) => void>)[qgemmKernelName(engine, args.kernel)];
  const ws = engine.arena.alloc(qgemmWorkspaceBytes(m, w.k));
  try {
    fn(m, w.n, w.k, a, lda, pw, c, ldc, code, lo, hi, MC, ws);
  } finally {
    engine.arena.free(ws);
  }
}

/** y[..., n] = act(x[..., k] · Wq^T + bias) (the quantized twin of linearPacked); into `out` when given. */
export function qlinearPacked(op: string, x: Tensor, w: QPackedWeights, act: Activation = 'none', out?: Tensor): Tensor {
  return linearRows(op, x, w, (m, a, c) => qgemm(x.engine, { m, a, c, act }, w), out);
}

/** What the relaxed dot instructions do in this runtime (probed once per engine). */
export interface RelaxedDotProbe {
  /** relaxed_dot_i8x16_i7x16_add_s is exact on the kernels' operand range (codes 0..127), alone and inside its GEMM driver. */
  dotAddExact: boolean;
  /** relaxed_dot_i8x16_i7x16_s + extadd_pairwise is exact on that range, alone and inside its driver. */
  dot2Exact: boolean;
  /** How a second operand with its top bit set reads (never relied on). */
  highBit: 'signed' | 'unsigned' | 'other';
}

const probes = new WeakMap<Engine, RelaxedDotProbe | null>();

/** Runs a driver and the scalar twin on small problems (the 4-row and 1-row tiles, N and K tails) and compares bits. */
function driverAgrees(engine: Engine, name: string): boolean {
  const k = engine.k as unknown as Record<string, (...x: number[]) => void>;
  for (const [m, n, kk] of [[5, 11, 37], [1, 9, 70], [4, 8, 4]]) {
    const w = QPackedWeights.fromInt8(engine, n, kk, Int8Array.from({ length: n * kk }, (_, i) => ((i * 37) % 255) - 127), Float32Array.from({ length: n }, (_, j) => 0.01 * (j + 1)), null);
    const a = engine.arena.alloc(m * kk * 4);
    const c = engine.arena.alloc(2 * m * n * 4);
    const ws = engine.arena.alloc(qgemmWorkspaceBytes(m, kk));
    try {
      const av = engine.arena.f32(a, m * kk);
      for (let i = 0; i < av.length; i++) av[i] = Math.sin(i * 1.7) * (1 + (i % 5));
      k[name](m, n, kk, a, kk, w._w, c, n, 0, 0, 0, MC, ws);
      k.qd8_f32_qc8w_gemm_1x1__scalar(m, n, kk, a, kk, w._w, c + m * n * 4, n, 0, 0, 0, MC, ws);
      const out = engine.arena.i32(c, 2 * m * n);
      for (let i = 0; i < m * n; i++) if (out[i] !== out[m * n + i]) return false;
    } finally {
      w.dispose();
      engine.arena.free(a);
      engine.arena.free(c);
      engine.arena.free(ws);
    }
  }
  return true;
}

/**
 * Runs the relaxed-dot probe kernel on operands inside the kernels' range (weights -128..127,
 * codes 0..127, a nonzero accumulator) and one outside it, and compares with exact integer dots.
 * null on builds without relaxed SIMD.
 */
export function relaxedDotProbe(engine: Engine): RelaxedDotProbe | null {
  if (probes.has(engine)) return probes.get(engine)!;
  const fn = engine.k.qd8_relaxed_dot_probe__wasmrelaxedsimd;
  let res: RelaxedDotProbe | null = null;
  if (fn) {
    const buf = engine.arena.alloc(96);
    try {
      const run = (a: number[], b: number[], c: number[]): [number[], number[]] => {
        const mem = engine.arena.memory.buffer;
        new Int8Array(mem, buf, 16).set(a);
        new Int8Array(mem, buf + 16, 16).set(b);
        new Int32Array(mem, buf + 32, 4).set(c);
        fn(buf, buf + 16, buf + 32, buf + 48);
        const o = Array.from(new Int32Array(engine.arena.memory.buffer, buf + 48, 8));
        return [o.slice(0, 4), o.slice(4)];
      };
      const exact = (a: number[], b: number[], c: number[]) => c.map((v, l) => v + a[4 * l] * b[4 * l] + a[4 * l + 1] * b[4 * l + 1] + a[4 * l + 2] * b[4 * l + 2] + a[4 * l + 3] * b[4 * l + 3]);
      const cases: [number[], number[], number[]][] = [
        [Array.from({ length: 16 }, (_, i) => i - 8), Array.from({ length: 16 }, (_, i) => 7 * i + 3), [100, -7, 0, 123456]],
        [new Array(16).fill(-128), new Array(16).fill(127), [1, 2, 3, -4]],
        [new Array(16).fill(127), Array.from({ length: 16 }, (_, i) => (i % 2 ? 127 : 0)), [0, 0, 0, 0]],
      ];
      let dotAddExact = true;
      let dot2Exact = true;
      for (const [a, b, c] of cases) {
        const want = exact(a, b, c);
        const [d1, d2] = run(a, b, c);
        dotAddExact &&= d1.every((v, i) => v === want[i]);
        dot2Exact &&= d2.every((v, i) => v === want[i]);
      }
      const hi = run(new Array(16).fill(1), new Array(16).fill(-128), [0, 0, 0, 0])[1][0];
      res = { dotAddExact, dot2Exact, highBit: hi === -512 ? 'signed' : hi === 512 ? 'unsigned' : 'other' };
      // The instruction alone is not enough: Node 20's V8 (11.3, x64) miscompiles dot_add inside
      // the GEMM loops (twice the dot, accumulator dropped, depending on register assignment)
      // while the probe above passes. So the drivers themselves are run against the scalar twin.
      if (res.dotAddExact) res.dotAddExact = driverAgrees(engine, 'qd8_f32_qc8w_gemm_4x8__wasmrelaxedsimd');
      if (res.dot2Exact) res.dot2Exact = driverAgrees(engine, 'qd8_f32_qc8w_gemm_4x8__wasmrelaxedsimd_dot2');
    } finally {
      engine.arena.free(buf);
    }
  }
  probes.set(engine, res);
  return res;
}
