/**
 * Building blocks shared by the torchvision CNNs of the model zoo (torchvision.ops.misc and
 * torchvision.models._utils): Conv2dNormActivation, SqueezeExcitation, StochasticDepth (inference:
 * the identity) and _make_divisible. Each has torchvision's children, so state_dict keys match
 * (`features.3.block.2.fc1.weight`, ...).
 *
 * Fusions at inference: every Conv2d -> BatchNorm2d -> activation of these blocks runs as one
 * convolution (nn/fusion.ts FoldedConv): the BatchNorm is folded into the weights and bias, ReLU,
 * ReLU6 and Hardsigmoid go into the convolution epilogue (Hardsigmoid as an affine fold plus a
 * clamp to [0, 1]); SiLU, Hardswish and Sigmoid run as a separate elementwise pass.
 */
import { Module } from '../../nn/module.js';
import { Conv2d } from '../../nn/conv.js';
import { BatchNorm2d } from '../../nn/batchnorm.js';
import { ReLU, Sigmoid } from '../../nn/activation.js';
import { AdaptiveAvgPool2d } from '../../nn/pooling.js';
import { FoldedConv, FoldedSequential } from '../../nn/fusion.js';
import type { ForwardModule } from '../../nn/container.js';
import { Tensor } from '../../tensor.js';
import type { Engine } from '../../runtime/engine.js';
import { ArgumentError, ShapeError, fmtShape } from '../../runtime/errors.js';
import { expectInt, expectNumber, expectTensor } from '../../ops/check.js';
import { mul } from '../../ops/binary.js';
import { globalPool } from '../../ops/pool.js';
import { pyFloat } from '../../nn/repr.js';

/**
 * A norm layer factory (torchvision's norm_layer): numFeatures -> BatchNorm2d (any eps/momentum;
 * other norms are not supported: the BatchNorm is folded into the convolution).
 */
export type NormLayer = (numFeatures: number, engine?: Engine) => BatchNorm2d;
/** An activation factory (torchvision's activation_layer). */
export type ActivationLayer = () => ForwardModule;

/** nn.BatchNorm2d with torchvision's defaults (eps 1e-5). */
export const batchNorm2d: NormLayer = (c, engine) => new BatchNorm2d(c, {}, engine);

/** Python's round(v) to an integer: halves go to the even neighbour. */
export function pyRound(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  return d > 0.5 || (d === 0.5 && f % 2 !== 0) ? f + 1 : f;
}

/** torchvision.models._utils._make_divisible(v, divisor, min_value=None). */
export function makeDivisible(v: number, divisor: number, minValue: number | null = null): number {
  const min = minValue ?? divisor;
  let n = Math.max(min, Math.floor((v + divisor / 2) / divisor) * divisor);
  if (n < 0.9 * v) n += divisor;
  return n;
}

export interface Conv2dNormActivationOptions {
  kernelSize?: number;
  stride?: number;
  /** Default (kernelSize - 1) / 2 * dilation. */
  padding?: number | null;
  groups?: number;
  /** Default BatchNorm2d; null: none. */
  normLayer?: NormLayer | null;
  /** Default ReLU; null: none. */
  activationLayer?: ActivationLayer | null;
  dilation?: number;
  /** Default: true exactly when there is no norm layer. */
  bias?: boolean | null;
}

/**
 * torchvision.ops.Conv2dNormActivation: a Sequential of Conv2d ("0"), the norm layer ("1") and
 * the activation ("2" or "1"), run as one fused convolution.
 */
export class Conv2dNormActivation extends FoldedSequential {
  readonly outChannels: number;

