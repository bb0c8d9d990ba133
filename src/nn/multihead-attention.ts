/**
 * nn.MultiheadAttention(embedDim, numHeads, { bias, kdim, vdim, batchFirst }) as PyTorch's in
 * eval mode (a dropout option is accepted and ignored; no add_bias_kv / add_zero_attn).
 *
 * Parameters (PyTorch keys): in_proj_weight [3E, E] (rows W_q; W_k; W_v) when kdim = vdim = E,
 * else q_proj_weight [E, E], k_proj_weight [E, kdim], v_proj_weight [E, vdim]; in_proj_bias [3E]
 * and out_proj.{weight [E, E], bias [E]} when bias. Head h uses features [h·E/H, (h+1)·E/H).
 *
 * forward(query, key, value, { keyPaddingMask, needWeights = true, attnMask,
 * averageAttnWeights = true, isCausal, kvCache }) -> [output, attnWeights | null]:
 * - query [L, N, E] ([N, L, E] with batchFirst, [L, E] unbatched), key [.., S, kdim], value
 *   [.., S, vdim]; output like query.
 * - Mask polarity as nn.MultiheadAttention: True = NOT allowed. keyPaddingMask [N, S] (bool, or
 *   float added); attnMask [L, S] or [N·H, L, S] (bool, or float added).
 * - The projections are GEMMs over all tokens in their memory order; the attention kernel reads
 *   q, k, v per head straight from the projection outputs with strides (self-attention: one
 *   [tokens, 3E] GEMM), so there is no transpose in either layout.
 * - attnWeights (needWeights): [N, L, S] averaged over heads, or [N, H, L, S], computed exactly by
 *   a second kernel; no L x S buffer exists when they are not asked for.
 * - isCausal (extension of PyTorch's hint): causal mask without an attnMask tensor.
 * - kvCache (self-attention decoding): key/value are the new tokens; their projected keys and
 *   values are appended to the cache and the queries attend over the whole cache, causally
 *   (query i of this call sits at position cache.length_before + i) unless isCausal === false.
 * A query row whose keys are all masked gets zeros before out_proj (PyTorch gives NaN).
 */
import { Module } from './module.js';
import { Tensor } from '../tensor.js';
import type { Engine } from '../runtime/engine.js';
import { ArgumentError, ShapeError, fmtShape } from '../runtime/errors.js';
import { gemm, PackedWeights, type GemmArgs } from '../ops/gemm.js';
import { QPackedWeights, qgemm } from '../ops/qgemm.js';
import { quantizeParameter } from './quantize.js';
import { expectEngine, expectInt, expectTensor } from '../ops/check.js';
import { attention, attentionProbs, MaskKind, type AttnMaskView, type AttnProblem, type AttnView } from '../ops/attention.js';
import { NonDynamicallyQuantizableLinear } from './out-projection.js';
import { KVCache } from './kv-cache.js';

export interface MultiheadAttentionOptions {
  bias?: boolean;
  kdim?: number | null;
  vdim?: number | null;
  batchFirst?: boolean;
  /** Ignored: inference only, dropout is inactive as in eval(). */
  dropout?: number;
}

export interface MultiheadAttentionForwardOptions {
  keyPaddingMask?: Tensor | null;
  needWeights?: boolean;
  attnMask?: Tensor | null;
  averageAttnWeights?: boolean;
  isCausal?: boolean;
  kvCache?: KVCache | null;
}

const OP = 'MultiheadAttention';

type PackName = 'qkv' | 'q' | 'kv' | 'k' | 'v';

export class MultiheadAttention extends Module {
  readonly embedDim: number;
  readonly numHeads: number;
  readonly headDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly batchFirst: boolean;
  readonly hasBias: boolean;
  readonly outProj: NonDynamicallyQuantizableLinear;
  private readonly sameEmbedDim: boolean;
  private packs = new Map<PackName, PackedWeights | QPackedWeights>();

