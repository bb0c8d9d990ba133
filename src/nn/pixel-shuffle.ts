/** nn.PixelShuffle(upscaleFactor), nn.PixelUnshuffle(downscaleFactor), nn.ChannelShuffle(groups): parameter-free rearrangements. */
import { Module } from './module.js';
import type { Tensor } from '../tensor.js';
import { channelShuffle, pixelShuffle, pixelUnshuffle } from '../ops/pixel-shuffle.js';
import { expectInt } from '../ops/check.js';

export class PixelShuffle extends Module {
  constructor(readonly upscaleFactor: number) {
    super();
    expectInt('PixelShuffle', 'upscaleFactor', upscaleFactor, 1);
  }
  forward(input: Tensor): Tensor {
    return pixelShuffle(input, this.upscaleFactor);
  }
  protected extraRepr(): string {
    return `upscale_factor=${this.upscaleFactor}`;
  }
}

export class PixelUnshuffle extends Module {
  constructor(readonly downscaleFactor: number) {
    super();
    expectInt('PixelUnshuffle', 'downscaleFactor', downscaleFactor, 1);
  }
  forward(input: Tensor): Tensor {
    return pixelUnshuffle(input, this.downscaleFactor);
  }
  protected extraRepr(): string {
    return `downscale_factor=${this.downscaleFactor}`;
  }
}

export class ChannelShuffle extends Module {
  constructor(readonly groups: number) {
    super();
    expectInt('ChannelShuffle', 'groups', groups, 1);
  }
  forward(input: Tensor): Tensor {
    return channelShuffle(input, this.groups);
  }
  protected extraRepr(): string {
    return `groups=${this.groups}`;
  }
}