  constructor(inChannels: number, outChannels: number, options: Conv2dNormActivationOptions = {}, engine?: Engine) {
    const k = options.kernelSize ?? 3;
    const dilation = options.dilation ?? 1;
    const norm = options.normLayer === undefined ? batchNorm2d : options.normLayer;
    const act = options.activationLayer === undefined ? () => new ReLU() : options.activationLayer;
    const layers: Module[] = [new Conv2d(inChannels, outChannels, k, {
      stride: options.stride ?? 1, padding: options.padding ?? Math.floor((k - 1) / 2) * dilation, dilation,
      groups: options.groups ?? 1, bias: options.bias ?? norm === null,
    }, engine)];
    if (norm) layers.push(norm(outChannels, engine));
    if (act) layers.push(act());
    super(...layers);
    this.outChannels = outChannels;
  }
}

export interface SqueezeExcitationOptions {
  /** delta (default ReLU). */
  activation?: ActivationLayer;
  /** sigma (default Sigmoid). */
  scaleActivation?: ActivationLayer;
}

/**
 * torchvision.ops.SqueezeExcitation: x * sigma(fc2(delta(fc1(avgpool(x))))) with fc1, fc2 1x1
 * convolutions. Children avgpool, fc1, fc2, activation, scale_activation as torchvision.
 */
export class SqueezeExcitation extends Module {
  readonly fc1: Conv2d;
  readonly fc2: Conv2d;
  private readonly gate1: FoldedConv;
  private readonly gate2: FoldedConv;

  constructor(inputChannels: number, squeezeChannels: number, options: SqueezeExcitationOptions = {}, engine?: Engine) {
    super(engine);
    expectInt('SqueezeExcitation', 'inputChannels', inputChannels, 1);
    expectInt('SqueezeExcitation', 'squeezeChannels', squeezeChannels, 1);
    this.registerModule('avgpool', new AdaptiveAvgPool2d(1));
    this.fc1 = this.registerModule('fc1', new Conv2d(inputChannels, squeezeChannels, 1, {}, engine));
    this.fc2 = this.registerModule('fc2', new Conv2d(squeezeChannels, inputChannels, 1, {}, engine));
    const delta = this.registerModule('activation', (options.activation ?? (() => new ReLU()))());
    const sigma = this.registerModule('scale_activation', (options.scaleActivation ?? (() => new Sigmoid()))());
    this.gate1 = new FoldedConv(this.fc1, null, delta);
    this.gate2 = new FoldedConv(this.fc2, null, sigma);
  }

  forward(input: Tensor): Tensor {
    this.checkLive();
    expectTensor('SqueezeExcitation', 'input', input);
    return this.engine.scope(() => mul(input, this.gate2.forward(this.gate1.forward(globalPool('SqueezeExcitation', 'avg', input)))));
  }

  protected onDispose(): void {
    this.gate1.dispose();
    this.gate2.dispose();
  }
}

/** torchvision.ops.StochasticDepth(p, mode): the identity at inference (no state). */
export class StochasticDepth extends Module {
  constructor(readonly p: number, readonly mode: 'row' | 'batch') {
    super();
    expectNumber('StochasticDepth', 'p', p);
    if (p < 0 || p > 1) throw new ArgumentError(`StochasticDepth: p must be in [0, 1], got ${p}`);
    if (mode !== 'row' && mode !== 'batch') throw new ArgumentError(`StochasticDepth: mode must be 'row' or 'batch', got ${JSON.stringify(mode)}`);
  }

  forward(input: Tensor): Tensor {
    expectTensor('StochasticDepth', 'input', input);
    return input.reshape(input.shape);
  }

  protected extraRepr(): string {
    return `p=${pyFloat(this.p)}, mode=${this.mode}`;
  }
}

/** Reads an options object (a model constructor's only argument), with a typed error naming what came. */
export function optionsOf<T extends object>(op: string, options: T | undefined): T {
  if (options === undefined) return {} as T;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw new ArgumentError(`${op}: expected an options object, got ${options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options}`);
  return options;
}

/** The image input check of every zoo CNN: [N, 3, H, W] float32. */
export function expectImage(op: string, x: Tensor): void {
  expectTensor(op, 'x', x);
  if (x.ndim !== 4 || x.shape[1] !== 3) throw new ShapeError(`${op}: x must be [batch, 3, height, width], got ${fmtShape(x.shape)}`);
}
