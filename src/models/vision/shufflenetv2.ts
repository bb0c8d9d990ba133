/**
 * torchvision.models.ShuffleNetV2 and shufflenet_v2_x0_5 / x1_0 / x1_5 / x2_0, as
 * `models.shufflenet_v2_x0_5({ numClasses })`, loading torchvision's state_dict unchanged
 * (conv1.{0,1}, stageN.M.branch1.{0,1,2,3}, stageN.M.branch2.{0,1,3,4,5,6}, conv5.{0,1}, fc).
 *
 *   x -> conv 3x3/2 + BN + ReLU -> maxpool 3/2 p1 -> stage2..4 -> conv5 1x1 + BN + ReLU -> mean
 *   over H, W -> fc
 *   InvertedResidual, stride 1: x1, x2 = chunk(x, 2, dim=1); out = cat(x1, branch2(x2))
 *                     stride 2: out = cat(branch1(x), branch2(x))
 *   then channel_shuffle(out, 2). branch1 = dw3x3/s + BN, 1x1 + BN + ReLU; branch2 = 1x1 + BN + ReLU,
 *   dw3x3/s + BN, 1x1 + BN + ReLU.
 *
 * Fused at inference: every conv+BN(+ReLU) is one convolution (BatchNorm folded, ReLU in the
 * epilogue); the chunk is a view (made contiguous for branch2), cat and channel_shuffle are copies.
 */
import { Module } from '../../nn/module.js';
import { Conv2d } from '../../nn/conv.js';
import { Linear } from '../../nn/linear.js';
import { ReLU } from '../../nn/activation.js';
import { MaxPool2d } from '../../nn/pooling.js';
import { BatchNorm2d } from '../../nn/batchnorm.js';
import { Sequential } from '../../nn/container.js';
import { FoldedSequential } from '../../nn/fusion.js';
import type { Tensor } from '../../tensor.js';
import type { Engine } from '../../runtime/engine.js';
import { ArgumentError } from '../../runtime/errors.js';
import { expectInt } from '../../ops/check.js';
import { cat } from '../../ops/cat.js';
import { channelShuffle } from '../../ops/pixel-shuffle.js';
import { globalPool } from '../../ops/pool.js';
import { expectImage, optionsOf } from './common.js';

const dw = (i: number, o: number, k: number, stride: number, padding: number, engine?: Engine) => new Conv2d(i, o, k, { stride, padding, bias: false, groups: i }, engine);
const pw = (i: number, o: number, engine?: Engine) => new Conv2d(i, o, 1, { bias: false }, engine);
const bn = (c: number, engine?: Engine) => new BatchNorm2d(c, {}, engine);

/** torchvision.models.shufflenetv2.InvertedResidual(inp, oup, stride). */
export class ShuffleNetInvertedResidual extends Module {
  readonly branch1: FoldedSequential;
  readonly branch2: FoldedSequential;

  constructor(inp: number, oup: number, readonly stride: number, engine?: Engine) {
    super(engine);
    if (!(stride >= 1 && stride <= 3)) throw new ArgumentError(`InvertedResidual: illegal stride value ${stride}`);
    const bf = Math.floor(oup / 2);
    if (stride === 1 && inp !== bf * 2) throw new ArgumentError(`InvertedResidual: invalid combination of stride ${stride}, inp ${inp} and oup ${oup}: with stride 1, inp must equal oup // 2 << 1`);
    this.branch1 = this.registerModule('branch1', stride > 1
      ? new FoldedSequential(dw(inp, inp, 3, stride, 1, engine), bn(inp, engine), pw(inp, bf, engine), bn(bf, engine), new ReLU())
      : new FoldedSequential());
    this.branch2 = this.registerModule('branch2', new FoldedSequential(
      pw(stride > 1 ? inp : bf, bf, engine), bn(bf, engine), new ReLU(), dw(bf, bf, 3, stride, 1, engine), bn(bf, engine), pw(bf, bf, engine), bn(bf, engine), new ReLU(),
    ));
  }

  forward(x: Tensor): Tensor {
    this.checkLive();
    return x.engine.scope(() => {
      let out: Tensor;
      if (this.stride === 1) {
        const [x1, x2] = x.chunk(2, 1);
        out = cat([x1, this.branch2.forward(x2.contiguous())], 1);
      } else {
        out = cat([this.branch1.forward(x), this.branch2.forward(x)], 1);
      }
      return channelShuffle(out, 2);
    });
  }
}

