/** nn.Conv2d and nn.Conv1d: PyTorch's constructor, state_dict keys (weight, bias) and NCHW / NCL layouts. */
import { Module } from './module.js';
import { Tensor } from '../tensor.js';
import type { Engine } from '../runtime/engine.js';
import { getEngine } from '../runtime/engine.js';
import { ArgumentError } from '../runtime/errors.js';
import { expectInt } from '../ops/check.js';
import { pair } from '../ops/conv-geom.js';
import { convNd, resolvePadding, type ConvArgs, type Padding } from '../ops/conv2d.js';
import { QConvWeights, qconvNd } from '../ops/qconv.js';
import { quantizeParameter } from './quantize.js';
import type { Activation } from '../ops/gemm.js';

export interface ConvOptions extends Omit<ConvArgs, 'act'> {
  bias?: boolean;
  /** Only 'zeros' (PyTorch's default) is supported. */
  paddingMode?: 'zeros';
}

/** PyTorch's default init: kaiming_uniform(a=sqrt(5)) = U(-1/sqrt(fan_in), 1/sqrt(fan_in)), same bound for the bias. */
function uniformInit(t: Tensor, bound: number): void {
  const d = t.data() as Float32Array;
  for (let i = 0; i < d.length; i++) d[i] = (Math.random() * 2 - 1) * bound;
}

abstract class ConvNd extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: Padding;
  readonly dilation: number[];
  readonly groups: number;
  readonly paddingMode = 'zeros';
  /** Float32, or int8 after nn.quantizeDynamic (then `weight_scale` [out_channels] holds the scales). */
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  private qw: QConvWeights | null = null;

  constructor(
    private readonly dims: 1 | 2,
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: number | readonly number[],
    options: ConvOptions,
    engine: Engine,
  ) {
    super(engine);
    const op = dims === 2 ? 'Conv2d' : 'Conv1d';
    expectInt(op, 'in_channels', inChannels, 1);
    expectInt(op, 'out_channels', outChannels, 1);
    this.groups = expectInt(op, 'groups', options.groups ?? 1, 1);
    if (inChannels % this.groups !== 0) throw new ArgumentError(`${op}: in_channels (${inChannels}) must be divisible by groups (${this.groups})`);
    if (outChannels % this.groups !== 0) throw new ArgumentError(`${op}: out_channels (${outChannels}) must be divisible by groups (${this.groups})`);
    if ((options.paddingMode ?? 'zeros') !== 'zeros') throw new ArgumentError(`${op}: padding_mode must be 'zeros', got '${options.paddingMode}'`);
    const pick = (v: [number, number]) => (dims === 2 ? v : [v[1]]);
    const k = pair(op, 'kernel_size', kernelSize, 1, dims);
    const s = pair(op, 'stride', options.stride ?? 1, 1, dims);
    const d = pair(op, 'dilation', options.dilation ?? 1, 1, dims);
    this.kernelSize = pick(k);
    this.stride = pick(s);
    this.dilation = pick(d);
    const padding = options.padding ?? 0;
    resolvePadding(op, padding, k[0], k[1], d[0], d[1], s[0], s[1], dims); // validates now, as PyTorch's constructor
    this.padding = typeof padding === 'string' ? padding : pick(pair(op, 'padding', padding, 0, dims));
    const fanIn = (inChannels / this.groups) * k[0] * k[1];
    const bound = 1 / Math.sqrt(fanIn);
    this.weight = this.registerParameter('weight', Tensor.empty([outChannels, inChannels / this.groups, ...this.kernelSize], 'float32', engine));
    uniformInit(this.weight, bound);
    this.bias = options.bias ?? true ? this.registerParameter('bias', Tensor.empty([outChannels], 'float32', engine)) : null;
    if (this.bias) uniformInit(this.bias, bound);
  }

  forward(input: Tensor): Tensor {
    return this.forwardFused(input, 'none');
  }

  /**
   * act(conv(x) + b) with the activation fused into the convolution's epilogue ('relu' or a clamp
   * on every path; 'gelu' on the GEMM paths only), for models that follow a Conv by an activation
   * (the model zoo's Conv-BatchNorm-ReLU blocks). Not part of torch.nn.
   */
  forwardFused(input: Tensor, act: Activation): Tensor {
    this.checkLive();
    const op = this.dims === 2 ? 'Conv2d' : 'Conv1d';
    const args = { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups, act };
    if (this.quantized) {
      this.freshPacks();
      return qconvNd(op, this.dims, input, this.weight, this.bias, this.qw!, args);
    }
    return convNd(op, this.dims, input, this.weight, this.bias, args);
  }

  /** True once quantized (int8 weights through the int8 GEMM: ops/qconv.ts). */
  get quantized(): boolean {
    return this.weight.dtype === 'int8';
  }

  /** Internal (nn.quantizeDynamic): weight becomes int8 per output channel + `weight_scale`, in place. */
  _quantizeDynamic(): void {
    this.checkLive();
    if (this.quantized) return;
    (this as { weight: Tensor }).weight = quantizeParameter(this, 'weight', (n, t) => this.registerParameter(n, t));
    this.repack();
  }

  protected onLoad(): void {
    this.onDispose();
    if (this.quantized) this.qw = QConvWeights.fromTensors(this.weight, this.param('weight_scale'), this.bias, this.groups);
  }

  protected onDispose(): void {
    this.qw?.dispose();
    this.qw = null;
  }

  protected extraRepr(): string {
    const t = (v: number[]) => `(${v.join(', ')}${v.length === 1 ? ',' : ''})`;
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${t(this.kernelSize)}, stride=${t(this.stride)}`;
    const p = this.padding;
    if (typeof p === 'string') s += `, padding=${p}`;
    else if ((p as number[]).some((v) => v !== 0)) s += `, padding=${t(p as number[])}`;
    if (this.dilation.some((v) => v !== 1)) s += `, dilation=${t(this.dilation)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (!this.bias) s += ', bias=False';
    return s;
  }
}

/** nn.Conv2d(inChannels, outChannels, kernelSize, { stride, padding, dilation, groups, bias }): NCHW. */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly number[], options: ConvOptions = {}, engine: Engine = getEngine()) {
    super(2, inChannels, outChannels, kernelSize, options, engine);
  }
}

/** nn.Conv1d(inChannels, outChannels, kernelSize, { stride, padding, dilation, groups, bias }): NCL. */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly number[], options: ConvOptions = {}, engine: Engine = getEngine()) {
    super(1, inChannels, outChannels, kernelSize, options, engine);
  }
}
