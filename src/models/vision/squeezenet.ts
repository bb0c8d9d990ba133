/**
 * torchvision.models.SqueezeNet, squeezenet1_0 and squeezenet1_1, as
 * `models.squeezenet1_1({ numClasses, dropout })`, loading torchvision's state_dict unchanged
 * (features.N.{squeeze, expand1x1, expand3x3}.*, features.0.*, classifier.1.*).
 *
 *   Fire(in, s, e1, e3): y = relu(squeeze(x)); cat([relu(expand1x1(y)), relu(expand3x3(y))], 1)
 *   1_1: conv 3x3/2 (64) -> ReLU -> maxpool 3/2 ceil -> Fire x2 -> maxpool -> Fire x2 -> maxpool ->
 *        Fire x4;  1_0: conv 7x7/2 (96) -> ... (torchvision's layout)
 *   classifier: Dropout -> final 1x1 conv (num_classes) -> ReLU -> AdaptiveAvgPool2d(1) -> flatten
 *
 * Fused at inference: every convolution carries its ReLU in the epilogue.
 */
import { Module } from '../../nn/module.js';
import { Conv2d } from '../../nn/conv.js';
import { ReLU } from '../../nn/activation.js';
import { MaxPool2d, AdaptiveAvgPool2d } from '../../nn/pooling.js';
import { Dropout } from '../../nn/identity.js';
import { FoldedConv, FoldedSequential } from '../../nn/fusion.js';
import type { Tensor } from '../../tensor.js';
import type { Engine } from '../../runtime/engine.js';
import { ArgumentError } from '../../runtime/errors.js';
import { expectInt } from '../../ops/check.js';
import { cat } from '../../ops/cat.js';
import { expectImage, optionsOf } from './common.js';

/** torchvision.models.squeezenet.Fire(inplanes, squeeze_planes, expand1x1_planes, expand3x3_planes). */
export class Fire extends Module {
  private readonly sq: FoldedConv;
  private readonly e1: FoldedConv;
  private readonly e3: FoldedConv;

  constructor(readonly inplanes: number, squeezePlanes: number, expand1x1Planes: number, expand3x3Planes: number, engine?: Engine) {
    super(engine);
    const squeeze = this.registerModule('squeeze', new Conv2d(inplanes, squeezePlanes, 1, {}, engine));
    const a0 = this.registerModule('squeeze_activation', new ReLU());
    const e1 = this.registerModule('expand1x1', new Conv2d(squeezePlanes, expand1x1Planes, 1, {}, engine));
    const a1 = this.registerModule('expand1x1_activation', new ReLU());
    const e3 = this.registerModule('expand3x3', new Conv2d(squeezePlanes, expand3x3Planes, 3, { padding: 1 }, engine));
    const a3 = this.registerModule('expand3x3_activation', new ReLU());
    this.sq = new FoldedConv(squeeze, null, a0);
    this.e1 = new FoldedConv(e1, null, a1);
    this.e3 = new FoldedConv(e3, null, a3);
  }

  forward(x: Tensor): Tensor {
    this.checkLive();
    return x.engine.scope(() => {
      const y = this.sq.forward(x);
      return cat([this.e1.forward(y), this.e3.forward(y)], 1);
    });
  }

  protected onDispose(): void {
    for (const f of [this.sq, this.e1, this.e3]) f.dispose();
  }
}

export interface SqueezeNetOptions {
  /** '1_0' or '1_1' (default '1_0', as torchvision). */
  version?: '1_0' | '1_1';
  numClasses?: number;
  /** Ignored (inference). */
  dropout?: number;
}

/** torchvision.models.SqueezeNet(version='1_0', num_classes=1000, dropout=0.5). */
export class SqueezeNet extends Module {
  readonly numClasses: number;
  readonly features: FoldedSequential;
  readonly classifier: FoldedSequential;

  constructor(options: SqueezeNetOptions = {}, engine?: Engine) {
    super(engine);
    const op = 'SqueezeNet';
    const o = optionsOf(op, options);
    const version = o.version ?? '1_0';
    this.numClasses = expectInt(op, 'numClasses', o.numClasses ?? 1000, 1);
    const pool = () => new MaxPool2d(3, { stride: 2, ceilMode: true });
    const F = (i: number, s: number, e1: number, e3: number) => new Fire(i, s, e1, e3, engine);
    let layers: Module[];
    if (version === '1_0') {
      layers = [new Conv2d(3, 96, 7, { stride: 2 }, engine), new ReLU(), pool(), F(96, 16, 64, 64), F(128, 16, 64, 64), F(128, 32, 128, 128), pool(),
        F(256, 32, 128, 128), F(256, 48, 192, 192), F(384, 48, 192, 192), F(384, 64, 256, 256), pool(), F(512, 64, 256, 256)];
    } else if (version === '1_1') {
      layers = [new Conv2d(3, 64, 3, { stride: 2 }, engine), new ReLU(), pool(), F(64, 16, 64, 64), F(128, 16, 64, 64), pool(), F(128, 32, 128, 128),
        F(256, 32, 128, 128), pool(), F(256, 48, 192, 192), F(384, 48, 192, 192), F(384, 64, 256, 256), F(512, 64, 256, 256)];
    } else {
      throw new ArgumentError(`${op}: unsupported SqueezeNet version ${JSON.stringify(version)}: '1_0' or '1_1' expected`);
    }
    this.features = this.registerModule('features', new FoldedSequential(...layers));
    this.classifier = this.registerModule('classifier', new FoldedSequential(
      new Dropout(o.dropout ?? 0.5), new Conv2d(512, this.numClasses, 1, {}, engine), new ReLU(), new AdaptiveAvgPool2d([1, 1]),
    ));
  }

  /** x [N, 3, H, W] -> logits [N, numClasses]. */
  forward(x: Tensor): Tensor {
    this.checkLive();
    expectImage('SqueezeNet.forward', x);
    return this.engine.scope(() => {
      const y = this.classifier.forward(this.features.forward(x));
      return y.reshape([y.shape[0], y.shape[1]]);
    });
  }
}

/** torchvision.models.squeezenet1_0(**kwargs). */
export const squeezenet1_0 = (options: Omit<SqueezeNetOptions, 'version'> = {}, engine?: Engine): SqueezeNet => new SqueezeNet({ ...optionsOf('squeezenet1_0', options), version: '1_0' }, engine);
/** torchvision.models.squeezenet1_1(**kwargs). */
export const squeezenet1_1 = (options: Omit<SqueezeNetOptions, 'version'> = {}, engine?: Engine): SqueezeNet => new SqueezeNet({ ...optionsOf('squeezenet1_1', options), version: '1_1' }, engine);
