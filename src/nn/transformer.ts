/**
 * nn.TransformerEncoderLayer, nn.TransformerEncoder, nn.TransformerDecoderLayer, nn.TransformerDecoder
 * and nn.Transformer as PyTorch's in
 * eval mode (dropout inactive; the `dropout` option is accepted and ignored), on PyTorch's regular
 * path (not the nested-tensor fast path: outputs at padded positions are ordinary values).
 *
 *   FF(x) = linear2(act(linear1(x))), act relu or exact (erf) gelu fused into linear1's GEMM
 *   encoder post-norm: x = norm1(x + SA(x)); x = norm2(x + FF(x))
 *   encoder pre-norm (normFirst): x = x + SA(norm1(x)); x = x + FF(norm2(x))
 *   decoder post-norm: x = norm1(x + SA(x)); x = norm2(x + CA(x, memory)); x = norm3(x + FF(x))
 *   decoder pre-norm: x = x + SA(norm1(x)); x = x + CA(norm2(x), memory); x = x + FF(norm3(x))
 *
 * Submodule names (and so state_dict keys) are PyTorch's: self_attn, multihead_attn, linear1,
 * linear2, norm1, norm2, norm3; TransformerEncoder and TransformerDecoder hold layers.N and an
 * optional norm; Transformer holds encoder and decoder (each with a final norm). Masks use
 * nn.MultiheadAttention's polarity (True = masked).
 */
import { Module } from './module.js';
import { ModuleList } from './container.js';
import { Linear } from './linear.js';
import { LayerNorm } from './normalization.js';
import { MultiheadAttention } from './multihead-attention.js';
import { Dropout } from './identity.js';
import { Tensor } from '../tensor.js';
import type { Engine } from '../runtime/engine.js';
import { ArgumentError, ShapeError, fmtShape } from '../runtime/errors.js';
import { add } from '../ops/binary.js';
import { expectNumber } from '../ops/check.js';

export interface TransformerLayerOptions {
  /** Hidden size of the feed-forward block (default 2048). */
  dimFeedforward?: number;
  /** Ignored (inference: dropout is inactive, as in eval()). Default 0.1 as PyTorch. */
  dropout?: number;
  activation?: 'relu' | 'gelu';
  layerNormEps?: number;
  batchFirst?: boolean;
  normFirst?: boolean;
  bias?: boolean;
}

interface Resolved {
  dimFeedforward: number;
  dropout: number;
  activation: 'relu' | 'gelu';
  layerNormEps: number;
  batchFirst: boolean;
  normFirst: boolean;
  bias: boolean;
}

function resolve(op: string, o: TransformerLayerOptions): Resolved {
  const r: Resolved = {
    dimFeedforward: o.dimFeedforward ?? 2048,
    dropout: o.dropout ?? 0.1,
    activation: o.activation ?? 'relu',
    layerNormEps: o.layerNormEps ?? 1e-5,
    batchFirst: o.batchFirst ?? false,
    normFirst: o.normFirst ?? false,
    bias: o.bias ?? true,
  };
  if (r.activation !== 'relu' && r.activation !== 'gelu') {
    throw new ArgumentError(`${op}: activation must be 'relu' or 'gelu', got ${String(r.activation)}`);
  }
  // Checked here, before any sublayer is allocated, so a bad option leaks nothing.
  expectNumber(op, 'layerNormEps', r.layerNormEps);
  if (!(r.dropout >= 0 && r.dropout <= 1)) throw new ArgumentError(`${op}: dropout must be a probability in [0, 1], got ${String(r.dropout)}`);
  if (!Number.isInteger(r.dimFeedforward) || r.dimFeedforward < 1) {
    throw new ArgumentError(`${op}: dimFeedforward must be an integer >= 1, got ${String(r.dimFeedforward)}`);
  }
  return r;
}

/** Runs fn, disposing the listed intermediates afterwards (also on throw). */
function freeing<T>(temps: Tensor[], fn: () => T): T {
  try {
    return fn();
  } finally {
    for (const t of temps) t.dispose();
  }
}

/** The feed-forward block and the residual adds shared by the encoder and decoder layers. */
abstract class TransformerLayerBase extends Module {
  linear1!: Linear;
  linear2!: Linear;
  protected readonly cfg: Resolved;

  protected constructor(readonly dModel: number, readonly nhead: number, cfg: Resolved, engine?: Engine) {
    super(engine);
    this.cfg = cfg;
    // Subclasses register self_attn (and multihead_attn) first, then call initFeedForward(), so
    // the state_dict keys come in PyTorch's order.
  }

  protected initFeedForward(): void {
    const bias = { bias: this.cfg.bias };
    this.linear1 = this.registerModule('linear1', new Linear(this.dModel, this.cfg.dimFeedforward, bias, this.engine));
    this.registerModule('dropout', new Dropout(this.cfg.dropout));
    this.linear2 = this.registerModule('linear2', new Linear(this.cfg.dimFeedforward, this.dModel, bias, this.engine));
  }

