/**
 * torchaudio.models.wav2vec2_model(...) / wav2vec2_base() as `models.wav2vec2_model({ extractorMode,
 * extractorConvLayerConfig, extractorConvBias, encoderEmbedDim, encoderPosConvKernel,
 * encoderPosConvGroups, encoderNumLayers, encoderNumHeads, encoderFfIntermFeatures,
 * encoderLayerNormFirst, auxNumOut, ... })` (torchaudio's factory arguments in camelCase; the
 * dropout and layer-drop ones are accepted and ignored), loading torchaudio's state_dict unchanged:
 * feature_extractor.conv_layers.N.{conv, layer_norm}.*, encoder.feature_projection.*,
 * encoder.transformer.pos_conv_embed.conv.{bias, weight_g, weight_v} (weight_norm, dim=2, folded
 * into the conv weight at load), encoder.transformer.layer_norm.*,
 * encoder.transformer.layers.N.{attention.{k,v,q,out}_proj, layer_norm, feed_forward.{intermediate,
 * output}_dense, final_layer_norm}.*, aux.*.
 *
 *   waveforms [B, time] -> conv blocks (Conv1d -> GroupNorm (first block, "group_norm") or
 *   LayerNorm over channels ("layer_norm") -> GELU) -> [B, frames, C] -> LayerNorm -> Linear(C, E)
 *   -> x + GELU(pos_conv(x)) (grouped Conv1d, padding k/2, last frame dropped for even k)
 *   -> layers: post-norm  x = LN(x + SA(x)); x = LN_f(x + FF(x))
 *              pre-norm   x = x + SA(LN(x)); x = x + FF(LN_f(x))     FF = Linear -> GELU -> Linear
 *   -> (post-norm: LN after the positional conv; pre-norm: LN after the layers) -> aux Linear.
 * Self-attention: q, k, v projected by one fused [3E, E] GEMM (packed at load from q_proj, k_proj,
 * v_proj), the streaming attention kernel, then out_proj. With lengths, frames past each length are
 * zeroed after the projection and masked as keys (torchaudio adds -10000, whose exp underflows to
 * exactly 0 as a masked key does).
 */
import { Module } from '../../nn/module.js';
import { Linear } from '../../nn/linear.js';
import { Conv1d } from '../../nn/conv.js';
import { LayerNorm, GroupNorm } from '../../nn/normalization.js';
import { ModuleList } from '../../nn/container.js';
import { Dropout } from '../../nn/identity.js';
import { weightNorm } from '../../nn/utils.js';
import { Tensor } from '../../tensor.js';
import type { Engine } from '../../runtime/engine.js';
import { ArgumentError, ShapeError, fmtShape } from '../../runtime/errors.js';
import { expectInt, expectTensor } from '../../ops/check.js';
import { add, mul } from '../../ops/binary.js';
import { gelu } from '../../ops/unary.js';
import { PackedWeights, gemm } from '../../ops/gemm.js';
import { attention } from '../../ops/attention.js';
import { lengthsToPaddingMask } from './conformer.js';

export interface Wav2Vec2ModelOptions {
  /** 'group_norm' (Base: GroupNorm in the first conv block) or 'layer_norm' (Large: LayerNorm in every block). */
  extractorMode: 'group_norm' | 'layer_norm';
  /** [[out_channels, kernel, stride], ...]; null: torchaudio's default [(512,10,5)] + [(512,3,2)]*4 + [(512,2,2)]*2. */
  extractorConvLayerConfig?: readonly (readonly [number, number, number])[] | null;
  extractorConvBias: boolean;
  encoderEmbedDim: number;
  encoderPosConvKernel: number;
  encoderPosConvGroups: number;
  encoderNumLayers: number;
  encoderNumHeads: number;
  encoderFfIntermFeatures: number;
  encoderLayerNormFirst: boolean;
  /** Classes of the extra Linear on top (fine-tuned ASR models); null/undefined: none. */
  auxNumOut?: number | null;
  /** Ignored (inference). */
  encoderProjectionDropout?: number;
  encoderAttentionDropout?: number;
  encoderFfIntermDropout?: number;
  encoderDropout?: number;
  encoderLayerDrop?: number;
}

const DEFAULT_CONV: [number, number, number][] = [[512, 10, 5], [512, 3, 2], [512, 3, 2], [512, 3, 2], [512, 3, 2], [512, 2, 2], [512, 2, 2]];

/** torchaudio's components.LayerNorm: LayerNorm over the channels of [B, C, T]. */
export class ChannelLayerNorm extends LayerNorm {
  override forward(x: Tensor): Tensor {
    return this.engine.scope(() => super.forward(x.transpose(-2, -1)).transpose(-2, -1).contiguous());
  }
}