export interface ShuffleNetV2Options {
  /** Blocks of stages 2, 3, 4. */
  stagesRepeats: readonly number[];
  /** Channels of conv1, stage2, stage3, stage4, conv5. */
  stagesOutChannels: readonly number[];
  numClasses?: number;
}

/** torchvision.models.ShuffleNetV2(stages_repeats, stages_out_channels, num_classes=1000). */
export class ShuffleNetV2 extends Module {
  readonly conv1: FoldedSequential;
  readonly maxpool: MaxPool2d;
  readonly stage2: Sequential;
  readonly stage3: Sequential;
  readonly stage4: Sequential;
  readonly conv5: FoldedSequential;
  readonly fc: Linear;

  constructor(options: ShuffleNetV2Options, engine?: Engine) {
    super(engine);
    const op = 'ShuffleNetV2';
    const o = optionsOf(op, options);
    if (!Array.isArray(o.stagesRepeats) || o.stagesRepeats.length !== 3) throw new ArgumentError(`${op}: expected stagesRepeats as a list of 3 positive ints, got ${JSON.stringify(o.stagesRepeats)}`);
    if (!Array.isArray(o.stagesOutChannels) || o.stagesOutChannels.length !== 5) throw new ArgumentError(`${op}: expected stagesOutChannels as a list of 5 positive ints, got ${JSON.stringify(o.stagesOutChannels)}`);
    o.stagesRepeats.forEach((n, i) => expectInt(op, `stagesRepeats[${i}]`, n, 1));
    o.stagesOutChannels.forEach((n, i) => expectInt(op, `stagesOutChannels[${i}]`, n, 1));
    const numClasses = expectInt(op, 'numClasses', o.numClasses ?? 1000, 1);
    const ch = o.stagesOutChannels;
    this.conv1 = this.registerModule('conv1', new FoldedSequential(new Conv2d(3, ch[0], 3, { stride: 2, padding: 1, bias: false }, engine), bn(ch[0], engine), new ReLU()));
    this.maxpool = this.registerModule('maxpool', new MaxPool2d(3, { stride: 2, padding: 1 }));
    let input = ch[0];
    const stages: Sequential[] = [];
    for (let s = 0; s < 3; s++) {
      const out = ch[s + 1];
      const seq = [new ShuffleNetInvertedResidual(input, out, 2, engine)];
      for (let i = 1; i < o.stagesRepeats[s]; i++) seq.push(new ShuffleNetInvertedResidual(out, out, 1, engine));
      stages.push(this.registerModule(`stage${s + 2}`, new Sequential(...seq)));
      input = out;
    }
    [this.stage2, this.stage3, this.stage4] = stages;
    this.conv5 = this.registerModule('conv5', new FoldedSequential(pw(input, ch[4], engine), bn(ch[4], engine), new ReLU()));
    this.fc = this.registerModule('fc', new Linear(ch[4], numClasses, {}, engine));
  }

  /** x [N, 3, H, W] -> logits [N, numClasses]. */
  forward(x: Tensor): Tensor {
    this.checkLive();
    expectImage('ShuffleNetV2.forward', x);
    return this.engine.scope(() => {
      let y = this.maxpool.forward(this.conv1.forward(x));
      y = this.conv5.forward(this.stage4.forward(this.stage3.forward(this.stage2.forward(y))));
      const p = globalPool('ShuffleNetV2', 'avg', y);
      return this.fc.forward(p.reshape([p.shape[0], p.shape[1]]));
    });
  }
}

export interface ShuffleNetV2FactoryOptions {
  numClasses?: number;
}

function shufflenet(name: string, out: number[], options: ShuffleNetV2FactoryOptions | undefined, engine?: Engine): ShuffleNetV2 {
  return new ShuffleNetV2({ ...optionsOf(name, options), stagesRepeats: [4, 8, 4], stagesOutChannels: out }, engine);
}

type Factory = (options?: ShuffleNetV2FactoryOptions, engine?: Engine) => ShuffleNetV2;
export const shufflenet_v2_x0_5: Factory = (o, e) => shufflenet('shufflenet_v2_x0_5', [24, 48, 96, 192, 1024], o, e);
export const shufflenet_v2_x1_0: Factory = (o, e) => shufflenet('shufflenet_v2_x1_0', [24, 116, 232, 464, 1024], o, e);
export const shufflenet_v2_x1_5: Factory = (o, e) => shufflenet('shufflenet_v2_x1_5', [24, 176, 352, 704, 1024], o, e);
export const shufflenet_v2_x2_0: Factory = (o, e) => shufflenet('shufflenet_v2_x2_0', [24, 244, 488, 976, 2048], o, e);
