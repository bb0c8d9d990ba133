/**
 * torchvision.models.VisionTransformer and vit_b_16, as `models.VisionTransformer({ imageSize,
 * patchSize, numLayers, numHeads, hiddenDim, mlpDim, numClasses, representationSize })`, loading
 * torchvision's state_dict unchanged (conv_proj.*, class_token, encoder.pos_embedding,
 * encoder.layers.encoder_layer_N.{ln_1, self_attention, ln_2, mlp.0, mlp.3}.*, encoder.ln.*,
 * heads.{pre_logits, head}.*).
 *
 *   x [N, 3, S, S] -> conv_proj (patch x patch, stride patch) -> [N, (S/p)^2, D] -> prepend
 *   class_token -> + pos_embedding -> blocks: x = x + SA(ln_1(x)); x = x + MLP(ln_2(x)) with
 *   MLP = Linear(D, mlp) -> GELU (fused in the GEMM epilogue) -> Linear(mlp, D) -> ln -> token 0 ->
 *   heads. LayerNorm eps 1e-6 as torchvision. Attention runs on nn.MultiheadAttention
 *   (batch_first, the streaming attention kernel). Dropout inactive; conv_stem_configs not supported.
 */
import { Module } from '../nn/module.js';
import { Linear } from '../nn/linear.js';
import { Conv2d } from '../nn/conv.js';
import { LayerNorm } from '../nn/normalization.js';
import { MultiheadAttention } from '../nn/multihead-attention.js';
import { Sequential } from '../nn/container.js';
import { GELU, Tanh } from '../nn/activation.js';
import { Dropout } from '../nn/identity.js';
import { Tensor } from '../tensor.js';
import type { Engine } from '../runtime/engine.js';
import { ArgumentError, ShapeError, fmtShape } from '../runtime/errors.js';
import { expectInt, expectTensor } from '../ops/check.js';
import { add } from '../ops/binary.js';
import { cat } from '../ops/cat.js';

export interface VisionTransformerOptions {
  imageSize: number;
  patchSize: number;
  numLayers: number;
  numHeads: number;
  hiddenDim: number;
  mlpDim: number;
  /** Ignored (inference). */
  dropout?: number;
  /** Ignored (inference). */
  attentionDropout?: number;
  /** Default 1000. */
  numClasses?: number;
  /** When given, heads = pre_logits Linear -> Tanh -> head. */
  representationSize?: number | null;
}

/** torchvision's MLPBlock: children 0 (Linear), 1 (GELU), 2 (Dropout), 3 (Linear), 4 (Dropout). */
export class MLPBlock extends Module {
  readonly linear1: Linear;
  readonly linear2: Linear;

  constructor(inDim: number, mlpDim: number, engine?: Engine) {
    super(engine);
    this.linear1 = this.registerModule('0', new Linear(inDim, mlpDim, {}, engine));
    this.registerModule('1', new GELU());
    this.registerModule('2', new Dropout(0));
    this.linear2 = this.registerModule('3', new Linear(mlpDim, inDim, {}, engine));
    this.registerModule('4', new Dropout(0));
  }

  forward(x: Tensor): Tensor {
    return this.engine.scope(() => this.linear2.forward(this.linear1.forwardFused(x, 'gelu')));
  }
}

/** torchvision's EncoderBlock (pre-norm). */
export class EncoderBlock extends Module {
  readonly ln1: LayerNorm;
  readonly selfAttention: MultiheadAttention;
  readonly ln2: LayerNorm;
  readonly mlp: MLPBlock;

  constructor(numHeads: number, hiddenDim: number, mlpDim: number, engine?: Engine) {
    super(engine);
    this.ln1 = this.registerModule('ln_1', new LayerNorm(hiddenDim, { eps: 1e-6 }, engine));
    this.selfAttention = this.registerModule('self_attention', new MultiheadAttention(hiddenDim, numHeads, { batchFirst: true }, engine));
    this.registerModule('dropout', new Dropout(0));
    this.ln2 = this.registerModule('ln_2', new LayerNorm(hiddenDim, { eps: 1e-6 }, engine));
    this.mlp = this.registerModule('mlp', new MLPBlock(hiddenDim, mlpDim, engine));
  }

  /** input [N, S, D] -> [N, S, D]. */
  forward(input: Tensor): Tensor {
    return this.engine.scope(() => {
      const h = this.ln1.forward(input);
      const x = add(this.selfAttention.forward(h, h, h, { needWeights: false })[0], input);
      return add(x, this.mlp.forward(this.ln2.forward(x)));
    });
  }
}

/** torchvision's vision_transformer.Encoder: pos_embedding, layers (encoder_layer_N), ln. */
export class ViTEncoder extends Module {
  readonly posEmbedding: Tensor;
  readonly layers: Sequential;
  readonly ln: LayerNorm;

