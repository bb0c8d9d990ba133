/**
 * torchvision.models.MobileNetV2 and mobilenet_v2, as `models.mobilenet_v2({ numClasses,
 * widthMult, invertedResidualSetting, roundNearest, dropout })`, loading torchvision's state_dict
 * unchanged (features.0.{0,1}, features.N.conv.{0.0, 0.1, 1.0, 1.1, 2, 3} (expand_ratio 1:
 * conv.{0.0, 0.1, 1, 2}), features.18.{0,1}, classifier.1).
 *
 *   x -> Conv2dNormActivation(3, 32*w, stride 2, ReLU6) -> InvertedResidual blocks -> 1x1
 *   Conv2dNormActivation(-> 1280*max(1,w), ReLU6) -> global average pool -> Dropout -> Linear
 *   InvertedResidual(t, c, s): [1x1 expand to t*inp, ReLU6] -> 3x3 depthwise (stride s), ReLU6 ->
 *   1x1 project, BatchNorm2d (no activation); + x when stride 1 and inp == oup.
 *
 * Fused at inference: every conv+BatchNorm(+ReLU6) is one convolution (BatchNorm folded, ReLU6 as
 * the epilogue clamp [0, 6]); the residual add is one elementwise pass.
 */
import { Module } from '../../nn/module.js';
import { Conv2d } from '../../nn/conv.js';
import { Linear } from '../../nn/linear.js';
import { ReLU6 } from '../../nn/activation.js';
import { Dropout } from '../../nn/identity.js';
import { Sequential } from '../../nn/container.js';
import { FoldedSequential } from '../../nn/fusion.js';
import type { Tensor } from '../../tensor.js';
import type { Engine } from '../../runtime/engine.js';
import { ArgumentError } from '../../runtime/errors.js';
import { expectInt, expectNumber } from '../../ops/check.js';
import { add } from '../../ops/binary.js';
import { globalPool } from '../../ops/pool.js';
import { Conv2dNormActivation, batchNorm2d, expectImage, makeDivisible, optionsOf, pyRound, type NormLayer } from './common.js';

/** torchvision.models.mobilenetv2.InvertedResidual(inp, oup, stride, expand_ratio). */
export class InvertedResidual extends Module {
  readonly useResConnect: boolean;
  readonly conv: FoldedSequential;
  readonly outChannels: number;

  constructor(inp: number, oup: number, stride: number, expandRatio: number, normLayer: NormLayer = batchNorm2d, engine?: Engine) {
    super(engine);
    if (stride !== 1 && stride !== 2) throw new ArgumentError(`InvertedResidual: stride should be 1 or 2, got ${stride}`);
    const hidden = pyRound(inp * expandRatio);
    this.useResConnect = stride === 1 && inp === oup;
    const relu6 = () => new ReLU6();
    const layers: Module[] = [];
    if (expandRatio !== 1) layers.push(new Conv2dNormActivation(inp, hidden, { kernelSize: 1, normLayer, activationLayer: relu6 }, engine));
    layers.push(
      new Conv2dNormActivation(hidden, hidden, { stride, groups: hidden, normLayer, activationLayer: relu6 }, engine),
      new Conv2d(hidden, oup, 1, { bias: false }, engine),
      normLayer(oup, engine),
    );
    this.conv = this.registerModule('conv', new FoldedSequential(...layers));
    this.outChannels = oup;
  }

  forward(x: Tensor): Tensor {
    this.checkLive();
    if (!this.useResConnect) return this.conv.forward(x);
    return x.engine.scope(() => add(x, this.conv.forward(x)));
  }
}

export interface MobileNetV2Options {
  numClasses?: number;
  widthMult?: number;
  /** Rows [t, c, n, s] (default torchvision's 7 stages). */
  invertedResidualSetting?: readonly (readonly number[])[] | null;
  roundNearest?: number;
  /** Ignored (inference). */
  dropout?: number;
  normLayer?: NormLayer | null;
}

const DEFAULT_SETTING = [[1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1]];

/** torchvision.models.MobileNetV2. */
export class MobileNetV2 extends Module {
  readonly lastChannel: number;
  readonly features: FoldedSequential;
  readonly classifier: Sequential;

  constructor(options: MobileNetV2Options = {}, engine?: Engine) {
    super(engine);
    const op = 'MobileNetV2';
    const o = optionsOf(op, options);
    const numClasses = expectInt(op, 'numClasses', o.numClasses ?? 1000, 1);
    const widthMult = expectNumber(op, 'widthMult', o.widthMult ?? 1.0);
    if (!(widthMult > 0)) throw new ArgumentError(`${op}: widthMult must be > 0, got ${widthMult}`);
    const roundNearest = expectInt(op, 'roundNearest', o.roundNearest ?? 8, 1);
    const setting = o.invertedResidualSetting ?? DEFAULT_SETTING;
    if (!Array.isArray(setting) || setting.length === 0 || setting.some((r) => !Array.isArray(r) || r.length !== 4)) {
      throw new ArgumentError(`${op}: invertedResidualSetting should be a non-empty list of 4-element lists, got ${JSON.stringify(setting)}`);
    }
    const normLayer = o.normLayer ?? batchNorm2d;
    let input = makeDivisible(32 * widthMult, roundNearest);
    this.lastChannel = makeDivisible(1280 * Math.max(1.0, widthMult), roundNearest);
    const relu6 = () => new ReLU6();
    const features: Module[] = [new Conv2dNormActivation(3, input, { stride: 2, normLayer, activationLayer: relu6 }, engine)];
    for (const [t, c, n, s] of setting) {
      const output = makeDivisible(c * widthMult, roundNearest);
      for (let i = 0; i < n; i++) {
        features.push(new InvertedResidual(input, output, i === 0 ? s : 1, t, normLayer, engine));
        input = output;
      }
    }
    features.push(new Conv2dNormActivation(input, this.lastChannel, { kernelSize: 1, normLayer, activationLayer: relu6 }, engine));
    this.features = this.registerModule('features', new FoldedSequential(...features));
    this.classifier = this.registerModule('classifier', new Sequential(new Dropout(o.dropout ?? 0.2), new Linear(this.lastChannel, numClasses, {}, engine)));
  }

  /** x [N, 3, H, W] -> logits [N, numClasses]. */
  forward(x: Tensor): Tensor {
    this.checkLive();
    expectImage('MobileNetV2.forward', x);
    return this.engine.scope(() => {
      const p = globalPool('MobileNetV2', 'avg', this.features.forward(x));
      return this.classifier.forward(p.reshape([p.shape[0], p.shape[1]]));
    });
  }
}

/** torchvision.models.mobilenet_v2(**kwargs) (random weights; load torchvision's with loadStateDict). */
export function mobilenet_v2(options: MobileNetV2Options = {}, engine?: Engine): MobileNetV2 {
  return new MobileNetV2(options, engine);
}