  /** dropout1..n after the norms, as PyTorch registers them (identity in eval; for the repr). */
  protected registerDropouts(n: number): void {
    for (let i = 1; i <= n; i++) this.registerModule(`dropout${i}`, new Dropout(this.cfg.dropout));
  }

  protected makeNorm(): LayerNorm {
    return new LayerNorm(this.dModel, { eps: this.cfg.layerNormEps, bias: this.cfg.bias }, this.engine);
  }

  /** linear2(act(linear1(x))), the bias and activation fused into linear1's GEMM epilogue. */
  protected feedForward(x: Tensor): Tensor {
    const h = this.linear1.forwardFused(x, this.cfg.activation);
    return freeing([h], () => this.linear2.forward(h));
  }

  /** Post-norm: norm(x + f(x)); pre-norm: x + f(norm(x)). Disposes nothing it did not create. */
  protected residual(x: Tensor, norm: LayerNorm, f: (y: Tensor) => Tensor): Tensor {
    if (this.cfg.normFirst) {
      const n = norm.forward(x);
      const y = freeing([n], () => f(n));
      return freeing([y], () => add(x, y));
    }
    const y = f(x);
    const s = freeing([y], () => add(x, y));
    return freeing([s], () => norm.forward(s));
  }

}

export interface EncoderLayerForwardOptions {
  srcMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  /** Causal self-attention without a mask tensor (PyTorch's hint, applied here). */
  isCausal?: boolean;
}

export class TransformerEncoderLayer extends TransformerLayerBase {
  readonly selfAttn: MultiheadAttention;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;

  constructor(dModel: number, nhead: number, options: TransformerLayerOptions = {}, engine?: Engine) {
    const cfg = resolve('TransformerEncoderLayer', options);
    super(dModel, nhead, cfg, engine);
    this.selfAttn = this.registerModule('self_attn', new MultiheadAttention(dModel, nhead, { bias: cfg.bias, batchFirst: cfg.batchFirst }, this.engine));
    this.initFeedForward();
    this.norm1 = this.registerModule('norm1', this.makeNorm());
    this.norm2 = this.registerModule('norm2', this.makeNorm());
    this.registerDropouts(2);
  }

  /** A new layer with the same configuration and a copy of the parameters (PyTorch deep-copies). */
  clone(): TransformerEncoderLayer {
    const c = new TransformerEncoderLayer(this.dModel, this.nhead, this.cfg, this.engine);
    c.loadStateDict(this.stateDict());
    return c;
  }

  forward(src: Tensor, options: EncoderLayerForwardOptions = {}): Tensor {
    this.checkLive();
    const sa = (x: Tensor): Tensor =>
      this.selfAttn.forward(x, x, x, {
        attnMask: options.srcMask ?? null,
        keyPaddingMask: options.srcKeyPaddingMask ?? null,
        isCausal: options.isCausal ?? false,
        needWeights: false,
      })[0];
    const x1 = this.residual(src, this.norm1, sa);
    return freeing([x1], () => this.residual(x1, this.norm2, (x) => this.feedForward(x)));
  }
}

export interface EncoderForwardOptions {
  mask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  isCausal?: boolean;
}

/** nn.TransformerEncoder(encoderLayer, numLayers, { norm }): numLayers copies (layers.N). */
export class TransformerEncoder extends Module {
  readonly layers: ModuleList<TransformerEncoderLayer>;
  readonly norm: LayerNorm | null;

  constructor(encoderLayer: TransformerEncoderLayer, numLayers: number, options: { norm?: LayerNorm | null } = {}, engine?: Engine) {
    super(engine);
    if (!Number.isInteger(numLayers) || numLayers < 1) throw new ArgumentError(`TransformerEncoder: numLayers must be an integer >= 1, got ${numLayers}`);
    this.layers = this.registerModule('layers', new ModuleList(Array.from({ length: numLayers }, () => encoderLayer.clone())));
    this.norm = options.norm ? this.registerModule('norm', options.norm) : null;
  }

  forward(src: Tensor, options: EncoderForwardOptions = {}): Tensor {
    this.checkLive();
    return runStack(src, this.layers, this.norm, (layer, t) => layer.forward(t, { srcMask: options.mask, srcKeyPaddingMask: options.srcKeyPaddingMask, isCausal: options.isCausal }));
  }
}

/**
 * x = layer_N(...layer_1(src)), then the optional norm; each intermediate is freed as soon as the
 * next exists (also on a throw mid-stack: no intermediate outlives the call). src is not freed.
 */