export class ConvLayerBlock extends Module {
  readonly conv: Conv1d;
  readonly layerNorm: GroupNorm | ChannelLayerNorm | null;

  constructor(inChannels: number, outChannels: number, readonly kernelSize: number, readonly stride: number, bias: boolean, norm: 'group' | 'layer' | null, engine?: Engine) {
    super(engine);
    // torchaudio registers layer_norm before conv: state_dict order follows.
    this.layerNorm = norm === 'group'
      ? this.registerModule('layer_norm', new GroupNorm(outChannels, outChannels, { affine: true }, engine))
      : norm === 'layer' ? this.registerModule('layer_norm', new ChannelLayerNorm(outChannels, {}, engine)) : null;
    this.conv = this.registerModule('conv', new Conv1d(inChannels, outChannels, kernelSize, { stride, bias }, engine));
  }

  /** [B, C_in, T] -> [B, C_out, T'], and the valid lengths: max(0, floor((len - k) / s) + 1). */
  forward(x: Tensor): Tensor {
    return this.engine.scope(() => {
      let y = this.conv.forward(x);
      if (this.layerNorm) y = this.layerNorm.forward(y);
      return gelu(y);
    });
  }

  outLength(len: number): number {
    return Math.max(0, Math.floor((len - this.kernelSize) / this.stride) + 1);
  }
}

export class FeatureExtractor extends Module {
  readonly convLayers: ModuleList<ConvLayerBlock>;

  constructor(mode: 'group_norm' | 'layer_norm', shapes: readonly (readonly [number, number, number])[], bias: boolean, engine?: Engine) {
    super(engine);
    let cin = 1;
    const blocks = shapes.map(([cout, k, s], i) => {
      const b = new ConvLayerBlock(cin, cout, k, s, bias, mode === 'group_norm' ? (i === 0 ? 'group' : null) : 'layer', engine);
      cin = cout;
      return b;
    });
    this.convLayers = this.registerModule('conv_layers', new ModuleList(blocks));
  }

  /** waveforms [B, time] -> features [B, frames, C]. */
  forward(x: Tensor): Tensor {
    return this.engine.scope(() => {
      let y = x.unsqueeze(1);
      for (const l of this.convLayers) y = l.forward(y);
      return y.transpose(1, 2).contiguous();
    });
  }
}

export class FeatureProjection extends Module {
  readonly layerNorm: LayerNorm;
  readonly projection: Linear;

  constructor(inFeatures: number, outFeatures: number, engine?: Engine) {
    super(engine);
    this.layerNorm = this.registerModule('layer_norm', new LayerNorm(inFeatures, {}, engine));
    this.projection = this.registerModule('projection', new Linear(inFeatures, outFeatures, {}, engine));
    this.registerModule('dropout', new Dropout(0));
  }

  forward(x: Tensor): Tensor {
    return this.engine.scope(() => this.projection.forward(this.layerNorm.forward(x)));
  }
}

export class ConvolutionalPositionalEmbedding extends Module {
  readonly conv: Conv1d;
  private readonly numRemove: number;

  constructor(readonly embedDim: number, readonly kernelSize: number, groups: number, engine?: Engine) {
    super(engine);
    this.conv = this.registerModule('conv', weightNorm(new Conv1d(embedDim, embedDim, kernelSize, { padding: Math.floor(kernelSize / 2), groups }, engine), 'weight', 2));
    this.numRemove = kernelSize % 2 === 0 ? 1 : 0;
  }

  /** x [B, T, E] -> gelu(conv(x)) [B, T, E]. */
  forward(x: Tensor): Tensor {
    return this.engine.scope(() => {
      let y = this.conv.forward(x.transpose(-2, -1));
      if (this.numRemove > 0) y = y.narrow(2, 0, y.shape[2] - this.numRemove);
      return gelu(y).transpose(-2, -1).contiguous();
    });
  }
}

/** torchaudio's wav2vec2 SelfAttention (k_proj, v_proj, q_proj, out_proj), one fused QKV GEMM. */
export class SelfAttention extends Module {
  readonly headDim: number;
  readonly kProj: Linear;
  readonly vProj: Linear;
  readonly qProj: Linear;
  readonly outProj: Linear;
  private qkv: PackedWeights | null = null;