  constructor(embedDim: number, numHeads: number, options: MultiheadAttentionOptions = {}, engine?: Engine) {
    super(engine);
    if (!Number.isInteger(embedDim) || embedDim < 1) throw new ArgumentError(`${OP}: embedDim must be an integer >= 1, got ${embedDim}`);
    if (!Number.isInteger(numHeads) || numHeads < 1) throw new ArgumentError(`${OP}: numHeads must be an integer >= 1, got ${numHeads}`);
    if (embedDim % numHeads !== 0) throw new ArgumentError(`${OP}: embedDim (${embedDim}) must be divisible by numHeads (${numHeads})`);
    this.embedDim = embedDim;
    this.numHeads = numHeads;
    this.headDim = embedDim / numHeads;
    // Checked before anything is allocated, so a bad option leaks nothing.
    this.kdim = expectInt(OP, 'kdim', options.kdim ?? embedDim, 1);
    this.vdim = expectInt(OP, 'vdim', options.vdim ?? embedDim, 1);
    this.batchFirst = options.batchFirst ?? false;
    this.hasBias = options.bias ?? true;
    this.sameEmbedDim = this.kdim === embedDim && this.vdim === embedDim;
    const E = embedDim;
    // PyTorch's _reset_parameters: xavier_uniform_ on the input projections, zero biases.
    const xavier = (rows: number, cols: number, fanIn: number, fanOut: number): Tensor => {
      const t = Tensor.empty([rows, cols], 'float32', this.engine);
      const a = Math.sqrt(6 / (fanIn + fanOut));
      const d = t.data<'float32'>();
      for (let i = 0; i < d.length; i++) d[i] = (Math.random() * 2 - 1) * a;
      return t;
    };
    if (this.sameEmbedDim) {
      this.registerParameter('in_proj_weight', xavier(3 * E, E, E, 3 * E));
    } else {
      this.registerParameter('q_proj_weight', xavier(E, E, E, E));
      this.registerParameter('k_proj_weight', xavier(E, this.kdim, this.kdim, E));
      this.registerParameter('v_proj_weight', xavier(E, this.vdim, this.vdim, E));
    }
    if (this.hasBias) this.registerParameter('in_proj_bias', Tensor.zeros([3 * E], 'float32', this.engine));
    this.outProj = this.registerModule('out_proj', new NonDynamicallyQuantizableLinear(E, E, this.hasBias, this.engine));
  }

  /** True once nn.quantizeDynamic made the input projection weights int8 (`<key>_scale` next to them; out_proj is a Linear, quantized too). */
  get quantized(): boolean {
    return this.param(this.sameEmbedDim ? 'in_proj_weight' : 'q_proj_weight').dtype === 'int8';
  }

  /** Internal (nn.quantizeDynamic): in_proj_weight (or q/k/v_proj_weight) and out_proj become int8 per row, in place. */
  _quantizeDynamic(): void {
    this.checkLive();
    if (!this.quantized) {
      for (const w of this.sameEmbedDim ? ['in_proj_weight'] : ['q_proj_weight', 'k_proj_weight', 'v_proj_weight']) quantizeParameter(this, w, (n, t) => this.registerParameter(n, t));
    }
    this.outProj._quantizeDynamic();
    this.repack();
  }

  /** C = A W_slice^T + b_slice with the pack of `name` (float32 or int8 GEMM). */
  private project(args: GemmArgs, name: PackName): void {
    const p = this.pack(name);
    if (p instanceof QPackedWeights) qgemm(this.engine, args, p);
    else gemm(this.engine, args, p);
  }

  /** A creates-once pack of a slice of the input projection. */
  private pack(name: PackName): PackedWeights | QPackedWeights {
    let p = this.packs.get(name);
    if (p) return p;
    const E = this.embedDim;
    if (this.quantized) {
      p = this.packInt8(name);
      this.packs.set(name, p);
      return p;
    }
    const bias = this.hasBias ? this.param('in_proj_bias').ptr : 0;
    const b = (row: number): number => (bias ? bias + 4 * row : 0);
    if (this.sameEmbedDim) {
      const w = this.param('in_proj_weight').ptr;
      const [r0, rows] = ({ qkv: [0, 3 * E], q: [0, E], kv: [E, 2 * E], k: [E, E], v: [2 * E, E] } as const)[name];
      p = PackedWeights.fromOutIn(this.engine, rows, E, w + 4 * r0 * E, b(r0));
    } else if (name === 'q') {
      p = PackedWeights.fromOutIn(this.engine, E, E, this.param('q_proj_weight').ptr, b(0));
    } else if (name === 'k') {
      p = PackedWeights.fromOutIn(this.engine, E, this.kdim, this.param('k_proj_weight').ptr, b(E));
    } else if (name === 'v') {
      p = PackedWeights.fromOutIn(this.engine, E, this.vdim, this.param('v_proj_weight').ptr, b(2 * E));
    } else {
      throw new ArgumentError(`${OP}: internal: no fused ${name} projection when kdim/vdim differ from embedDim`);
    }
    this.packs.set(name, p);
    return p;
  }