function runStack<L>(src: Tensor, layers: Iterable<L>, norm: LayerNorm | null, f: (layer: L, x: Tensor) => Tensor): Tensor {
  let x = src;
  const step = (g: (t: Tensor) => Tensor): void => {
    let y: Tensor;
    try {
      y = g(x);
    } finally {
      if (x !== src) x.dispose();
    }
    x = y;
  };
  for (const layer of layers) step((t) => f(layer, t));
  if (norm) step((t) => norm.forward(t));
  return x;
}

export interface DecoderLayerForwardOptions {
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
  tgtIsCausal?: boolean;
  memoryIsCausal?: boolean;
}

export class TransformerDecoderLayer extends TransformerLayerBase {
  readonly selfAttn: MultiheadAttention;
  readonly multiheadAttn: MultiheadAttention;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  readonly norm3: LayerNorm;

  constructor(dModel: number, nhead: number, options: TransformerLayerOptions = {}, engine?: Engine) {
    const cfg = resolve('TransformerDecoderLayer', options);
    super(dModel, nhead, cfg, engine);
    const mha = { bias: cfg.bias, batchFirst: cfg.batchFirst };
    this.selfAttn = this.registerModule('self_attn', new MultiheadAttention(dModel, nhead, mha, this.engine));
    this.multiheadAttn = this.registerModule('multihead_attn', new MultiheadAttention(dModel, nhead, mha, this.engine));
    this.initFeedForward();
    this.norm1 = this.registerModule('norm1', this.makeNorm());
    this.norm2 = this.registerModule('norm2', this.makeNorm());
    this.norm3 = this.registerModule('norm3', this.makeNorm());
    this.registerDropouts(3);
  }

  /** A new layer with the same configuration and a copy of the parameters (PyTorch deep-copies). */
  clone(): TransformerDecoderLayer {
    const c = new TransformerDecoderLayer(this.dModel, this.nhead, this.cfg, this.engine);
    c.loadStateDict(this.stateDict());
    return c;
  }

  forward(tgt: Tensor, memory: Tensor, options: DecoderLayerForwardOptions = {}): Tensor {
    this.checkLive();
    const sa = (x: Tensor): Tensor =>
      this.selfAttn.forward(x, x, x, {
        attnMask: options.tgtMask ?? null,
        keyPaddingMask: options.tgtKeyPaddingMask ?? null,
        isCausal: options.tgtIsCausal ?? false,
        needWeights: false,
      })[0];
    const ca = (x: Tensor): Tensor =>
      this.multiheadAttn.forward(x, memory, memory, {
        attnMask: options.memoryMask ?? null,
        keyPaddingMask: options.memoryKeyPaddingMask ?? null,
        isCausal: options.memoryIsCausal ?? false,
        needWeights: false,
      })[0];
    const x1 = this.residual(tgt, this.norm1, sa);
    const x2 = freeing([x1], () => this.residual(x1, this.norm2, ca));
    return freeing([x2], () => this.residual(x2, this.norm3, (x) => this.feedForward(x)));
  }
}

/** nn.TransformerDecoder(decoderLayer, numLayers, { norm }): numLayers copies (layers.N) and an optional norm. */
export class TransformerDecoder extends Module {
  readonly layers: ModuleList<TransformerDecoderLayer>;
  readonly norm: LayerNorm | null;

  constructor(decoderLayer: TransformerDecoderLayer, numLayers: number, options: { norm?: LayerNorm | null } = {}, engine?: Engine) {
    super(engine);
    if (!Number.isInteger(numLayers) || numLayers < 1) throw new ArgumentError(`TransformerDecoder: numLayers must be an integer >= 1, got ${numLayers}`);
    this.layers = this.registerModule('layers', new ModuleList(Array.from({ length: numLayers }, () => decoderLayer.clone())));
    this.norm = options.norm ? this.registerModule('norm', options.norm) : null;
  }

  /** forward(tgt, memory, { tgtMask, memoryMask, tgtKeyPaddingMask, memoryKeyPaddingMask, tgtIsCausal, memoryIsCausal }). */
  forward(tgt: Tensor, memory: Tensor, options: DecoderLayerForwardOptions = {}): Tensor {
    this.checkLive();
    return runStack(tgt, this.layers, this.norm, (layer, t) => layer.forward(t, memory, options));
  }
}

export interface TransformerOptions extends TransformerLayerOptions {
  /** Model width (default 512). */
  dModel?: number;
  /** Attention heads (default 8). */
  nhead?: number;
  numEncoderLayers?: number;
  numDecoderLayers?: number;
  /** Replaces the default encoder (its parameters then come from it, under `encoder.`). */
  customEncoder?: Module & { forward(src: Tensor, options?: EncoderForwardOptions): Tensor };
  customDecoder?: Module & { forward(tgt: Tensor, memory: Tensor, options?: DecoderLayerForwardOptions): Tensor };
}