  constructor(readonly embedDim: number, readonly numHeads: number, engine?: Engine) {
    super(engine);
    if (embedDim % numHeads !== 0) throw new ArgumentError(`wav2vec2_model: encoderEmbedDim (${embedDim}) must be divisible by encoderNumHeads (${numHeads})`);
    this.headDim = embedDim / numHeads;
    this.registerModule('dropout', new Dropout(0));
    this.kProj = this.registerModule('k_proj', new Linear(embedDim, embedDim, {}, engine));
    this.vProj = this.registerModule('v_proj', new Linear(embedDim, embedDim, {}, engine));
    this.qProj = this.registerModule('q_proj', new Linear(embedDim, embedDim, {}, engine));
    this.outProj = this.registerModule('out_proj', new Linear(embedDim, embedDim, {}, engine));
  }

  /** The [W_q; W_k; W_v] pack (built at load, and on first use). */
  private pack(): PackedWeights {
    if (this.qkv) return this.qkv;
    const E = this.embedDim;
    const e = this.engine;
    this.qkv = e.scope(() => {
      const parts = [this.qProj, this.kProj, this.vProj];
      const w = Tensor.empty([3 * E, E], 'float32', e);
      const b = Tensor.empty([3 * E], 'float32', e);
      const wd = w.data<'float32'>();
      const bd = b.data<'float32'>();
      parts.forEach((l, i) => {
        wd.set(l.weight.toFloat32Array(), i * E * E);
        bd.set(l.bias!.toFloat32Array(), i * E);
      });
      return PackedWeights.fromTensor(w, b);
    });
    return this.qkv;
  }

  protected onLoad(): void {
    this.onDispose();
  }

  protected onDispose(): void {
    this.qkv?.dispose();
    this.qkv = null;
  }

  /** x [B, L, E], keyPadding bool [B, L] (True = padded) or null -> [B, L, E]. */
  forward(x: Tensor, keyPadding: Tensor | null = null): Tensor {
    this.checkLive();
    const [B, L, E] = x.shape;
    const hd = this.headDim;
    const e = this.engine;
    const a = e.arena;
    const rows = B * L;
    const buf = a.alloc(Math.max(rows * 3 * E, 1) * 4);
    const ob = a.alloc(Math.max(rows * E, 1) * 4);
    try {
      if (rows > 0) gemm(e, { m: rows, a: x.ptr, lda: E, c: buf, ldc: 3 * E }, this.pack());
      const view = (off: number) => ({ ptr: buf + 4 * off, sb: L * 3 * E, sh: hd, sl: 3 * E });
      attention(e, {
        batch: B, heads: this.numHeads, L, S: L, d: hd, dv: hd,
        q: view(0), k: view(E), v: view(2 * E),
        keyPadding: keyPadding ? { ptr: keyPadding.ptr, sb: L } : null,
      }, { ptr: ob, sb: L * E, sh: hd, sl: E });
      const out = Tensor.empty([B, L, E], 'float32', e);
      if (rows > 0) this.outProj.project(rows, ob, E, out.ptr, E);
      return out;
    } finally {
      a.free(buf);
      a.free(ob);
    }
  }
}

export class FeedForward extends Module {
  readonly intermediateDense: Linear;
  readonly outputDense: Linear;

  constructor(io: number, interm: number, engine?: Engine) {
    super(engine);
    this.intermediateDense = this.registerModule('intermediate_dense', new Linear(io, interm, {}, engine));
    this.registerModule('intermediate_dropout', new Dropout(0));
    this.outputDense = this.registerModule('output_dense', new Linear(interm, io, {}, engine));
    this.registerModule('output_dropout', new Dropout(0));
  }

  forward(x: Tensor): Tensor {
    return this.engine.scope(() => this.outputDense.forward(this.intermediateDense.forwardFused(x, 'gelu')));
  }
}

export class Wav2Vec2EncoderLayer extends Module {
  readonly attention: SelfAttention;
  readonly layerNorm: LayerNorm;
  readonly feedForward: FeedForward;
  readonly finalLayerNorm: LayerNorm;

  constructor(embedDim: number, numHeads: number, interm: number, readonly layerNormFirst: boolean, engine?: Engine) {
    super(engine);
    this.attention = this.registerModule('attention', new SelfAttention(embedDim, numHeads, engine));
    this.registerModule('dropout', new Dropout(0));
    this.layerNorm = this.registerModule('layer_norm', new LayerNorm(embedDim, {}, engine));
    this.feedForward = this.registerModule('feed_forward', new FeedForward(embedDim, interm, engine));
    this.finalLayerNorm = this.registerModule('final_layer_norm', new LayerNorm(embedDim, {}, engine));
  }

