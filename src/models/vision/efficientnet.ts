/**
 * torchvision.models.EfficientNet and efficientnet_b0 ... efficientnet_b7, as
 * `models.efficientnet_b0({ numClasses, stochasticDepthProb })`, loading torchvision's state_dict
 * unchanged (features.0.{0,1}, features.S.B.block.{0,1,2,3}.* with the squeeze-excitation's
 * fc1/fc2, features.8.{0,1}, classifier.1).
 *
 *   x -> Conv2dNormActivation(3, 32w, stride 2, SiLU) -> 7 stages of MBConv -> 1x1
 *   Conv2dNormActivation(-> 4 * c, SiLU) -> global average pool -> Dropout -> Linear
 *   MBConv(e, k, s): [1x1 expand, SiLU] -> kxk depthwise (stride s), SiLU -> SqueezeExcitation(
 *   squeeze max(1, in/4), SiLU, Sigmoid) -> 1x1 project + BatchNorm2d; + x (after stochastic depth,
 *   the identity at inference) when stride 1 and in == out. Channels scale by width_mult (rounded
 *   to multiples of 8), block counts by ceil(n * depth_mult), as torchvision.
 *
 * Fused at inference: each conv+BatchNorm is one convolution (BatchNorm folded into the weights);
 * SiLU and Sigmoid run as elementwise passes (no epilogue form); the residual add is one pass.
 */
import { Module } from '../../nn/module.js';
import { Linear } from '../../nn/linear.js';
import { SiLU } from '../../nn/activation.js';
import { AdaptiveAvgPool2d } from '../../nn/pooling.js';
import { Dropout } from '../../nn/identity.js';
import { Sequential } from '../../nn/container.js';
import { BatchNorm2d } from '../../nn/batchnorm.js';
import { FoldedSequential } from '../../nn/fusion.js';
import type { Tensor } from '../../tensor.js';
import type { Engine } from '../../runtime/engine.js';
import { ArgumentError } from '../../runtime/errors.js';
import { expectInt, expectNumber } from '../../ops/check.js';
import { add } from '../../ops/binary.js';
import { globalPool } from '../../ops/pool.js';
import { Conv2dNormActivation, SqueezeExcitation, StochasticDepth, batchNorm2d, expectImage, makeDivisible, optionsOf, type NormLayer } from './common.js';

/** torchvision.models.efficientnet.MBConvConfig(expand_ratio, kernel, stride, input_channels, out_channels, num_layers, width_mult, depth_mult). */
export class MBConvConfig {
  readonly inputChannels: number;
  readonly outChannels: number;
  readonly numLayers: number;

  constructor(readonly expandRatio: number, readonly kernel: number, readonly stride: number, inputChannels: number, outChannels: number,
    numLayers: number, widthMult = 1.0, depthMult = 1.0) {
    this.inputChannels = MBConvConfig.adjustChannels(inputChannels, widthMult);
    this.outChannels = MBConvConfig.adjustChannels(outChannels, widthMult);
    this.numLayers = Math.ceil(numLayers * depthMult);
  }

  static adjustChannels(channels: number, widthMult: number, minValue: number | null = null): number {
    return makeDivisible(channels * widthMult, 8, minValue);
  }
}

/** torchvision.models.efficientnet.MBConv(cnf, stochastic_depth_prob, norm_layer). */
export class MBConv extends Module {
  readonly useResConnect: boolean;
  readonly block: FoldedSequential;
  readonly outChannels: number;

  constructor(inputChannels: number, cnf: MBConvConfig, stride: number, stochasticDepthProb: number, normLayer: NormLayer, engine?: Engine) {
    super(engine);
    if (!(stride >= 1 && stride <= 2)) throw new ArgumentError(`MBConv: illegal stride value ${stride}`);
    this.useResConnect = stride === 1 && inputChannels === cnf.outChannels;
    const silu = () => new SiLU();
    const expanded = MBConvConfig.adjustChannels(inputChannels, cnf.expandRatio);
    const layers: Module[] = [];
    if (expanded !== inputChannels) layers.push(new Conv2dNormActivation(inputChannels, expanded, { kernelSize: 1, normLayer, activationLayer: silu }, engine));
    layers.push(
      new Conv2dNormActivation(expanded, expanded, { kernelSize: cnf.kernel, stride, groups: expanded, normLayer, activationLayer: silu }, engine),
      new SqueezeExcitation(expanded, Math.max(1, Math.floor(inputChannels / 4)), { activation: silu }, engine),
      new Conv2dNormActivation(expanded, cnf.outChannels, { kernelSize: 1, normLayer, activationLayer: null }, engine),
    );
    this.block = this.registerModule('block', new FoldedSequential(...layers));
    this.registerModule('stochastic_depth', new StochasticDepth(stochasticDepthProb, 'row'));
    this.outChannels = cnf.outChannels;
  }

  forward(x: Tensor): Tensor {
    this.checkLive();
    if (!this.useResConnect) return this.block.forward(x);
    return x.engine.scope(() => add(this.block.forward(x), x)); // stochastic depth: the identity at inference
  }
}

export interface EfficientNetOptions {
  /**
   * The stages: MBConvConfig objects, or rows [expandRatio, kernel, stride, inputChannels,
   * outChannels, numLayers] (= new MBConvConfig(...row), width and depth multipliers 1).
   */
  invertedResidualSetting: readonly (MBConvConfig | readonly number[])[];
  /** Ignored (inference); default 0.2. */
  dropout?: number;
  /** Recorded in the StochasticDepth modules (the identity at inference); default 0.2. */
  stochasticDepthProb?: number;
  numClasses?: number;
  normLayer?: NormLayer | null;
  lastChannel?: number | null;
}

