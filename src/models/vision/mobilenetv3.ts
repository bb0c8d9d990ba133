/**
 * torchvision.models.MobileNetV3, mobilenet_v3_large and mobilenet_v3_small, as
 * `models.mobilenet_v3_small({ numClasses, widthMult, reducedTail, dilated, dropout })`, loading
 * torchvision's state_dict unchanged (features.0.{0,1}, features.N.block.M.{0,1} or
 * .{fc1,fc2} (squeeze-excitation), features.last.{0,1}, classifier.{0,3}).
 *
 *   x -> Conv2dNormActivation(3, 16, stride 2, Hardswish) -> InvertedResidual blocks -> 1x1
 *   Conv2dNormActivation(-> 6*c, Hardswish) -> global average pool -> Linear -> Hardswish ->
 *   Dropout -> Linear. BatchNorm2d eps 0.001 (momentum 0.01), as torchvision.
 *   InvertedResidual(cnf): [1x1 expand, act] -> kxk depthwise (stride or dilation), act ->
 *   [SqueezeExcitation(ReLU, Hardsigmoid)] -> 1x1 project + BatchNorm2d; + x when stride 1 and
 *   in == out. act = ReLU ("RE") or Hardswish ("HS").
 *
 * Fused at inference: conv+BatchNorm(+ReLU) is one convolution (BatchNorm folded, ReLU in the
 * epilogue); Hardswish runs as its own pass after the folded convolution; the squeeze-excitation
 * fc1+ReLU and fc2+Hardsigmoid are each one 1x1 convolution (Hardsigmoid folded as x/6 + 1/2 and
 * the epilogue clamp [0, 1]).
 */
import { Module } from '../../nn/module.js';
import { Linear } from '../../nn/linear.js';
import { ReLU, Hardswish, Hardsigmoid } from '../../nn/activation.js';
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
import { Conv2dNormActivation, SqueezeExcitation, expectImage, makeDivisible, optionsOf, type NormLayer } from './common.js';

/** torchvision.models.mobilenetv3.InvertedResidualConfig (channels already scaled by widthMult). */
export class InvertedResidualConfig {
  readonly inputChannels: number;
  readonly expandedChannels: number;
  readonly outChannels: number;
  readonly useHs: boolean;

  constructor(inputChannels: number, readonly kernel: number, expandedChannels: number, outChannels: number, readonly useSe: boolean,
    activation: 'RE' | 'HS', readonly stride: number, readonly dilation: number, widthMult: number) {
    this.inputChannels = InvertedResidualConfig.adjustChannels(inputChannels, widthMult);
    this.expandedChannels = InvertedResidualConfig.adjustChannels(expandedChannels, widthMult);
    this.outChannels = InvertedResidualConfig.adjustChannels(outChannels, widthMult);
    this.useHs = activation === 'HS';
  }

  static adjustChannels(channels: number, widthMult: number): number {
    return makeDivisible(channels * widthMult, 8);
  }
}

/** torchvision.models.mobilenetv3.InvertedResidual(cnf, norm_layer). */
export class MobileNetV3InvertedResidual extends Module {
  readonly useResConnect: boolean;
  readonly block: FoldedSequential;
  readonly outChannels: number;

  constructor(cnf: InvertedResidualConfig, normLayer: NormLayer, engine?: Engine) {
    super(engine);
    if (!(cnf.stride >= 1 && cnf.stride <= 2)) throw new ArgumentError(`InvertedResidual: illegal stride value ${cnf.stride}`);
    this.useResConnect = cnf.stride === 1 && cnf.inputChannels === cnf.outChannels;
    const act = cnf.useHs ? () => new Hardswish() : () => new ReLU();
    const layers: Module[] = [];
    if (cnf.expandedChannels !== cnf.inputChannels) {
      layers.push(new Conv2dNormActivation(cnf.inputChannels, cnf.expandedChannels, { kernelSize: 1, normLayer, activationLayer: act }, engine));
    }
    layers.push(new Conv2dNormActivation(cnf.expandedChannels, cnf.expandedChannels, {
      kernelSize: cnf.kernel, stride: cnf.dilation > 1 ? 1 : cnf.stride, dilation: cnf.dilation, groups: cnf.expandedChannels, normLayer, activationLayer: act,
    }, engine));
    if (cnf.useSe) {
      const squeeze = makeDivisible(Math.floor(cnf.expandedChannels / 4), 8);
      layers.push(new SqueezeExcitation(cnf.expandedChannels, squeeze, { scaleActivation: () => new Hardsigmoid() }, engine));
    }
    layers.push(new Conv2dNormActivation(cnf.expandedChannels, cnf.outChannels, { kernelSize: 1, normLayer, activationLayer: null }, engine));
    this.block = this.registerModule('block', new FoldedSequential(...layers));
    this.outChannels = cnf.outChannels;
  }

