/** Runners for the data-movement ops (views, copies, index-driven ops). */
import { F, nn, cat, tril, triu, gather, indexSelect, scatter } from '../../../src/api.js';
import type { OpRunner } from '../types.js';

export const runners: Record<string, OpRunner> = {
  pad: (c) => ({ output: F.pad(c.tensors.input, c.params.pad, c.params.mode ?? 'constant', c.params.value ?? 0) }),
  pixel_shuffle: (c) => ({ output: F.pixelShuffle(c.tensors.input, c.params.upscale_factor) }),
  pixel_unshuffle: (c) => ({ output: F.pixelUnshuffle(c.tensors.input, c.params.downscale_factor) }),
  channel_shuffle: (c) => ({ output: new nn.ChannelShuffle(c.params.groups).forward(c.tensors.input) }),
  tril: (c) => ({ output: tril(c.tensors.input, c.params.diagonal ?? 0) }),
  triu: (c) => ({ output: triu(c.tensors.input, c.params.diagonal ?? 0) }),
  permute: (c) => ({ output: c.tensors.input.permute(c.params.dims).contiguous() }),
  cat: (c) => {
    const other = c.params.transpose_other ? c.tensors.other.transpose(c.params.transpose_other[0], c.params.transpose_other[1]) : c.tensors.other;
    return { output: cat([c.tensors.input, other], c.params.dim ?? 0) };
  },
  repeat: (c) => ({ output: c.tensors.input.repeat(c.params.sizes) }),
  slice: (c) => ({ output: c.tensors.input.slice(c.params.dim, c.params.start, c.params.end, c.params.step ?? 1).contiguous() }),
  gather: (c) => ({ output: gather(c.tensors.input, c.params.dim, c.tensors.index) }),
  index_select: (c) => ({ output: indexSelect(c.tensors.input, c.params.dim, c.tensors.index) }),
  scatter: (c) => ({ output: scatter(c.tensors.input, c.params.dim, c.tensors.index, c.tensors.src, { reduce: c.params.reduce ?? 'none' }) }),
  expand: (c) => ({ output: c.tensors.input.expand(c.params.sizes).contiguous() }),
};