  forward(input: Tensor, keyPadding: Tensor | null = null): Tensor {
    return this.engine.scope(() => {
      if (this.layerNormFirst) {
        const x = add(input, this.attention.forward(this.layerNorm.forward(input), keyPadding));
        return add(x, this.feedForward.forward(this.finalLayerNorm.forward(x)));
      }
      const x = this.layerNorm.forward(add(input, this.attention.forward(input, keyPadding)));
      return this.finalLayerNorm.forward(add(x, this.feedForward.forward(x)));
    });
  }
}

export class Wav2Vec2Transformer extends Module {
  readonly posConvEmbed: ConvolutionalPositionalEmbedding;
  readonly layerNorm: LayerNorm;
  readonly layers: ModuleList<Wav2Vec2EncoderLayer>;

  /** encoder_layer_norm_first: the layers are pre-norm. */
  readonly layerNormFirst: boolean;

  constructor(o: Wav2Vec2ModelOptions, engine?: Engine) {
    super(engine);
    const E = o.encoderEmbedDim;
    this.layerNormFirst = o.encoderLayerNormFirst;
    this.posConvEmbed = this.registerModule('pos_conv_embed', new ConvolutionalPositionalEmbedding(E, o.encoderPosConvKernel, o.encoderPosConvGroups, engine));
    this.layerNorm = this.registerModule('layer_norm', new LayerNorm(E, {}, engine));
    this.registerModule('dropout', new Dropout(0));
    this.layers = this.registerModule('layers', new ModuleList(Array.from({ length: o.encoderNumLayers }, () => new Wav2Vec2EncoderLayer(E, o.encoderNumHeads, o.encoderFfIntermFeatures, o.encoderLayerNormFirst, engine))));
  }

  forward(input: Tensor, keyPadding: Tensor | null = null): Tensor {
    return this.engine.scope(() => {
      // torchaudio builds this Transformer with layer_norm_first = not encoder_layer_norm_first:
      // post-norm layers get the LayerNorm before them, pre-norm layers after them.
      let x = add(input, this.posConvEmbed.forward(input));
      if (!this.layerNormFirst) x = this.layerNorm.forward(x);
      for (const l of this.layers) x = l.forward(x, keyPadding);
      return this.layerNormFirst ? this.layerNorm.forward(x) : x;
    });
  }
}

export class Wav2Vec2Encoder extends Module {
  readonly featureProjection: FeatureProjection;
  readonly transformer: Wav2Vec2Transformer;

  constructor(inFeatures: number, o: Wav2Vec2ModelOptions, engine?: Engine) {
    super(engine);
    this.featureProjection = this.registerModule('feature_projection', new FeatureProjection(inFeatures, o.encoderEmbedDim, engine));
    this.transformer = this.registerModule('transformer', new Wav2Vec2Transformer(o, engine));
  }

  /** features [B, T, C], lengths (valid frames per batch row) or null -> [B, T, E]. */
  forward(features: Tensor, lengths: number[] | null = null): Tensor {
    return this.engine.scope(() => {
      let x = this.featureProjection.forward(features);
      let kp: Tensor | null = null;
      if (lengths) {
        const [B, T] = x.shape;
        const l = Tensor.from(Int32Array.from(lengths), [B], 'int32', this.engine);
        kp = lengthsToPaddingMask('wav2vec2.forward', l, B, T);
        // x[mask] = 0: multiply by the valid-frame indicator.
        const keep = Tensor.from(Float32Array.from(kp.toTypedArray() as Uint8Array, (m) => 1 - m), [B, T, 1], 'float32', this.engine);
        x = mul(x, keep);
      }
      return this.transformer.forward(x, kp);
    });
  }
}

export class Wav2Vec2Model extends Module {
  readonly featureExtractor: FeatureExtractor;
  readonly encoder: Wav2Vec2Encoder;
  readonly aux: Linear | null;