  constructor(seqLength: number, numLayers: number, numHeads: number, hiddenDim: number, mlpDim: number, engine?: Engine) {
    super(engine);
    this.posEmbedding = this.registerParameter('pos_embedding', Tensor.zeros([1, seqLength, hiddenDim], 'float32', this.engine));
    this.registerModule('dropout', new Dropout(0));
    const blocks: Record<string, Module> = {};
    for (let i = 0; i < numLayers; i++) blocks[`encoder_layer_${i}`] = new EncoderBlock(numHeads, hiddenDim, mlpDim, engine);
    this.layers = this.registerModule('layers', new Sequential(blocks));
    this.ln = this.registerModule('ln', new LayerNorm(hiddenDim, { eps: 1e-6 }, engine));
  }

  forward(input: Tensor): Tensor {
    return this.engine.scope(() => this.ln.forward(this.layers.forward(add(input, this.posEmbedding))));
  }
}

export class VisionTransformer extends Module {
  readonly imageSize: number;
  readonly patchSize: number;
  readonly hiddenDim: number;
  readonly mlpDim: number;
  readonly numClasses: number;
  readonly seqLength: number;
  readonly convProj: Conv2d;
  readonly classToken: Tensor;
  readonly encoder: ViTEncoder;
  readonly heads: Sequential;

  constructor(options: VisionTransformerOptions, engine?: Engine) {
    super(engine);
    const op = 'VisionTransformer';
    if (typeof options !== 'object' || options === null) throw new ArgumentError(`${op}: expected an options object { imageSize, patchSize, numLayers, numHeads, hiddenDim, mlpDim }, got ${String(options)}`);
    this.imageSize = expectInt(op, 'imageSize', options.imageSize, 1);
    this.patchSize = expectInt(op, 'patchSize', options.patchSize, 1);
    const numLayers = expectInt(op, 'numLayers', options.numLayers, 1);
    const numHeads = expectInt(op, 'numHeads', options.numHeads, 1);
    this.hiddenDim = expectInt(op, 'hiddenDim', options.hiddenDim, 1);
    this.mlpDim = expectInt(op, 'mlpDim', options.mlpDim, 1);
    this.numClasses = expectInt(op, 'numClasses', options.numClasses ?? 1000, 1);
    if (this.imageSize % this.patchSize !== 0) throw new ArgumentError(`${op}: imageSize (${this.imageSize}) must be divisible by patchSize (${this.patchSize})`);
    if (this.hiddenDim % numHeads !== 0) throw new ArgumentError(`${op}: hiddenDim (${this.hiddenDim}) must be divisible by numHeads (${numHeads})`);
    const rep = options.representationSize ?? null;
    if (rep !== null) expectInt(op, 'representationSize', rep, 1);
    const D = this.hiddenDim;
    this.convProj = this.registerModule('conv_proj', new Conv2d(3, D, this.patchSize, { stride: this.patchSize }, engine));
    this.seqLength = (this.imageSize / this.patchSize) ** 2 + 1;
    this.classToken = this.registerParameter('class_token', Tensor.zeros([1, 1, D], 'float32', this.engine));
    this.encoder = this.registerModule('encoder', new ViTEncoder(this.seqLength, numLayers, numHeads, D, this.mlpDim, engine));
    const heads: Record<string, Module> = rep === null
      ? { head: new Linear(D, this.numClasses, {}, engine) }
      : { pre_logits: new Linear(D, rep, {}, engine), act: new Tanh(), head: new Linear(rep, this.numClasses, {}, engine) };
    this.heads = this.registerModule('heads', new Sequential(heads));
  }

  /** x [N, 3, imageSize, imageSize] -> logits [N, numClasses]. */
  forward(x: Tensor): Tensor {
    this.checkLive();
    const op = 'VisionTransformer.forward';
    expectTensor(op, 'x', x);
    const S = this.imageSize;
    if (x.ndim !== 4 || x.shape[1] !== 3 || x.shape[2] !== S || x.shape[3] !== S) {
      throw new ShapeError(`${op}: x must be [batch, 3, ${S}, ${S}], got ${fmtShape(x.shape)}`);
    }
    return this.engine.scope(() => {
      const n = x.shape[0];
      const p = this.convProj.forward(x); // [N, D, nh, nw]
      const tokens = p.reshape([n, this.hiddenDim, this.seqLength - 1]).permute(0, 2, 1);
      const seq = cat([this.classToken.expand(n, -1, -1), tokens], 1);
      const y = this.encoder.forward(seq);
      return this.heads.forward(y.select(1, 0).contiguous());
    });
  }
}

/** torchvision.models.vit_b_16 (random weights; load torchvision's with loadStateDict): patch 16, 12 layers, 12 heads, 768 wide, MLP 3072. */
export function vit_b_16(options: { numClasses?: number; imageSize?: number; representationSize?: number | null } = {}, engine?: Engine): VisionTransformer {
  return new VisionTransformer({ imageSize: options.imageSize ?? 224, patchSize: 16, numLayers: 12, numHeads: 12, hiddenDim: 768, mlpDim: 3072, numClasses: options.numClasses, representationSize: options.representationSize }, engine);
}