  forward(x: Tensor): Tensor {
    this.checkLive();
    if (!this.useResConnect) return this.block.forward(x);
    return x.engine.scope(() => add(this.block.forward(x), x));
  }
}

export interface MobileNetV3Options {
  invertedResidualSetting: readonly InvertedResidualConfig[];
  lastChannel: number;
  numClasses?: number;
  normLayer?: NormLayer | null;
  /** Ignored (inference). */
  dropout?: number;
}

/** BatchNorm2d(eps=0.001, momentum=0.01): MobileNetV3's norm layer. */
const bnV3: NormLayer = (c, engine) => new BatchNorm2d(c, { eps: 0.001, momentum: 0.01 }, engine);

/** torchvision.models.MobileNetV3(inverted_residual_setting, last_channel, num_classes, ...). */
export class MobileNetV3 extends Module {
  readonly features: FoldedSequential;
  readonly classifier: Sequential;
  private readonly fc1: Linear;
  private readonly fc2: Linear;

  constructor(options: MobileNetV3Options, engine?: Engine) {
    super(engine);
    const op = 'MobileNetV3';
    const o = optionsOf(op, options);
    const setting = o.invertedResidualSetting;
    if (!Array.isArray(setting) || setting.length === 0 || !setting.every((s) => s instanceof InvertedResidualConfig)) {
      throw new ArgumentError(`${op}: invertedResidualSetting should be a non-empty list of InvertedResidualConfig`);
    }
    const lastChannel = expectInt(op, 'lastChannel', o.lastChannel, 1);
    const numClasses = expectInt(op, 'numClasses', o.numClasses ?? 1000, 1);
    const normLayer = o.normLayer ?? bnV3;
    const hs = () => new Hardswish();
    const layers: Module[] = [new Conv2dNormActivation(3, setting[0].inputChannels, { kernelSize: 3, stride: 2, normLayer, activationLayer: hs }, engine)];
    for (const cnf of setting) layers.push(new MobileNetV3InvertedResidual(cnf, normLayer, engine));
    const lastIn = setting[setting.length - 1].outChannels;
    layers.push(new Conv2dNormActivation(lastIn, 6 * lastIn, { kernelSize: 1, normLayer, activationLayer: hs }, engine));
    this.features = this.registerModule('features', new FoldedSequential(...layers));
    this.registerModule('avgpool', new AdaptiveAvgPool2d(1));
    this.fc1 = new Linear(6 * lastIn, lastChannel, {}, engine);
    this.fc2 = new Linear(lastChannel, numClasses, {}, engine);
    this.classifier = this.registerModule('classifier', new Sequential(this.fc1, new Hardswish(), new Dropout(o.dropout ?? 0.2), this.fc2));
  }

  /** x [N, 3, H, W] -> logits [N, numClasses]. */
  forward(x: Tensor): Tensor {
    this.checkLive();
    expectImage('MobileNetV3.forward', x);
    return this.engine.scope(() => {
      const p = globalPool('MobileNetV3', 'avg', this.features.forward(x));
      return this.classifier.forward(p.reshape([p.shape[0], p.shape[1]]));
    });
  }
}

export interface MobileNetV3FactoryOptions {
  numClasses?: number;
  widthMult?: number;
  /** Halves the channels of the last stage (torchvision's reduced_tail). */
  reducedTail?: boolean;
  /** Dilation 2 instead of stride 2 in the last stage. */
  dilated?: boolean;
  dropout?: number;
  normLayer?: NormLayer | null;
}