  constructor(options: Wav2Vec2ModelOptions, engine?: Engine) {
    super(engine);
    const op = 'wav2vec2_model';
    if (typeof options !== 'object' || options === null) throw new ArgumentError(`${op}: expected an options object (torchaudio's factory arguments in camelCase), got ${String(options)}`);
    const o = options;
    if (o.extractorMode !== 'group_norm' && o.extractorMode !== 'layer_norm') throw new ArgumentError(`${op}: extractorMode must be 'group_norm' or 'layer_norm', got ${JSON.stringify(o.extractorMode)}`);
    const conv = o.extractorConvLayerConfig ?? DEFAULT_CONV;
    if (!Array.isArray(conv) || conv.length === 0) throw new ArgumentError(`${op}: extractorConvLayerConfig must be a non-empty list of [out_channels, kernel, stride] or null, got ${JSON.stringify(conv)}`);
    conv.forEach((c, i) => {
      if (!Array.isArray(c) || c.length !== 3) throw new ArgumentError(`${op}: extractorConvLayerConfig[${i}] must be [out_channels, kernel, stride], got ${JSON.stringify(c)}`);
      c.forEach((v, j) => expectInt(op, `extractorConvLayerConfig[${i}][${j}]`, v, 1));
    });
    for (const k of ['encoderEmbedDim', 'encoderPosConvKernel', 'encoderPosConvGroups', 'encoderNumLayers', 'encoderNumHeads', 'encoderFfIntermFeatures'] as const) expectInt(op, k, o[k], 1);
    for (const k of ['extractorConvBias', 'encoderLayerNormFirst'] as const) {
      if (typeof o[k] !== 'boolean') throw new ArgumentError(`${op}: ${k} must be a boolean, got ${String(o[k])}`);
    }
    if (o.encoderEmbedDim % o.encoderNumHeads !== 0) throw new ArgumentError(`${op}: encoderEmbedDim (${o.encoderEmbedDim}) must be divisible by encoderNumHeads (${o.encoderNumHeads})`);
    if (o.encoderEmbedDim % o.encoderPosConvGroups !== 0) throw new ArgumentError(`${op}: encoderEmbedDim (${o.encoderEmbedDim}) must be divisible by encoderPosConvGroups (${o.encoderPosConvGroups})`);
    const aux = o.auxNumOut ?? null;
    if (aux !== null) expectInt(op, 'auxNumOut', aux, 1);
    this.featureExtractor = this.registerModule('feature_extractor', new FeatureExtractor(o.extractorMode, conv, o.extractorConvBias, engine));
    this.encoder = this.registerModule('encoder', new Wav2Vec2Encoder(conv[conv.length - 1][0], o, engine));
    this.aux = aux === null ? null : this.registerModule('aux', new Linear(o.encoderEmbedDim, aux, {}, engine));
  }

  /** Output frames of the feature extractor for an input of `len` samples. */
  outLength(len: number): number {
    let l = len;
    for (const b of this.featureExtractor.convLayers) l = b.outLength(l);
    return l;
  }

  /**
   * waveforms [B, time], lengths [B] (valid samples, optional) -> [x [B, frames, E or auxNumOut],
   * output lengths [B] int64 or null], as torchaudio's Wav2Vec2Model.forward.
   */
  forward(waveforms: Tensor, lengths: Tensor | null = null): [Tensor, Tensor | null] {
    this.checkLive();
    const op = 'Wav2Vec2Model.forward';
    expectTensor(op, 'waveforms', waveforms);
    if (waveforms.ndim !== 2) throw new ShapeError(`${op}: waveforms must be [batch, time], got ${fmtShape(waveforms.shape)}`);
    let outLens: number[] | null = null;
    if (lengths !== null && lengths !== undefined) {
      expectTensor(op, 'lengths', lengths, ['int64', 'int32', 'float32']);
      if (lengths.ndim !== 1 || lengths.shape[0] !== waveforms.shape[0]) throw new ShapeError(`${op}: lengths must be [${waveforms.shape[0]}], got ${fmtShape(lengths.shape)}`);
      outLens = Array.from(lengths.toTypedArray() as ArrayLike<number | bigint>, (v) => this.outLength(Number(v)));
    }
    const x = this.engine.scope(() => {
      const f = this.featureExtractor.forward(waveforms);
      const y = this.encoder.forward(f, outLens);
      return this.aux ? this.aux.forward(y) : y;
    });
    const lo = outLens ? Tensor.from(BigInt64Array.from(outLens, BigInt), [outLens.length], 'int64', this.engine) : null;
    return [x, lo];
  }
}

/** torchaudio.models.wav2vec2_model(...) with camelCase arguments. */
export function wav2vec2_model(options: Wav2Vec2ModelOptions, engine?: Engine): Wav2Vec2Model {
  return new Wav2Vec2Model(options, engine);
}

/** torchaudio.models.wav2vec2_base(aux_num_out=None): group_norm extractor, 768 wide, 12 layers, 12 heads, FF 3072, pos conv 128/16. */
export function wav2vec2_base(options: { auxNumOut?: number | null } = {}, engine?: Engine): Wav2Vec2Model {
  return new Wav2Vec2Model({
    extractorMode: 'group_norm', extractorConvLayerConfig: null, extractorConvBias: false, encoderEmbedDim: 768,
    encoderPosConvKernel: 128, encoderPosConvGroups: 16, encoderNumLayers: 12, encoderNumHeads: 12,
    encoderFfIntermFeatures: 3072, encoderLayerNormFirst: false, auxNumOut: options.auxNumOut ?? null,
  }, engine);
}