  private dropPacks(): void {
    for (const p of this.packs.values()) p.dispose();
    this.packs.clear();
  }

  /** The int8 pack of a projection slice (rows of the int8 weights, their scales and bias). */
  private packInt8(name: PackName): QPackedWeights {
    const E = this.embedDim;
    const bias = this.hasBias ? this.param('in_proj_bias').toFloat32Array() : null;
    const spec: Record<PackName, [string, number, number, number, number]> = this.sameEmbedDim
      ? { qkv: ['in_proj_weight', 0, 3 * E, E, 0], q: ['in_proj_weight', 0, E, E, 0], kv: ['in_proj_weight', E, 2 * E, E, E], k: ['in_proj_weight', E, E, E, E], v: ['in_proj_weight', 2 * E, E, E, 2 * E] }
      : { q: ['q_proj_weight', 0, E, E, 0], k: ['k_proj_weight', 0, E, this.kdim, E], v: ['v_proj_weight', 0, E, this.vdim, 2 * E], qkv: ['', 0, 0, 0, 0], kv: ['', 0, 0, 0, 0] };
    const [key, r0, rows, k, b0] = spec[name];
    if (!key) throw new ArgumentError(`${OP}: internal: no fused ${name} projection when kdim/vdim differ from embedDim`);
    const q = (this.param(key).toTypedArray() as Int8Array).subarray(r0 * k, (r0 + rows) * k);
    const sc = this.param(key + '_scale').toFloat32Array();
    const scales = sc.length === 1 ? new Float32Array(rows).fill(sc[0]) : sc.subarray(r0, r0 + rows);
    return QPackedWeights.fromInt8(this.engine, rows, k, q, scales, bias ? bias.subarray(b0, b0 + rows) : null);
  }

  protected onLoad(): void {
    this.dropPacks();
  }

  protected onDispose(): void {
    this.dropPacks();
  }

