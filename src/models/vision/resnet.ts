/**
 * torchvision.models.ResNet and resnet18/34/50/101/152, resnext50_32x4d, resnext101_32x8d,
 * wide_resnet50_2/101_2, loading torchvision's state_dict unchanged (conv1, bn1,
 * layer{1-4}.N.{conv1, bn1, conv2, bn2[, conv3, bn3][, downsample.0, downsample.1]}, fc).
 *
 *   x -> conv1 7x7/2 -> bn1 -> relu -> maxpool 3x3/2 -> layer1..4 -> avgpool -> flatten -> fc
 *   BasicBlock:  relu(bn2(conv2(relu(bn1(conv1 x)))) + identity)
 *   Bottleneck:  relu(bn3(conv3(relu(bn2(conv2(relu(bn1(conv1 x))))))) + identity), stride on conv2
 *   identity = downsample(x) (conv1x1 + BatchNorm2d) when the shape changes, else x.
 *
 * Fused at inference: every conv+bn(+relu) pair is one convolution (BatchNorm folded, ReLU in the
 * epilogue: nn/fusion.ts FoldedConv); the residual add and its ReLU are two elementwise passes.
 * Pretrained weights: in Python `safetensors.torch.save_file(model.state_dict(), 'resnet18.safetensors')`,
 * then `models.resnet18().loadStateDict(loadSafetensors(bytes))`.
 */
import { Module } from '../../nn/module.js';
import { Conv2d } from '../../nn/conv.js';
import { Linear } from '../../nn/linear.js';
import { ReLU } from '../../nn/activation.js';
import { MaxPool2d, AdaptiveAvgPool2d } from '../../nn/pooling.js';
import { Sequential, type ForwardModule } from '../../nn/container.js';
import { FoldedConv, FoldedSequential } from '../../nn/fusion.js';
import type { Tensor } from '../../tensor.js';
import type { Engine } from '../../runtime/engine.js';
import { ArgumentError } from '../../runtime/errors.js';
import { expectInt } from '../../ops/check.js';
import { add } from '../../ops/binary.js';
import { relu } from '../../ops/unary.js';
import { globalPool } from '../../ops/pool.js';
import { batchNorm2d, expectImage, optionsOf, type NormLayer } from './common.js';

/** torchvision.models.resnet.conv3x3(in, out, stride=1, groups=1, dilation=1). */
export function conv3x3(inPlanes: number, outPlanes: number, stride = 1, groups = 1, dilation = 1, engine?: Engine): Conv2d {
  return new Conv2d(inPlanes, outPlanes, 3, { stride, padding: dilation, groups, bias: false, dilation }, engine);
}

/** torchvision.models.resnet.conv1x1(in, out, stride=1). */
export function conv1x1(inPlanes: number, outPlanes: number, stride = 1, engine?: Engine): Conv2d {
  return new Conv2d(inPlanes, outPlanes, 1, { stride, bias: false }, engine);
}

export interface ResNetBlockOptions {
  stride?: number;
  downsample?: ForwardModule | null;
  groups?: number;
  baseWidth?: number;
  dilation?: number;
  normLayer?: NormLayer;
}

/** What ResNet needs of a block class (torchvision's block argument). */
export interface ResNetBlockClass {
  readonly expansion: number;
  new (inplanes: number, planes: number, options?: ResNetBlockOptions, engine?: Engine): Module & ForwardModule;
}

abstract class ResNetBlock extends Module {
  protected abstract readonly folds: FoldedConv[];
  protected readonly downsample: ForwardModule | null;

  constructor(downsample: ForwardModule | null | undefined, engine?: Engine) {
    super(engine);
    this.downsample = downsample ?? null;
  }

  forward(x: Tensor): Tensor {
    this.checkLive();
    return x.engine.scope(() => {
      let out = x;
      for (const f of this.folds) out = f.forward(out);
      return relu(add(out, this.downsample ? this.downsample.forward(x) : x));
    });
  }

  protected onDispose(): void {
    for (const f of this.folds) f.dispose();
  }
}

/** torchvision.models.resnet.BasicBlock(inplanes, planes, stride, downsample, groups=1, base_width=64, dilation=1). */
export class BasicBlock extends ResNetBlock {
  static readonly expansion = 1;
  protected readonly folds: FoldedConv[];

  constructor(inplanes: number, planes: number, options: ResNetBlockOptions = {}, engine?: Engine) {
    super(options.downsample, engine);
    if ((options.groups ?? 1) !== 1 || (options.baseWidth ?? 64) !== 64) throw new ArgumentError(`BasicBlock only supports groups=1 and baseWidth=64, got groups=${options.groups} and baseWidth=${options.baseWidth}`);
    if ((options.dilation ?? 1) > 1) throw new ArgumentError(`BasicBlock: dilation > 1 is not supported, got ${options.dilation}`);
    const norm = options.normLayer ?? batchNorm2d;
    const conv1 = this.registerModule('conv1', conv3x3(inplanes, planes, options.stride ?? 1, 1, 1, engine));
    const bn1 = this.registerModule('bn1', norm(planes, engine));
    const relu1 = this.registerModule('relu', new ReLU());
    const conv2 = this.registerModule('conv2', conv3x3(planes, planes, 1, 1, 1, engine));
    const bn2 = this.registerModule('bn2', norm(planes, engine));
    if (this.downsample) this.registerModule('downsample', this.downsample);
    this.folds = [new FoldedConv(conv1, bn1, relu1), new FoldedConv(conv2, bn2)];
  }
}

