/**
 * Pooling modules with PyTorch's constructors and reprs: MaxPool1d/2d, AvgPool1d/2d,
 * AdaptiveAvgPool1d/2d and AdaptiveMaxPool1d/2d (any output size). Stateless (no state_dict keys).
 */
import { Module } from './module.js';
import type { Tensor } from '../tensor.js';
import { ArgumentError } from '../runtime/errors.js';
import {
  adaptiveAvgPool1d, adaptiveAvgPool2d, adaptiveMaxPool1d, adaptiveMaxPool2d, avgPool1d, avgPool2d, maxPool1d, maxPool2d,
  type AdaptiveSize,
} from '../ops/pool.js';

type IntOr2 = number | readonly number[];

/** Python's repr of an int, None or tuple argument: 3, None, (3,), (2, 3), (5, None). */
export function pyArg(v: unknown): string {
  if (v === null || v === undefined) return 'None';
  if (Array.isArray(v)) return `(${v.map(pyArg).join(', ')}${v.length === 1 ? ',' : ''})`;
  return String(v);
}

const pyBool = (b: boolean) => (b ? 'True' : 'False');

export interface MaxPoolOptions {
  stride?: IntOr2 | null;
  padding?: IntOr2;
  dilation?: IntOr2;
  ceilMode?: boolean;
  /** Not supported (true throws). */
  returnIndices?: boolean;
}
export type MaxPool2dOptions = MaxPoolOptions;

abstract class MaxPoolNd extends Module {
  readonly stride: IntOr2;
  readonly padding: IntOr2;
  readonly dilation: IntOr2;
  readonly ceilMode: boolean;

  constructor(readonly kernelSize: IntOr2, options: MaxPoolOptions = {}) {
    super();
    if (options.returnIndices) throw new ArgumentError(`${new.target.name}: return_indices=true is not supported, expected false`);
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.dilation = options.dilation ?? 1;
    this.ceilMode = options.ceilMode ?? false;
  }

  protected extraRepr(): string {
    return `kernel_size=${pyArg(this.kernelSize)}, stride=${pyArg(this.stride)}, padding=${pyArg(this.padding)}, dilation=${pyArg(this.dilation)}, ceil_mode=${pyBool(this.ceilMode)}`;
  }
}

/** nn.MaxPool2d(kernelSize, { stride = kernelSize, padding = 0, dilation = 1, ceilMode = false }): NCHW. */
export class MaxPool2d extends MaxPoolNd {
  forward(input: Tensor): Tensor {
    return maxPool2d(input, this.kernelSize, this.stride, this.padding, this.dilation, this.ceilMode);
  }
}

/** nn.MaxPool1d(kernelSize, { stride = kernelSize, padding = 0, dilation = 1, ceilMode = false }): [N, C, L] or [C, L]. */
export class MaxPool1d extends MaxPoolNd {
  forward(input: Tensor): Tensor {
    return maxPool1d(input, this.kernelSize, this.stride, this.padding, this.dilation, this.ceilMode);
  }
}

export interface AvgPoolOptions {
  stride?: IntOr2 | null;
  padding?: IntOr2;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  /** Not supported (a number throws). */
  divisorOverride?: number | null;
}
export type AvgPool2dOptions = AvgPoolOptions;

/** nn.AvgPool2d(kernelSize, { stride = kernelSize, padding = 0, ceilMode = false, countIncludePad = true }): NCHW. */
export class AvgPool2d extends Module {
  readonly stride: IntOr2;
  readonly padding: IntOr2;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;

  constructor(readonly kernelSize: IntOr2, options: AvgPoolOptions = {}) {
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
    return `kernel_size=${pyArg(this.kernelSize)}, stride=${pyArg(this.stride)}, padding=${pyArg(this.padding)}`;
  }
}

/** nn.AvgPool1d(kernelSize, { stride = kernelSize, padding = 0, ceilMode = false, countIncludePad = true }): [N, C, L] or [C, L]. */
export class AvgPool1d extends Module {
  /** Stored as 1-tuples, as torch's _single(): the repr prints (3,). */
  readonly kernelSize: [number];
  readonly stride: [number];
  readonly padding: [number];
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;

  constructor(kernelSize: number | readonly number[], options: Omit<AvgPoolOptions, 'divisorOverride'> = {}) {
    super();
    const single = (v: IntOr2): [number] => (typeof v === 'number' ? [v] : (v.slice(0, 1) as [number]));
    this.kernelSize = single(kernelSize);
    this.stride = single(options.stride ?? kernelSize);
    this.padding = single(options.padding ?? 0);
    this.ceilMode = options.ceilMode ?? false;
    this.countIncludePad = options.countIncludePad ?? true;
  }

  forward(input: Tensor): Tensor {
    return avgPool1d(input, this.kernelSize, this.stride, this.padding, this.ceilMode, this.countIncludePad);
  }

  protected extraRepr(): string {
    return `kernel_size=${pyArg(this.kernelSize)}, stride=${pyArg(this.stride)}, padding=${pyArg(this.padding)}`;
  }
}

abstract class AdaptivePool<S> extends Module {
  constructor(readonly outputSize: S) {
    super();
  }

  protected extraRepr(): string {
    return `output_size=${pyArg(this.outputSize)}`;
  }
}

/** nn.AdaptiveAvgPool2d(outputSize): any size, an int, [h, w], null keeps that input size. */
export class AdaptiveAvgPool2d extends AdaptivePool<AdaptiveSize> {
  forward(input: Tensor): Tensor {
    return adaptiveAvgPool2d(input, this.outputSize);
  }
}

/** nn.AdaptiveAvgPool1d(outputSize). */
export class AdaptiveAvgPool1d extends AdaptivePool<number> {
  forward(input: Tensor): Tensor {
    return adaptiveAvgPool1d(input, this.outputSize);
  }
}

/** nn.AdaptiveMaxPool2d(outputSize, returnIndices = false): returnIndices true throws. */
export class AdaptiveMaxPool2d extends AdaptivePool<AdaptiveSize> {
  constructor(outputSize: AdaptiveSize, returnIndices = false) {
    super(outputSize);
    if (returnIndices) throw new ArgumentError('AdaptiveMaxPool2d: return_indices=true is not supported, expected false');
  }

  forward(input: Tensor): Tensor {
    return adaptiveMaxPool2d(input, this.outputSize);
  }
}

/** nn.AdaptiveMaxPool1d(outputSize, returnIndices = false): returnIndices true throws. */
export class AdaptiveMaxPool1d extends AdaptivePool<number> {
  constructor(outputSize: number, returnIndices = false) {
    super(outputSize);
    if (returnIndices) throw new ArgumentError('AdaptiveMaxPool1d: return_indices=true is not supported, expected false');
  }

  forward(input: Tensor): Tensor {
    return adaptiveMaxPool1d(input, this.outputSize);
  }
}