type Row = [number, number, number, number, boolean, 'RE' | 'HS', number, number];

/** torchvision's _mobilenet_v3_conf(arch, width_mult, reduced_tail, dilated): the block configs and last_channel. */
export function mobilenetV3Conf(arch: 'mobilenet_v3_large' | 'mobilenet_v3_small', widthMult = 1.0, reducedTail = false, dilated = false): { setting: InvertedResidualConfig[]; lastChannel: number } {
  const r = reducedTail ? 2 : 1;
  const d = dilated ? 2 : 1;
  const rows: Row[] = arch === 'mobilenet_v3_large'
    ? [
      [16, 3, 16, 16, false, 'RE', 1, 1], [16, 3, 64, 24, false, 'RE', 2, 1], [24, 3, 72, 24, false, 'RE', 1, 1],
      [24, 5, 72, 40, true, 'RE', 2, 1], [40, 5, 120, 40, true, 'RE', 1, 1], [40, 5, 120, 40, true, 'RE', 1, 1],
      [40, 3, 240, 80, false, 'HS', 2, 1], [80, 3, 200, 80, false, 'HS', 1, 1], [80, 3, 184, 80, false, 'HS', 1, 1],
      [80, 3, 184, 80, false, 'HS', 1, 1], [80, 3, 480, 112, true, 'HS', 1, 1], [112, 3, 672, 112, true, 'HS', 1, 1],
      [112, 5, 672, 160 / r, true, 'HS', 2, d], [160 / r, 5, 960 / r, 160 / r, true, 'HS', 1, d], [160 / r, 5, 960 / r, 160 / r, true, 'HS', 1, d],
    ]
    : [
      [16, 3, 16, 16, true, 'RE', 2, 1], [16, 3, 72, 24, false, 'RE', 2, 1], [24, 3, 88, 24, false, 'RE', 1, 1],
      [24, 5, 96, 40, true, 'HS', 2, 1], [40, 5, 240, 40, true, 'HS', 1, 1], [40, 5, 240, 40, true, 'HS', 1, 1],
      [40, 5, 120, 48, true, 'HS', 1, 1], [48, 5, 144, 48, true, 'HS', 1, 1], [48, 5, 288, 96 / r, true, 'HS', 2, d],
      [96 / r, 5, 576 / r, 96 / r, true, 'HS', 1, d], [96 / r, 5, 576 / r, 96 / r, true, 'HS', 1, d],
    ];
  const setting = rows.map(([i, k, e, o, se, a, s, dl]) => new InvertedResidualConfig(i, k, e, o, se, a, s, dl, widthMult));
  const lastChannel = InvertedResidualConfig.adjustChannels((arch === 'mobilenet_v3_large' ? 1280 : 1024) / r, widthMult);
  return { setting, lastChannel };
}

function mobilenetV3(arch: 'mobilenet_v3_large' | 'mobilenet_v3_small', options: MobileNetV3FactoryOptions | undefined, engine?: Engine): MobileNetV3 {
  const o = optionsOf(arch, options);
  const widthMult = expectNumber(arch, 'widthMult', o.widthMult ?? 1.0);
  if (!(widthMult > 0)) throw new ArgumentError(`${arch}: widthMult must be > 0, got ${widthMult}`);
  const { setting, lastChannel } = mobilenetV3Conf(arch, widthMult, o.reducedTail ?? false, o.dilated ?? false);
  return new MobileNetV3({ invertedResidualSetting: setting, lastChannel, numClasses: o.numClasses, dropout: o.dropout, normLayer: o.normLayer }, engine);
}

/** torchvision.models.mobilenet_v3_large(**kwargs). */
export const mobilenet_v3_large = (options?: MobileNetV3FactoryOptions, engine?: Engine): MobileNetV3 => mobilenetV3('mobilenet_v3_large', options, engine);
/** torchvision.models.mobilenet_v3_small(**kwargs). */
export const mobilenet_v3_small = (options?: MobileNetV3FactoryOptions, engine?: Engine): MobileNetV3 => mobilenetV3('mobilenet_v3_small', options, engine);
