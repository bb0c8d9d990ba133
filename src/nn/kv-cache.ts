/**
 * KVCache: the keys and values of the tokens seen so far, per (batch, head), preallocated for
 * `maxLength` tokens, so that incremental decoding costs O(t·d) per new token instead of a full
 * recompute. Keys are kept packed as K^T blocks of 32 (the attention kernel's own layout, so the
 * kernel reads them without any per-call transpose); values as rows [maxLength, vHeadDim].
 *
 * Used by nn.MultiheadAttention's forward({ kvCache }) for self-attention decoding: the layer
 * projects the new tokens' keys and values, appends them here, and attends over the whole cache.
 */
import { getEngine, type Disposable, type Engine } from '../runtime/engine.js';
import { ArgumentError, DisposedError, ShapeError, fmtShape } from '../runtime/errors.js';
import { Tensor } from '../tensor.js';
import { expectEngine, expectTensor } from '../ops/check.js';
import { ktBlockedFloats, type AttnView } from '../ops/attention.js';

export interface KVCacheOptions {
  batch: number;
  numHeads: number;
  /** Key (and query) features per head. */
  headDim: number;
  /** Tokens the cache can hold. */
  maxLength: number;
  /** Value features per head (default headDim). */
  vHeadDim?: number;
}

export class KVCache implements Disposable {
  readonly batch: number;
  readonly numHeads: number;
  readonly headDim: number;
  readonly vHeadDim: number;
  readonly maxLength: number;
  private len = 0;
  private kPtr: number;
  private vPtr: number;
  private readonly kPer: number;
  private readonly vPer: number;
  private disposed = false;

  constructor(options: KVCacheOptions, readonly engine: Engine = getEngine()) {
    const { batch, numHeads, headDim, maxLength } = options;
    const vHeadDim = options.vHeadDim ?? headDim;
    for (const [n, v] of Object.entries({ batch, numHeads, headDim, maxLength, vHeadDim })) {
      if (!Number.isInteger(v) || v < 1) throw new ArgumentError(`KVCache: ${n} must be an integer >= 1, got ${String(v)}`);
    }
    this.batch = batch;
    this.numHeads = numHeads;
    this.headDim = headDim;
    this.vHeadDim = vHeadDim;
    this.maxLength = maxLength;
    this.kPer = ktBlockedFloats(maxLength, headDim);
    this.vPer = maxLength * vHeadDim;
    const a = engine.arena;
    this.kPtr = a.alloc(batch * numHeads * this.kPer * 4);
    try {
      this.vPtr = a.alloc(batch * numHeads * this.vPer * 4);
    } catch (e) {
      a.free(this.kPtr); // an OutOfMemoryError for the values must not leak the keys
      throw e;
    }
    a.u8(this.kPtr, batch * numHeads * this.kPer * 4).fill(0);
  }

  /** Tokens held. */
  get length(): number {
    return this.len;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Bytes of wasm memory held. */
  get bytes(): number {
    return 4 * this.batch * this.numHeads * (this.kPer + this.vPer);
  }

  /**
   * Appends n tokens given as strided views in elements: key (b, h, i, p) at
   * k.ptr + 4·(b·k.sb + h·k.sh + i·k.sl + p), i < n, p < headDim; value likewise with vHeadDim.
   */
  appendRaw(n: number, k: AttnView, v: AttnView): void {
    this.check();
    if (!Number.isInteger(n) || n < 0) throw new ArgumentError(`KVCache.append: token count must be an integer >= 0, got ${n}`);
    if (this.len + n > this.maxLength) {
      throw new ArgumentError(`KVCache.append: ${n} new tokens after ${this.len} exceed maxLength ${this.maxLength}`);
    }
    if (n === 0) return;
    this.engine.k.f32_attn_kvappend__scalar(
      this.batch, this.numHeads, n, this.len, this.headDim, this.vHeadDim,
      k.ptr, k.sb, k.sh, k.sl, v.ptr, v.sb, v.sh, v.sl,
      this.kPtr, this.kPer, this.vPtr, this.vPer,
    );
    this.len += n;
  }

  /** Appends keys [batch, numHeads, n, headDim] and values [batch, numHeads, n, vHeadDim]. */
  append(key: Tensor, value: Tensor): void {
    this.check();
    expectTensor('KVCache.append', 'key', key);
    expectTensor('KVCache.append', 'value', value);
    expectEngine('KVCache.append', this.engine, { key, value });
    const n = key.ndim === 4 ? key.shape[2] : -1;
    const okK = key.ndim === 4 && key.shape[0] === this.batch && key.shape[1] === this.numHeads && key.shape[3] === this.headDim;
    const okV = value.ndim === 4 && value.shape[0] === this.batch && value.shape[1] === this.numHeads && value.shape[2] === n && value.shape[3] === this.vHeadDim;
    if (!okK || !okV) {
      throw new ShapeError(`KVCache.append: expected key [${this.batch}, ${this.numHeads}, n, ${this.headDim}] and value [${this.batch}, ${this.numHeads}, n, ${this.vHeadDim}], got ${fmtShape(key.shape)} and ${fmtShape(value.shape)}`);
    }
    const d = this.headDim;
    const dv = this.vHeadDim;
    this.appendRaw(
      n,
      { ptr: key.ptr, sb: this.numHeads * n * d, sh: n * d, sl: d },
      { ptr: value.ptr, sb: this.numHeads * n * dv, sh: n * dv, sl: dv },
    );
  }

  /** Keeps the first `length` tokens (e.g. to roll back a rejected draft). */
  truncate(length: number): void {
    this.check();
    if (!Number.isInteger(length) || length < 0 || length > this.len) {
      throw new ArgumentError(`KVCache.truncate: length must be an integer in [0, ${this.len}], got ${length}`);
    }
    this.len = length;
  }

  /** Empties the cache (memory stays allocated). */
  reset(): void {
    this.check();
    this.len = 0;
  }

  /** The keys as the attention kernel reads them (packed K^T blocks). */
  get keyView(): AttnView & { transposed: true } {
    this.check();
    return { ptr: this.kPtr, sb: this.numHeads * this.kPer, sh: this.kPer, sl: 0, transposed: true };
  }

  /** The values as rows [batch, numHeads, maxLength, vHeadDim]. */
  get valueView(): AttnView {
    this.check();
    return { ptr: this.vPtr, sb: this.numHeads * this.vPer, sh: this.vPer, sl: this.vHeadDim };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.engine.arena.free(this.kPtr);
    this.engine.arena.free(this.vPtr);
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  private check(): void {
    if (this.disposed) throw new DisposedError('KVCache was used after dispose()');
  }
}