/** torchvision.models.resnet.Bottleneck (ResNet V1.5: the stride on the 3x3 conv2); expansion 4. */
export class Bottleneck extends ResNetBlock {
  static readonly expansion = 4;
  protected readonly folds: FoldedConv[];

  constructor(inplanes: number, planes: number, options: ResNetBlockOptions = {}, engine?: Engine) {
    super(options.downsample, engine);
    const groups = options.groups ?? 1;
    const norm = options.normLayer ?? batchNorm2d;
    const width = Math.floor(planes * ((options.baseWidth ?? 64) / 64)) * groups;
    const conv1 = this.registerModule('conv1', conv1x1(inplanes, width, 1, engine));
    const bn1 = this.registerModule('bn1', norm(width, engine));
    const conv2 = this.registerModule('conv2', conv3x3(width, width, options.stride ?? 1, groups, options.dilation ?? 1, engine));
    const bn2 = this.registerModule('bn2', norm(width, engine));
    const conv3 = this.registerModule('conv3', conv1x1(width, planes * 4, 1, engine));
    const bn3 = this.registerModule('bn3', norm(planes * 4, engine));
    const r = this.registerModule('relu', new ReLU());
    if (this.downsample) this.registerModule('downsample', this.downsample);
    this.folds = [new FoldedConv(conv1, bn1, r), new FoldedConv(conv2, bn2, r), new FoldedConv(conv3, bn3)];
  }
}

export interface ResNetOptions {
  /** BasicBlock or Bottleneck (the classes, or their names). */
  block: ResNetBlockClass | 'BasicBlock' | 'Bottleneck';
  /** Blocks per stage, 4 entries. */
  layers: readonly number[];
  numClasses?: number;
  /** Ignored (an initialization choice; weights come from loadStateDict). */
  zeroInitResidual?: boolean;
  groups?: number;
  widthPerGroup?: number;
  replaceStrideWithDilation?: readonly boolean[] | null;
  normLayer?: NormLayer;
}

/** torchvision.models.ResNet(block, layers, num_classes=1000, ...) as `new ResNet({ block, layers, numClasses, ... })`. */
export class ResNet extends Module {
  readonly conv1: Conv2d;
  readonly fc: Linear;
  readonly layer1: Sequential;
  readonly layer2: Sequential;
  readonly layer3: Sequential;
  readonly layer4: Sequential;
  private readonly stem: FoldedConv;
  private readonly maxpool: MaxPool2d;
  private inplanes = 64;
  private dilation = 1;
  private readonly groups: number;
  private readonly baseWidth: number;
  private readonly norm: NormLayer;

  constructor(options: ResNetOptions, engine?: Engine) {
    super(engine);
    const op = 'ResNet';
    const o = optionsOf(op, options);
    const block: ResNetBlockClass = o.block === 'BasicBlock' ? BasicBlock : o.block === 'Bottleneck' ? Bottleneck : o.block;
    if (typeof block !== 'function' || typeof block.expansion !== 'number') throw new ArgumentError(`${op}: block must be BasicBlock or Bottleneck (or their names), got ${String(o.block)}`);
    if (!Array.isArray(o.layers) || o.layers.length !== 4) throw new ArgumentError(`${op}: layers must be a list of 4 block counts, got ${JSON.stringify(o.layers)}`);
    o.layers.forEach((n, i) => expectInt(op, `layers[${i}]`, n, 1));
    const numClasses = expectInt(op, 'numClasses', o.numClasses ?? 1000, 1);
    const rswd = o.replaceStrideWithDilation ?? [false, false, false];
    if (rswd.length !== 3) throw new ArgumentError(`${op}: replaceStrideWithDilation should be null or a 3-element list, got ${JSON.stringify(rswd)}`);
    this.groups = expectInt(op, 'groups', o.groups ?? 1, 1);
    this.baseWidth = expectInt(op, 'widthPerGroup', o.widthPerGroup ?? 64, 1);
    this.norm = o.normLayer ?? batchNorm2d;
    this.conv1 = this.registerModule('conv1', new Conv2d(3, 64, 7, { stride: 2, padding: 3, bias: false }, engine));
    const bn1 = this.registerModule('bn1', this.norm(64, engine));
    const r = this.registerModule('relu', new ReLU());
    this.maxpool = this.registerModule('maxpool', new MaxPool2d(3, { stride: 2, padding: 1 }));
    this.stem = new FoldedConv(this.conv1, bn1, r);
    this.layer1 = this.registerModule('layer1', this.makeLayer(block, 64, o.layers[0], 1, false, engine));
    this.layer2 = this.registerModule('layer2', this.makeLayer(block, 128, o.layers[1], 2, rswd[0], engine));
    this.layer3 = this.registerModule('layer3', this.makeLayer(block, 256, o.layers[2], 2, rswd[1], engine));
    this.layer4 = this.registerModule('layer4', this.makeLayer(block, 512, o.layers[3], 2, rswd[2], engine));
    this.registerModule('avgpool', new AdaptiveAvgPool2d([1, 1]));
    this.fc = this.registerModule('fc', new Linear(512 * block.expansion, numClasses, {}, engine));
  }

