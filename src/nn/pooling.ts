/** nn.MaxPool2d, nn.AvgPool2d, nn.AdaptiveAvgPool2d (output 1x1 only): PyTorch's constructors. */
import { Module } from './module.js';
import type { Tensor } from '../tensor.js';
import { ArgumentError } from '../runtime/errors.js';
import { adaptiveAvgPool2d, avgPool2d, maxPool2d } from '../ops/pool.js';

type IntOr2 = number | readonly number[];

export interface MaxPool2dOptions {
  stride?: IntOr2 | null;
  padding?: IntOr2;
  dilation?: IntOr2;
  ceilMode?: boolean;
  /** Not supported (true throws). */
  returnIndices?: boolean;
}

export class MaxPool2d extends Module {
  readonly stride: IntOr2;
  readonly padding: IntOr2;
  readonly dilation: IntOr2;
  readonly ceilMode: boolean;

  constructor(readonly kernelSize: IntOr2, options: MaxPool2dOptions = {}) {
    super();
    if (options.returnIndices) throw new ArgumentError('MaxPool2d: return_indices=true is not supported, expected false');
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.dilation = options.dilation ?? 1;
    this.ceilMode = options.ceilMode ?? false;
  }

  forward(input: Tensor): Tensor {
    return maxPool2d(input, this.kernelSize, this.stride, this.padding, this.dilation, this.ceilMode);
  }

  protected extraRepr(): string {
    return `kernel_size=${this.kernelSize}, stride=${this.stride}, padding=${this.padding}, dilation=${this.dilation}, ceil_mode=${this.ceilMode ? 'True' : 'False'}`;
  }
}

export interface AvgPool2dOptions {
  stride?: IntOr2 | null;
  padding?: IntOr2;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  /** Not supported (a number throws). */
  divisorOverride?: number | null;
}

export class AvgPool2d extends Module {
  readonly stride: IntOr2;
  readonly padding: IntOr2;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;

  constructor(readonly kernelSize: IntOr2, options: AvgPool2dOptions = {}) {
    super();
    if (options.divisorOverride != null) throw new ArgumentError(`AvgPool2d: divisor_override is not supported, got ${options.divisorOverride}, expected null`);
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.ceilMode = options.ceilMode ?? false;
    this.countIncludePad = options.countIncludePad ?? true;
  }

  forward(input: Tensor): Tensor {
    return avgPool2d(input, this.kernelSize, this.stride, this.padding, this.ceilMode, this.countIncludePad);
  }

  protected extraRepr(): string {
    return `kernel_size=${this.kernelSize}, stride=${this.stride}, padding=${this.padding}`;
  }
}

/** nn.AdaptiveAvgPool2d(outputSize): only 1 / [1, 1] (ArgumentError otherwise, at construction). */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: IntOr2) {
    super();
    const ok = outputSize === 1 || (Array.isArray(outputSize) && outputSize.length === 2 && outputSize.every((d) => d === 1));
    if (!ok) throw new ArgumentError(`AdaptiveAvgPool2d: only output_size 1 or [1, 1] is supported, got ${JSON.stringify(outputSize)}`);
  }

  forward(input: Tensor): Tensor {
    return adaptiveAvgPool2d(input, this.outputSize);
  }

  protected extraRepr(): string {
    return `output_size=${this.outputSize}`;
  }
}
