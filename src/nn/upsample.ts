/**
 * nn.Upsample({ size, scaleFactor, mode = 'nearest', alignCorners, recomputeScaleFactor }) and
 * the fixed-mode nn.UpsamplingNearest2d / nn.UpsamplingBilinear2d (align_corners=True), as
 * PyTorch's: F.interpolate with the stored arguments, PyTorch's repr. Stateless.
 */
import { Module } from './module.js';
import type { Tensor } from '../tensor.js';
import { interpolate, type InterpolateMode, type InterpolateOptions } from '../ops/interpolate.js';
import { pyFloat } from './repr.js';
import { pyArg } from './pooling.js';

export type UpsampleOptions = Omit<InterpolateOptions, 'antialias'>;

export class Upsample extends Module {
  readonly size: number | readonly number[] | null;
  /** Stored as floats, as torch's float(scale_factor). */
  readonly scaleFactor: number | readonly number[] | null;
  readonly mode: InterpolateMode;
  readonly alignCorners: boolean | null;
  readonly recomputeScaleFactor: boolean | null;

  constructor(options: UpsampleOptions = {}) {
    super();
    this.size = options.size ?? null;
    this.scaleFactor = options.scaleFactor ?? null;
    this.mode = options.mode ?? 'nearest';
    this.alignCorners = options.alignCorners ?? null;
    this.recomputeScaleFactor = options.recomputeScaleFactor ?? null;
  }

  forward(input: Tensor): Tensor {
    return interpolate(input, { size: this.size, scaleFactor: this.scaleFactor, mode: this.mode, alignCorners: this.alignCorners, recomputeScaleFactor: this.recomputeScaleFactor });
  }

  protected extraRepr(): string {
    const sf = this.scaleFactor;
    const info = sf !== null ? `scale_factor=${typeof sf === 'number' ? pyFloat(sf) : `(${sf.map(pyFloat).join(', ')}${sf.length === 1 ? ',' : ''})`}` : `size=${pyArg(this.size)}`;
    return `${info}, mode=${this.mode}`;
  }
}

/** nn.UpsamplingNearest2d({ size, scaleFactor }): Upsample with mode 'nearest'. */
export class UpsamplingNearest2d extends Upsample {
  constructor(options: Pick<UpsampleOptions, 'size' | 'scaleFactor'> = {}) {
    super({ ...options, mode: 'nearest' });
  }
}

/** nn.UpsamplingBilinear2d({ size, scaleFactor }): Upsample with mode 'bilinear', align_corners=True. */
export class UpsamplingBilinear2d extends Upsample {
  constructor(options: Pick<UpsampleOptions, 'size' | 'scaleFactor'> = {}) {
    super({ ...options, mode: 'bilinear', alignCorners: true });
  }
}