/** torchvision.models.EfficientNet(inverted_residual_setting, dropout, stochastic_depth_prob=0.2, num_classes=1000, norm_layer, last_channel). */
export class EfficientNet extends Module {
  readonly features: FoldedSequential;
  readonly classifier: Sequential;

  constructor(options: EfficientNetOptions, engine?: Engine) {
    super(engine);
    const op = 'EfficientNet';
    const o = optionsOf(op, options);
    const rows = o.invertedResidualSetting;
    const isRow = (r: unknown) => Array.isArray(r) && r.length === 6 && r.every((v) => typeof v === 'number');
    if (!Array.isArray(rows) || rows.length === 0 || !rows.every((s) => s instanceof MBConvConfig || isRow(s))) {
      throw new ArgumentError(`${op}: invertedResidualSetting should be a non-empty list of MBConvConfig or [expandRatio, kernel, stride, inputChannels, outChannels, numLayers] rows, got ${JSON.stringify(rows)}`);
    }
    const setting = rows.map((r) => (r instanceof MBConvConfig ? r : new MBConvConfig(r[0], r[1], r[2], r[3], r[4], r[5])));
    const numClasses = expectInt(op, 'numClasses', o.numClasses ?? 1000, 1);
    const sdp = expectNumber(op, 'stochasticDepthProb', o.stochasticDepthProb ?? 0.2);
    const normLayer = o.normLayer ?? batchNorm2d;
    const layers: Module[] = [new Conv2dNormActivation(3, setting[0].inputChannels, { kernelSize: 3, stride: 2, normLayer, activationLayer: () => new SiLU() }, engine)];
    const total = setting.reduce((a, c) => a + c.numLayers, 0);
    let id = 0;
    for (const cnf of setting) {
      const stage: Module[] = [];
      for (let i = 0; i < cnf.numLayers; i++) {
        stage.push(new MBConv(i === 0 ? cnf.inputChannels : cnf.outChannels, cnf, i === 0 ? cnf.stride : 1, (sdp * id) / total, normLayer, engine));
        id++;
      }
      layers.push(new Sequential(...stage));
    }
    const lastIn = setting[setting.length - 1].outChannels;
    const lastOut = o.lastChannel ?? 4 * lastIn;
    layers.push(new Conv2dNormActivation(lastIn, lastOut, { kernelSize: 1, normLayer, activationLayer: () => new SiLU() }, engine));
    this.features = this.registerModule('features', new FoldedSequential(...layers));
    this.registerModule('avgpool', new AdaptiveAvgPool2d(1));
    this.classifier = this.registerModule('classifier', new Sequential(new Dropout(o.dropout ?? 0.2), new Linear(lastOut, numClasses, {}, engine)));
  }

  /** x [N, 3, H, W] -> logits [N, numClasses]. */
  forward(x: Tensor): Tensor {
    this.checkLive();
    expectImage('EfficientNet.forward', x);
    return this.engine.scope(() => {
      const p = globalPool('EfficientNet', 'avg', this.features.forward(x));
      return this.classifier.forward(p.reshape([p.shape[0], p.shape[1]]));
    });
  }
}

export interface EfficientNetFactoryOptions {
  numClasses?: number;
  stochasticDepthProb?: number;
  normLayer?: NormLayer | null;
}

/** torchvision's _efficientnet_conf("efficientnet_bN", width_mult, depth_mult). */
export function efficientnetConf(widthMult: number, depthMult: number): MBConvConfig[] {
  const rows = [[1, 3, 1, 32, 16, 1], [6, 3, 2, 16, 24, 2], [6, 5, 2, 24, 40, 2], [6, 3, 2, 40, 80, 3], [6, 5, 1, 80, 112, 3], [6, 5, 2, 112, 192, 4], [6, 3, 1, 192, 320, 1]];
  return rows.map(([e, k, s, i, o, n]) => new MBConvConfig(e, k, s, i, o, n, widthMult, depthMult));
}

const bnB5: NormLayer = (c, engine) => new BatchNorm2d(c, { eps: 0.001, momentum: 0.01 }, engine);

function efficientnet(name: string, widthMult: number, depthMult: number, dropout: number, norm: NormLayer | null, options: EfficientNetFactoryOptions | undefined, engine?: Engine): EfficientNet {
  const o = optionsOf(name, options);
  return new EfficientNet({ invertedResidualSetting: efficientnetConf(widthMult, depthMult), dropout, normLayer: o.normLayer ?? norm, numClasses: o.numClasses, stochasticDepthProb: o.stochasticDepthProb }, engine);
}

type Factory = (options?: EfficientNetFactoryOptions, engine?: Engine) => EfficientNet;
export const efficientnet_b0: Factory = (o, e) => efficientnet('efficientnet_b0', 1.0, 1.0, 0.2, null, o, e);
export const efficientnet_b1: Factory = (o, e) => efficientnet('efficientnet_b1', 1.0, 1.1, 0.2, null, o, e);
export const efficientnet_b2: Factory = (o, e) => efficientnet('efficientnet_b2', 1.1, 1.2, 0.3, null, o, e);
export const efficientnet_b3: Factory = (o, e) => efficientnet('efficientnet_b3', 1.2, 1.4, 0.3, null, o, e);
export const efficientnet_b4: Factory = (o, e) => efficientnet('efficientnet_b4', 1.4, 1.8, 0.4, null, o, e);
export const efficientnet_b5: Factory = (o, e) => efficientnet('efficientnet_b5', 1.6, 2.2, 0.4, bnB5, o, e);
export const efficientnet_b6: Factory = (o, e) => efficientnet('efficientnet_b6', 1.8, 2.6, 0.5, bnB5, o, e);
export const efficientnet_b7: Factory = (o, e) => efficientnet('efficientnet_b7', 2.0, 3.1, 0.5, bnB5, o, e);
