/**
 * torchaudio.models.Conformer(input_dim, num_heads, ffn_dim, num_layers,
 * depthwise_conv_kernel_size, dropout=0, use_group_norm=False, convolution_first=False) as
 * `models.Conformer({ inputDim, numHeads, ffnDim, numLayers, depthwiseConvKernelSize, useGroupNorm,
 * convolutionFirst })`, loading torchaudio's state_dict unchanged
 * (conformer_layers.N.{ffn1, self_attn_layer_norm, self_attn, conv_module, ffn2, final_layer_norm}.*).
 *
 * Per layer, on x [B, T, D]:
 *   x = x + 0.5 * FFN1(x)          FFN = LayerNorm -> Linear(D, ffn) -> SiLU -> Linear(ffn, D)
 *   (convolutionFirst: x = x + Conv(x))
 *   x = x + MHA(LN(x)) with the key padding mask from lengths (True = frame >= length)
 *   (else: x = x + Conv(x))      Conv = LayerNorm -> pointwise Conv1d(D, 2D) -> GLU(dim=1) ->
 *                                 depthwise Conv1d(k, 'same') -> BatchNorm1d | GroupNorm(1) -> SiLU
 *                                 -> pointwise Conv1d(D, D)
 *   x = LN_final(x + 0.5 * FFN2(x))
 * torchaudio runs the layers on [T, B, D]; here they run batch-first (the same arithmetic, no
 * transposes). As in torchaudio the convolution also sees padded frames. forward(input, lengths)
 * returns [output, lengths] like torchaudio.
 */
import { Module } from '../../nn/module.js';
import { Linear } from '../../nn/linear.js';
import { Conv1d } from '../../nn/conv.js';
import { LayerNorm, GroupNorm } from '../../nn/normalization.js';
import { BatchNorm1d } from '../../nn/batchnorm.js';
import { MultiheadAttention } from '../../nn/multihead-attention.js';
import { Sequential, ModuleList } from '../../nn/container.js';
import { GLU, SiLU } from '../../nn/activation.js';
import { Dropout } from '../../nn/identity.js';
import { Tensor } from '../../tensor.js';
import type { Engine } from '../../runtime/engine.js';
import { ArgumentError, ShapeError, fmtShape } from '../../runtime/errors.js';
import { expectInt, expectTensor } from '../../ops/check.js';
import { add, mul } from '../../ops/binary.js';

export interface ConformerOptions {
  inputDim: number;
  numHeads: number;
  ffnDim: number;
  numLayers: number;
  /** Odd kernel size of the depthwise convolution. */
  depthwiseConvKernelSize: number;
  /** Ignored (inference). */
  dropout?: number;
  /** GroupNorm(1, D) instead of BatchNorm1d in the convolution module (default false). */
  useGroupNorm?: boolean;
  /** Convolution module before the attention (default false). */
  convolutionFirst?: boolean;
}

/** torchaudio's _FeedForwardModule: sequential = LayerNorm, Linear, SiLU, Dropout, Linear, Dropout. */
export class ConformerFeedForward extends Module {
  readonly sequential: Sequential;

  constructor(inputDim: number, hiddenDim: number, engine?: Engine) {
    super(engine);
    this.sequential = this.registerModule('sequential', new Sequential(
      new LayerNorm(inputDim, {}, engine), new Linear(inputDim, hiddenDim, {}, engine), new SiLU(), new Dropout(0),
      new Linear(hiddenDim, inputDim, {}, engine), new Dropout(0),
    ));
  }

  forward(x: Tensor): Tensor {
    return this.sequential.forward(x);
  }
}

/** torchaudio's _ConvolutionModule on [B, T, D] (bias=True, as ConformerLayer builds it). */
export class ConformerConvolution extends Module {
  readonly layerNorm: LayerNorm;
  readonly sequential: Sequential;

  constructor(inputDim: number, numChannels: number, kernelSize: number, useGroupNorm: boolean, engine?: Engine) {
    super(engine);
    if ((kernelSize - 1) % 2 !== 0) throw new ArgumentError(`Conformer: depthwiseConvKernelSize must be odd to achieve 'SAME' padding, got ${kernelSize}`);
    this.layerNorm = this.registerModule('layer_norm', new LayerNorm(inputDim, {}, engine));
    this.sequential = this.registerModule('sequential', new Sequential(
      new Conv1d(inputDim, 2 * numChannels, 1, { bias: true }, engine),
      new GLU(1),
      new Conv1d(numChannels, numChannels, kernelSize, { padding: (kernelSize - 1) / 2, groups: numChannels, bias: true }, engine),
      useGroupNorm ? new GroupNorm(1, numChannels, {}, engine) : new BatchNorm1d(numChannels, {}, engine),
      new SiLU(),
      new Conv1d(numChannels, inputDim, 1, { bias: true }, engine),
      new Dropout(0),
    ));
  }

  /** x [B, T, D] -> [B, T, D]. */
  forward(x: Tensor): Tensor {
    return this.engine.scope(() => this.sequential.forward(this.layerNorm.forward(x).transpose(1, 2)).transpose(1, 2).contiguous());
  }
}

export class ConformerLayer extends Module {
  readonly ffn1: ConformerFeedForward;
  readonly selfAttnLayerNorm: LayerNorm;
  readonly selfAttn: MultiheadAttention;
  readonly convModule: ConformerConvolution;
  readonly ffn2: ConformerFeedForward;
  readonly finalLayerNorm: LayerNorm;