  private makeLayer(block: ResNetBlockClass, planes: number, blocks: number, stride: number, dilate: boolean, engine?: Engine): Sequential {
    let downsample: ForwardModule | null = null;
    const previousDilation = this.dilation;
    if (dilate) {
      this.dilation *= stride;
      stride = 1;
    }
    if (stride !== 1 || this.inplanes !== planes * block.expansion) {
      downsample = new FoldedSequential(conv1x1(this.inplanes, planes * block.expansion, stride, engine), this.norm(planes * block.expansion, engine));
    }
    const common = { groups: this.groups, baseWidth: this.baseWidth, normLayer: this.norm };
    const layers: Module[] = [new block(this.inplanes, planes, { stride, downsample, dilation: previousDilation, ...common }, engine)];
    this.inplanes = planes * block.expansion;
    for (let i = 1; i < blocks; i++) layers.push(new block(this.inplanes, planes, { dilation: this.dilation, ...common }, engine));
    return new Sequential(...layers);
  }

  /** x [N, 3, H, W] -> logits [N, numClasses]. */
  forward(x: Tensor): Tensor {
    this.checkLive();
    expectImage('ResNet.forward', x);
    return this.engine.scope(() => {
      let y = this.stem.forward(x);
      y = this.maxpool.forward(y);
      y = this.layer4.forward(this.layer3.forward(this.layer2.forward(this.layer1.forward(y))));
      const pooled = globalPool('ResNet', 'avg', y);
      return this.fc.forward(pooled.reshape([pooled.shape[0], pooled.shape[1]]));
    });
  }

  protected onDispose(): void {
    this.stem.dispose();
  }
}

/** Options of the named factories (torchvision's **kwargs; `weights` is not supported: load a state dict). */
export type ResNetFactoryOptions = Omit<ResNetOptions, 'block' | 'layers'>;

function resnet(block: ResNetBlockClass, layers: number[], options: ResNetFactoryOptions | undefined, extra: Partial<ResNetOptions> = {}, engine?: Engine): ResNet {
  const o = optionsOf('resnet', options);
  for (const [k, v] of Object.entries(extra)) {
    const given = (o as Record<string, unknown>)[k];
    if (given !== undefined && given !== v) throw new ArgumentError(`resnet: the parameter ${k} expected value ${String(v)} but got ${String(given)} instead`);
  }
  return new ResNet({ ...o, ...extra, block, layers }, engine);
}

export const resnet18 = (options?: ResNetFactoryOptions, engine?: Engine): ResNet => resnet(BasicBlock, [2, 2, 2, 2], options, {}, engine);
export const resnet34 = (options?: ResNetFactoryOptions, engine?: Engine): ResNet => resnet(BasicBlock, [3, 4, 6, 3], options, {}, engine);
export const resnet50 = (options?: ResNetFactoryOptions, engine?: Engine): ResNet => resnet(Bottleneck, [3, 4, 6, 3], options, {}, engine);
export const resnet101 = (options?: ResNetFactoryOptions, engine?: Engine): ResNet => resnet(Bottleneck, [3, 4, 23, 3], options, {}, engine);
export const resnet152 = (options?: ResNetFactoryOptions, engine?: Engine): ResNet => resnet(Bottleneck, [3, 8, 36, 3], options, {}, engine);
export const resnext50_32x4d = (options?: ResNetFactoryOptions, engine?: Engine): ResNet => resnet(Bottleneck, [3, 4, 6, 3], options, { groups: 32, widthPerGroup: 4 }, engine);
export const resnext101_32x8d = (options?: ResNetFactoryOptions, engine?: Engine): ResNet => resnet(Bottleneck, [3, 4, 23, 3], options, { groups: 32, widthPerGroup: 8 }, engine);
export const wide_resnet50_2 = (options?: ResNetFactoryOptions, engine?: Engine): ResNet => resnet(Bottleneck, [3, 4, 6, 3], options, { widthPerGroup: 128 }, engine);
export const wide_resnet101_2 = (options?: ResNetFactoryOptions, engine?: Engine): ResNet => resnet(Bottleneck, [3, 4, 23, 3], options, { widthPerGroup: 128 }, engine);