export interface TransformerForwardOptions {
  srcMask?: Tensor | null;
  tgtMask?: Tensor | null;
  memoryMask?: Tensor | null;
  srcKeyPaddingMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
  srcIsCausal?: boolean;
  tgtIsCausal?: boolean;
  memoryIsCausal?: boolean;
}

/**
 * nn.Transformer({ dModel = 512, nhead = 8, numEncoderLayers = 6, numDecoderLayers = 6,
 * dimFeedforward = 2048, dropout, activation, customEncoder, customDecoder, layerNormEps,
 * batchFirst, normFirst, bias }): an encoder (TransformerEncoder with a final LayerNorm) and a
 * decoder (TransformerDecoder with a final LayerNorm), keys encoder.layers.N..., encoder.norm.*,
 * decoder.layers.N..., decoder.norm.*, as PyTorch.
 */
export class Transformer extends Module {
  readonly encoder: Module & { forward(src: Tensor, options?: EncoderForwardOptions): Tensor };
  readonly decoder: Module & { forward(tgt: Tensor, memory: Tensor, options?: DecoderLayerForwardOptions): Tensor };
  readonly dModel: number;
  readonly nhead: number;
  readonly batchFirst: boolean;

  constructor(options: TransformerOptions = {}, engine?: Engine) {
    super(engine);
    const { dModel = 512, nhead = 8, numEncoderLayers = 6, numDecoderLayers = 6, customEncoder, customDecoder, ...layerOpts } = options;
    const cfg = resolve('Transformer', layerOpts);
    this.dModel = dModel;
    this.nhead = nhead;
    this.batchFirst = cfg.batchFirst;
    const norm = () => new LayerNorm(dModel, { eps: cfg.layerNormEps, bias: cfg.bias }, engine);
    if (customEncoder) this.encoder = this.registerModule('encoder', customEncoder);
    else {
      const layer = new TransformerEncoderLayer(dModel, nhead, cfg, engine);
      try {
        this.encoder = this.registerModule('encoder', new TransformerEncoder(layer, numEncoderLayers, { norm: norm() }, engine));
      } finally {
        layer.dispose();
      }
    }
    if (customDecoder) this.decoder = this.registerModule('decoder', customDecoder);
    else {
      const layer = new TransformerDecoderLayer(dModel, nhead, cfg, engine);
      try {
        this.decoder = this.registerModule('decoder', new TransformerDecoder(layer, numDecoderLayers, { norm: norm() }, engine));
      } finally {
        layer.dispose();
      }
    }
  }

  /** memory = encoder(src), output = decoder(tgt, memory): src [S, N, E] and tgt [T, N, E] (batch first: [N, S, E], [N, T, E]). */
  forward(src: Tensor, tgt: Tensor, options: TransformerForwardOptions = {}): Tensor {
    this.checkLive();
    const b = this.batchFirst ? 0 : 1;
    if (src.ndim === 3 && tgt.ndim === 3 && src.shape[b] !== tgt.shape[b]) throw new ShapeError(`Transformer: the batch number of src (${fmtShape(src.shape)}) and tgt (${fmtShape(tgt.shape)}) must be equal`);
    if (src.shape[src.ndim - 1] !== this.dModel || tgt.shape[tgt.ndim - 1] !== this.dModel) {
      throw new ShapeError(`Transformer: the feature number of src (${fmtShape(src.shape)}) and tgt (${fmtShape(tgt.shape)}) must be equal to d_model=${this.dModel}`);
    }
    const memory = this.encoder.forward(src, { mask: options.srcMask, srcKeyPaddingMask: options.srcKeyPaddingMask, isCausal: options.srcIsCausal });
    try {
      return this.decoder.forward(tgt, memory, {
        tgtMask: options.tgtMask, memoryMask: options.memoryMask, tgtKeyPaddingMask: options.tgtKeyPaddingMask,
        memoryKeyPaddingMask: options.memoryKeyPaddingMask, tgtIsCausal: options.tgtIsCausal, memoryIsCausal: options.memoryIsCausal,
      });
    } finally {
      memory.dispose();
    }
  }

  /** Transformer.generate_square_subsequent_mask(sz): float [sz, sz], -inf above the diagonal, 0 elsewhere. */
  static generateSquareSubsequentMask(sz: number, engine?: Engine): Tensor {
    if (!Number.isInteger(sz) || sz < 1) throw new ArgumentError(`Transformer.generateSquareSubsequentMask: sz must be an integer >= 1, got ${sz}`);
    const m = new Float32Array(sz * sz);
    for (let i = 0; i < sz; i++) m.fill(-Infinity, i * sz + i + 1, (i + 1) * sz);
    return Tensor.from(m, [sz, sz], 'float32', engine);
  }
}