  forward(query: Tensor, key: Tensor, value: Tensor, options: MultiheadAttentionForwardOptions = {}): [Tensor, Tensor | null] {
    this.checkLive();
    this.freshPacks();
    expectTensor(OP, 'query', query);
    expectTensor(OP, 'key', key);
    expectTensor(OP, 'value', value);
    const E = this.embedDim;
    const H = this.numHeads;
    const hd = this.headDim;
    const batched = query.ndim === 3;
    if (!batched && query.ndim !== 2) throw new ShapeError(`${OP}: query must be [L, N, E], [N, L, E] (batchFirst) or [L, E], got ${fmtShape(query.shape)}`);
    for (const [n, t, f] of [['key', key, this.kdim], ['value', value, this.vdim]] as const) {
      if (t.ndim !== query.ndim) throw new ShapeError(`${OP}: ${n} must have ${query.ndim} dims like query ${fmtShape(query.shape)}, got ${fmtShape(t.shape)}`);
      if (t.shape[t.ndim - 1] !== f) throw new ShapeError(`${OP}: ${n} must have ${f} features, got ${fmtShape(t.shape)}`);
    }
    if (query.shape[query.ndim - 1] !== E) throw new ShapeError(`${OP}: query must have ${E} features, got ${fmtShape(query.shape)}`);
    const bf = this.batchFirst;
    const N = batched ? query.shape[bf ? 0 : 1] : 1;
    const L = batched ? query.shape[bf ? 1 : 0] : query.shape[0];
    const Snew = batched ? key.shape[bf ? 1 : 0] : key.shape[0];
    for (const [n, t] of [['key', key], ['value', value]] as const) {
      const tn = batched ? t.shape[bf ? 0 : 1] : 1;
      const ts = batched ? t.shape[bf ? 1 : 0] : t.shape[0];
      if (tn !== N || ts !== Snew) throw new ShapeError(`${OP}: ${n} ${fmtShape(t.shape)} does not match batch ${N} and key length ${Snew} (query ${fmtShape(query.shape)}, key ${fmtShape(key.shape)})`);
    }
    const cache = options.kvCache ?? null;
    expectEngine(OP, this.engine, { query, key, value, attnMask: options.attnMask, keyPaddingMask: options.keyPaddingMask });
    if (cache && cache.engine !== this.engine) throw new ArgumentError(`${OP}: kvCache lives in another engine, expected this module's engine (use createKVCache())`);
    if (cache && (cache.batch !== N || cache.numHeads !== H || cache.headDim !== hd || cache.vHeadDim !== hd)) {
      throw new ArgumentError(`${OP}: kvCache is for batch ${cache.batch}, ${cache.numHeads} heads of ${cache.headDim}/${cache.vHeadDim}; this call needs batch ${N}, ${H} heads of ${hd}`);
    }
    const t0 = cache ? cache.length : 0;
    const S = cache ? t0 + Snew : Snew;

    // Token (b, i) of a [tokens, ld] buffer in the input's memory order, as (sb, sl).
    const tok = (len: number, ld: number): { sb: number; sl: number } =>
      !batched ? { sb: 0, sl: ld } : bf ? { sb: len * ld, sl: ld } : { sb: ld, sl: N * ld };

    const a = this.engine.arena;
    const owned: number[] = [];
    const alloc = (floats: number): number => {
      const p = a.alloc(Math.max(floats, 1) * 4);
      owned.push(p);
      return p;
    };
    let out: Tensor | null = null;
    let weights: Tensor | null = null;
    try {
      // 1. Masks (MHA polarity: True = masked), checked before anything changes the kvCache.
      const { mask, keyPadding } = this.masks(options, N, L, S, batched, alloc);

      // 2. Input projections: one GEMM per distinct input, over all tokens.
      const rq = N * L;
      const rk = N * Snew;
      let qv: AttnView;
      let kv: AttnView;
      let vv: AttnView;
      const self = query.ptr === key.ptr && key.ptr === value.ptr && this.sameEmbedDim && L === Snew;
      if (self) {
        const buf = alloc(rq * 3 * E);
        if (rq > 0) this.project({ m: rq, a: query.ptr, lda: E, c: buf, ldc: 3 * E }, 'qkv');
        const t = tok(L, 3 * E);
        qv = { ptr: buf, sb: t.sb, sh: hd, sl: t.sl };
        kv = { ptr: buf + 4 * E, sb: t.sb, sh: hd, sl: t.sl };
        vv = { ptr: buf + 8 * E, sb: t.sb, sh: hd, sl: t.sl };
      } else {
        const qb = alloc(rq * E);
        if (rq > 0) this.project({ m: rq, a: query.ptr, lda: E, c: qb, ldc: E }, 'q');
        const tq = tok(L, E);
        qv = { ptr: qb, sb: tq.sb, sh: hd, sl: tq.sl };
        if (key.ptr === value.ptr && this.sameEmbedDim) {
          const kvb = alloc(rk * 2 * E);
          if (rk > 0) this.project({ m: rk, a: key.ptr, lda: E, c: kvb, ldc: 2 * E }, 'kv');
          const t = tok(Snew, 2 * E);
          kv = { ptr: kvb, sb: t.sb, sh: hd, sl: t.sl };
          vv = { ptr: kvb + 4 * E, sb: t.sb, sh: hd, sl: t.sl };
        } else {
          const kb = alloc(rk * E);
          const vb = alloc(rk * E);
          if (rk > 0) {
            this.project({ m: rk, a: key.ptr, lda: this.kdim, c: kb, ldc: E }, 'k');
            this.project({ m: rk, a: value.ptr, lda: this.vdim, c: vb, ldc: E }, 'v');
          }
          const t = tok(Snew, E);
          kv = { ptr: kb, sb: t.sb, sh: hd, sl: t.sl };
          vv = { ptr: vb, sb: t.sb, sh: hd, sl: t.sl };
        }
      }
      let kAttn: AttnProblem['k'] = kv;
      let vAttn = vv;
      if (cache) {
        cache.appendRaw(Snew, kv, vv);
        kAttn = cache.keyView;
        vAttn = cache.valueView;
      }

      const causal = options.attnMask ? false : (options.isCausal ?? (cache !== null));
      const prob: AttnProblem = {
        batch: N, heads: H, L, S, d: hd, dv: hd,
        q: qv, k: kAttn, v: vAttn, mask, keyPadding,
        causal, causalOffset: cache ? t0 : 0,
      };

      // 3. Attention into [tokens, E] (query order), then out_proj into the output.
      const ob = alloc(rq * E);
      const to = tok(L, E);
      attention(this.engine, prob, { ptr: ob, sb: to.sb, sh: hd, sl: to.sl });
      out = Tensor.empty(query.shape, 'float32', this.engine);
      if (rq > 0) this.outProj.project(rq, ob, E, out.ptr, E);

      // 4. Attention weights, exactly, only when asked for.
      if (options.needWeights ?? true) {
        const avg = options.averageAttnWeights ?? true;
        const shape = avg ? [N, L, S] : [N, H, L, S];
        weights = Tensor.zeros(batched ? shape : shape.slice(1), 'float32', this.engine);
        const pv: AttnView = avg ? { ptr: weights.ptr, sb: L * S, sh: 0, sl: S } : { ptr: weights.ptr, sb: H * L * S, sh: L * S, sl: S };
        attentionProbs(this.engine, prob, pv, avg ? { accumulate: true, pscale: 1 / H } : {});
      }
    } catch (e) {
      out?.dispose();
      weights?.dispose();
      throw e;
    } finally {
      for (const p of owned) a.free(p);
    }
    return [out, weights];
  }