  constructor(inputDim: number, ffnDim: number, numHeads: number, kernelSize: number, readonly useGroupNorm: boolean, readonly convolutionFirst: boolean, engine?: Engine) {
    super(engine);
    this.ffn1 = this.registerModule('ffn1', new ConformerFeedForward(inputDim, ffnDim, engine));
    this.selfAttnLayerNorm = this.registerModule('self_attn_layer_norm', new LayerNorm(inputDim, {}, engine));
    this.selfAttn = this.registerModule('self_attn', new MultiheadAttention(inputDim, numHeads, { batchFirst: true }, engine));
    this.registerModule('self_attn_dropout', new Dropout(0));
    this.convModule = this.registerModule('conv_module', new ConformerConvolution(inputDim, inputDim, kernelSize, useGroupNorm, engine));
    this.ffn2 = this.registerModule('ffn2', new ConformerFeedForward(inputDim, ffnDim, engine));
    this.finalLayerNorm = this.registerModule('final_layer_norm', new LayerNorm(inputDim, {}, engine));
  }

  /** x [B, T, D], keyPaddingMask bool [B, T] (True = padded) or null. */
  forward(input: Tensor, keyPaddingMask: Tensor | null = null): Tensor {
    return this.engine.scope(() => {
      let x = add(mul(this.ffn1.forward(input), 0.5), input);
      if (this.convolutionFirst) x = add(x, this.convModule.forward(x));
      const h = this.selfAttnLayerNorm.forward(x);
      x = add(this.selfAttn.forward(h, h, h, { keyPaddingMask, needWeights: false })[0], x);
      if (!this.convolutionFirst) x = add(x, this.convModule.forward(x));
      x = add(mul(this.ffn2.forward(x), 0.5), x);
      return this.finalLayerNorm.forward(x);
    });
  }
}

/** Bool [B, T]: True where t >= lengths[b] (torchaudio's _lengths_to_padding_mask). */
export function lengthsToPaddingMask(op: string, lengths: Tensor, batch: number, maxLength: number): Tensor {
  expectTensor(op, 'lengths', lengths, ['int64', 'int32', 'float32']);
  if (lengths.ndim !== 1 || lengths.shape[0] !== batch) throw new ShapeError(`${op}: lengths must be [${batch}], got ${fmtShape(lengths.shape)}`);
  const len = Array.from(lengths.toTypedArray() as ArrayLike<number | bigint>, Number);
  const m = new Uint8Array(batch * maxLength);
  for (let b = 0; b < batch; b++) for (let t = 0; t < maxLength; t++) m[b * maxLength + t] = t >= len[b] ? 1 : 0;
  return Tensor.from(m, [batch, maxLength], 'bool', lengths.engine);
}

export class Conformer extends Module {
  readonly inputDim: number;
  readonly conformerLayers: ModuleList<ConformerLayer>;

  constructor(options: ConformerOptions, engine?: Engine) {
    super(engine);
    const op = 'Conformer';
    if (typeof options !== 'object' || options === null) throw new ArgumentError(`${op}: expected an options object { inputDim, numHeads, ffnDim, numLayers, depthwiseConvKernelSize }, got ${String(options)}`);
    this.inputDim = expectInt(op, 'inputDim', options.inputDim, 1);
    const numHeads = expectInt(op, 'numHeads', options.numHeads, 1);
    const ffnDim = expectInt(op, 'ffnDim', options.ffnDim, 1);
    const numLayers = expectInt(op, 'numLayers', options.numLayers, 1);
    const k = expectInt(op, 'depthwiseConvKernelSize', options.depthwiseConvKernelSize, 1);
    if ((k - 1) % 2 !== 0) throw new ArgumentError(`${op}: depthwiseConvKernelSize must be odd to achieve 'SAME' padding, got ${k}`);
    if (this.inputDim % numHeads !== 0) throw new ArgumentError(`${op}: inputDim (${this.inputDim}) must be divisible by numHeads (${numHeads})`);
    const layers = Array.from({ length: numLayers }, () => new ConformerLayer(this.inputDim, ffnDim, numHeads, k, options.useGroupNorm ?? false, options.convolutionFirst ?? false, engine));
    this.conformerLayers = this.registerModule('conformer_layers', new ModuleList(layers));
  }

  /** input [B, T, inputDim], lengths [B] (valid frames) -> [output [B, T, inputDim], lengths]. */
  forward(input: Tensor, lengths: Tensor): [Tensor, Tensor] {
    this.checkLive();
    const op = 'Conformer.forward';
    expectTensor(op, 'input', input);
    if (input.ndim !== 3 || input.shape[2] !== this.inputDim) throw new ShapeError(`${op}: input must be [batch, frames, ${this.inputDim}], got ${fmtShape(input.shape)}`);
    expectTensor(op, 'lengths', lengths, ['int64', 'int32', 'float32']);
    const [B] = input.shape;
    const maxLen = Math.max(0, ...Array.from(lengths.toTypedArray() as ArrayLike<number | bigint>, Number));
    if (maxLen !== input.shape[1]) throw new ShapeError(`${op}: the longest of lengths (${maxLen}) must equal the frames of input ${fmtShape(input.shape)}, as torchaudio builds the mask from max(lengths)`);
    const out = this.engine.scope(() => {
      const mask = lengthsToPaddingMask(op, lengths, B, input.shape[1]);
      let x = input;
      for (const layer of this.conformerLayers) x = layer.forward(x, mask);
      return x;
    });
    return [out, lengths];
  }
}
