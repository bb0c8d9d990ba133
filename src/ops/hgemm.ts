/**
 * The fp16-weight GEMM: C = act(A · W^T + bias) with W kept as IEEE binary16 (half the bytes of
 * float32 weights) and widened inside the kernel (f32_f16w_gemm_4x8__wasmsimd), so the result is
 * the float32 GEMM's on the widened weights (same products; the sums in the kernel's order).
 * Used by nn.Linear when its weight is a float16 tensor (loadSafetensors(..., { keep: 'f16' })).
 * Packed: ceil(n/8) panels of bias f32[8] + k rows of 8 halves. Inf/NaN weights cannot be widened
 * by the kernel's fast rule: HPackedWeights.fromHalf returns null for them (the caller packs f32).
 */
import type { Engine } from '../runtime/engine.js';
import { ArgumentError, ShapeError } from '../runtime/errors.js';
import { actCode, type GemmArgs } from './gemm.js';

const NR = 8;

export class HPackedWeights {
  private disposed = false;
  private constructor(readonly engine: Engine, readonly n: number, readonly k: number, private readonly ptr: number) {}

  /** Packs half bits [n, k] (PyTorch's "out, in") and an optional f32 bias; null when a weight is Inf/NaN. */
  static fromHalf(engine: Engine, n: number, k: number, bits: Uint16Array, bias?: ArrayLike<number> | null): HPackedWeights | null {
    if (!(Number.isInteger(n) && Number.isInteger(k) && n >= 1 && k >= 1)) throw new ArgumentError(`HPackedWeights: n and k must be integers >= 1, got n=${n} k=${k}`);
    if (bits.length !== n * k) throw new ShapeError(`HPackedWeights: weight must hold ${n * k} halves, got ${bits.length}`);
    for (let i = 0; i < bits.length; i++) if ((bits[i] & 0x7c00) === 0x7c00) return null;
    const pb = 32 + 16 * k;
    const bytes = Math.ceil(n / NR) * pb;
    const ptr = engine.arena.alloc(bytes);
    const buf = engine.arena.memory.buffer;
    new Uint8Array(buf, ptr, bytes).fill(0);
    const u16 = new Uint16Array(buf, ptr, bytes >> 1);
    const f32 = new Float32Array(buf, ptr, bytes >> 2);
    for (let j = 0; j < n; j++) {
      const panel = Math.floor(j / NR) * pb;
      const jj = j % NR;
      if (bias) f32[(panel >> 2) + jj] = bias[j];
      for (let p = 0; p < k; p++) u16[((panel + 32 + 16 * p) >> 1) + jj] = bits[j * k + p];
    }
    return new HPackedWeights(engine, n, k, ptr);
  }

  get bytes(): number {
    return Math.ceil(this.n / NR) * (32 + 16 * this.k);
  }

  get _w(): number {
    if (this.disposed) throw new ArgumentError('HPackedWeights used after dispose()');
    return this.ptr;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.engine.arena.free(this.ptr);
  }
}

/** C = act(A · f32(W)^T + bias): one JS->wasm call (rowBias is not supported here). */
export function hgemm(engine: Engine, args: GemmArgs, w: HPackedWeights): void {
  const { m, a, c } = args;
  if (!(Number.isInteger(m) && m >= 0)) throw new ArgumentError(`hgemm: m must be an integer >= 0, got ${m}`);
  if (args.rowBias) throw new ArgumentError('hgemm: rowBias is not supported by the fp16-weight GEMM');
  const pw = w._w;
  if (m === 0) return;
  const lda = args.lda ?? w.k;
  const ldc = args.ldc ?? w.n;
  if (!(lda >= w.k) || !(ldc >= w.n)) throw new ArgumentError(`hgemm: lda must be >= ${w.k} and ldc >= ${w.n}, got ${lda}, ${ldc}`);
  const [code, lo, hi] = actCode(args.act ?? 'none');
  engine.k.f32_f16w_gemm_4x8__wasmsimd(m, w.n, w.k, a, lda, pw, c, ldc, code, lo, hi);
}