  /** The attention mask and key padding views for the kernel (MHA polarity). */
  private masks(
    o: MultiheadAttentionForwardOptions,
    N: number, L: number, S: number, batched: boolean,
    alloc: (floats: number) => number,
  ): { mask: AttnMaskView | null; keyPadding: { ptr: number; sb: number } | null } {
    const H = this.numHeads;
    let mask: AttnMaskView | null = null;
    let keyPadding: { ptr: number; sb: number } | null = null;
    const am = o.attnMask ?? null;
    if (am) {
      expectTensor(OP, 'attnMask', am, ['bool', 'float32']);
      const ok2 = am.ndim === 2 && am.shape[0] === L && am.shape[1] === S;
      const ok3 = am.ndim === 3 && am.shape[0] === N * H && am.shape[1] === L && am.shape[2] === S;
      if (!ok2 && !ok3) throw new ShapeError(`${OP}: attnMask must be [${L}, ${S}] or [${N * H}, ${L}, ${S}], got ${fmtShape(am.shape)}`);
      mask = {
        ptr: am.ptr, kind: am.dtype === 'bool' ? MaskKind.boolBlock : MaskKind.float,
        sb: ok3 ? H * L * S : 0, sh: ok3 ? L * S : 0, sl: S,
      };
    }
    const kpm = o.keyPaddingMask ?? null;
    if (kpm) {
      expectTensor(OP, 'keyPaddingMask', kpm, ['bool', 'float32']);
      const want = batched ? [N, S] : [S];
      if (kpm.ndim !== want.length || kpm.shape.some((d, i) => d !== want[i])) {
        throw new ShapeError(`${OP}: keyPaddingMask must be ${fmtShape(want)}, got ${fmtShape(kpm.shape)}`);
      }
      if (kpm.dtype === 'bool') {
        keyPadding = { ptr: kpm.ptr, sb: S };
      } else {
        // Float key padding: fold it with the attention mask into one additive [N, H, L, S] mask.
        const kd = kpm.toTypedArray() as Float32Array; // copies (the masks may be strided views), before any view below
        const ad = am ? am.toTypedArray() : null;
        const m = alloc(N * H * L * S);
        const view = this.engine.arena.f32(m, N * H * L * S);
        for (let b = 0; b < N; b++) for (let h = 0; h < H; h++) for (let i = 0; i < L; i++) for (let j = 0; j < S; j++) {
          let x = kd[b * S + j];
          if (ad && mask) {
            const v = ad[b * mask.sb + h * mask.sh + i * S + j] as number;
            x += am!.dtype === 'bool' ? (v ? -Infinity : 0) : v;
          }
          view[((b * H + h) * L + i) * S + j] = x;
        }
        mask = { ptr: m, kind: MaskKind.float, sb: H * L * S, sh: L * S, sl: S };
      }
    }
    return { mask, keyPadding };
  }

  /** A KV cache shaped for this layer (batch, heads, head dim), holding maxLength tokens. */
  createKVCache(batch: number, maxLength: number): KVCache {
    return new KVCache({ batch, numHeads: this.numHeads, headDim: this.headDim, maxLength }, this.engine);
  }
}
