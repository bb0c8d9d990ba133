/**
 * nn.ConvTranspose1d / nn.ConvTranspose2d: PyTorch's constructor (inChannels, outChannels,
 * kernelSize, { stride, padding, outputPadding, groups, bias, dilation }), state_dict keys
 * weight [in, out/groups, k...] and bias [out], PyTorch's repr. The per-group transposed weight
 * the GEMM reads is a private cache rebuilt when the weight changes.
 */
import { Module } from './module.js';
import { Tensor } from '../tensor.js';
import { getEngine, type Engine } from '../runtime/engine.js';
import { ArgumentError } from '../runtime/errors.js';
import { expectInt } from '../ops/check.js';
import { pair } from '../ops/conv-geom.js';
import { ConvTransposeWeights, convTransposeFull, convTransposeRun, torchConvTransposeGeom } from '../ops/conv-transpose.js';
import { pyArg } from './pooling.js';

export interface ConvTransposeOptions {
  stride?: number | readonly number[];
  padding?: number | readonly number[];
  outputPadding?: number | readonly number[];
  groups?: number;
  bias?: boolean;
  dilation?: number | readonly number[];
  /** Only 'zeros' (PyTorch's default and only choice for transposed convolutions). */
  paddingMode?: 'zeros';
}

abstract class ConvTransposeNd extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly outputPadding: number[];
  readonly dilation: number[];
  readonly groups: number;
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  private packed: ConvTransposeWeights | null = null;

  protected constructor(private readonly dims: 1 | 2, readonly inChannels: number, readonly outChannels: number, kernelSize: number | readonly number[], options: ConvTransposeOptions, engine: Engine) {
    super(engine);
    const op = `ConvTranspose${dims}d`;
    expectInt(op, 'in_channels', inChannels, 1);
    expectInt(op, 'out_channels', outChannels, 1);
    this.groups = expectInt(op, 'groups', options.groups ?? 1, 1);
    if (inChannels % this.groups !== 0) throw new ArgumentError(`${op}: in_channels (${inChannels}) must be divisible by groups (${this.groups})`);
    if (outChannels % this.groups !== 0) throw new ArgumentError(`${op}: out_channels (${outChannels}) must be divisible by groups (${this.groups})`);
    if ((options.paddingMode ?? 'zeros') !== 'zeros') throw new ArgumentError(`${op}: only "zeros" padding mode is supported, got '${options.paddingMode}'`);
    const pick = (v: [number, number]) => (dims === 2 ? v : [v[1]]);
    this.kernelSize = pick(pair(op, 'kernel_size', kernelSize, 1, dims));
    this.stride = pick(pair(op, 'stride', options.stride ?? 1, 1, dims));
    this.padding = pick(pair(op, 'padding', options.padding ?? 0, 0, dims));
    this.outputPadding = pick(pair(op, 'output_padding', options.outputPadding ?? 0, 0, dims));
    this.dilation = pick(pair(op, 'dilation', options.dilation ?? 1, 1, dims));
    // PyTorch's init: kaiming_uniform(a=sqrt(5)) with fan_in = weight.size(1) * prod(kernel) = (out/groups) * prod(kernel).
    const bound = 1 / Math.sqrt((outChannels / this.groups) * this.kernelSize.reduce((a, b) => a * b, 1));
    const init = (t: Tensor) => {
      const d = t.data<'float32'>();
      for (let i = 0; i < d.length; i++) d[i] = (Math.random() * 2 - 1) * bound;
      return t;
    };
    this.weight = this.registerParameter('weight', init(Tensor.empty([inChannels, outChannels / this.groups, ...this.kernelSize], 'float32', engine)));
    this.bias = options.bias ?? true ? this.registerParameter('bias', init(Tensor.empty([outChannels], 'float32', engine))) : null;
  }

  protected onLoad(): void {
    this.packed?.dispose();
    this.packed = null;
  }

  protected onDispose(): void {
    this.packed?.dispose();
    this.packed = null;
  }

  /**
   * forward(input, outputSize?): outputSize (the trailing spatial sizes, as PyTorch's
   * output_size) picks the output padding among the sizes the stride allows.
   */
  forward(input: Tensor, outputSize?: readonly number[]): Tensor {
    this.checkLive();
    const op = this.constructor.name;
    this.freshPacks();
    this.packed ??= ConvTransposeWeights.from(op, this.weight, this.groups, this.dims);
    let outPad = this.outputPadding;
    if (outputSize) {
      const want = outputSize.slice(outputSize.length - this.dims);
      const sizes = input.shape.slice(input.ndim - this.dims);
      outPad = want.map((o, i) => {
        const min = convTransposeFull(sizes[i], this.kernelSize[i], this.stride[i], this.dilation[i]) - 2 * this.padding[i];
        const extra = o - min;
        if (!Number.isInteger(o) || extra < 0 || extra >= Math.max(this.stride[i], this.dilation[i])) {
          throw new ArgumentError(`${op}: requested output_size ${JSON.stringify(outputSize)} is not reachable: dim ${i} must be in [${min}, ${min + Math.max(this.stride[i], this.dilation[i]) - 1}]`);
        }
        return extra;
      });
    }
    const geo = torchConvTransposeGeom(op, this.dims, input, this.packed, this.stride, this.padding, outPad, this.dilation);
    return convTransposeRun(op, this.dims, input, this.packed, this.bias, geo);
  }

  protected extraRepr(): string {
    let s = `${this.inChannels}, ${this.outChannels}, kernel_size=${pyArg(this.kernelSize)}, stride=${pyArg(this.stride)}`;
    if (this.padding.some((v) => v !== 0)) s += `, padding=${pyArg(this.padding)}`;
    if (this.dilation.some((v) => v !== 1)) s += `, dilation=${pyArg(this.dilation)}`;
    if (this.outputPadding.some((v) => v !== 0)) s += `, output_padding=${pyArg(this.outputPadding)}`;
    if (this.groups !== 1) s += `, groups=${this.groups}`;
    if (!this.bias) s += ', bias=False';
    return s;
  }
}

/** nn.ConvTranspose2d(inChannels, outChannels, kernelSize, { stride, padding, outputPadding, groups, bias, dilation }): NCHW. */
export class ConvTranspose2d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly number[], options: ConvTransposeOptions = {}, engine: Engine = getEngine()) {
    super(2, inChannels, outChannels, kernelSize, options, engine);
  }
}

/** nn.ConvTranspose1d(inChannels, outChannels, kernelSize, { stride, padding, outputPadding, groups, bias, dilation }): NCL. */
export class ConvTranspose1d extends ConvTransposeNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number | readonly number[], options: ConvTransposeOptions = {}, engine: Engine = getEngine()) {
    super(1, inChannels, outChannels, kernelSize, options, engine);
  }
}
