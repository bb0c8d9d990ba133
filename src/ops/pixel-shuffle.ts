/**
 * Channel/space rearrangements, each a reshape -> permute -> contiguous copy (one strided-copy
 * kernel call): torch.nn.functional.pixel_shuffle / pixel_unshuffle, torch.nn.ChannelShuffle's
 * channel_shuffle, and ONNX DepthToSpace (DCR and CRD modes; CRD is pixel_shuffle) and
 * SpaceToDepth. Inputs are (*, C, H, W) for the torch forms and (N, C, H, W) for ONNX. Any dtype.
 */
import { Tensor } from '../tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../runtime/errors.js';
import { expectAny } from './data-common.js';

function expectFactor(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new ArgumentError(`${op}: ${name} must be an integer >= 1, got ${String(v)}`);
  return v;
}

/** reshape(x, s1) -> permute(perm) -> reshape(s2) as one copy; the intermediate views are freed. */
function rearrange(x: Tensor, s1: number[], perm: number[], s2: number[]): Tensor {
  const a = x.reshape(s1);
  try {
    const b = a.permute(perm);
    try {
      return b.reshape(s2);
    } finally {
      b.dispose();
    }
  } finally {
    a.dispose();
  }
}

function splitLead(op: string, x: Tensor, rank = 3): number[] {
  if (x.ndim < rank) throw new ShapeError(`${op}: input must have at least ${rank} dims (*, C, H, W), got shape ${fmtShape(x.shape)}`);
  return x.shape.slice(0, x.ndim - 3);
}

/** torch.nn.functional.pixel_shuffle(input, upscaleFactor): (*, C r^2, H, W) -> (*, C, H r, W r). */
export function pixelShuffle(input: Tensor, upscaleFactor: number): Tensor {
  const x = expectAny('pixel_shuffle', 'input', input);
  const r = expectFactor('pixel_shuffle', 'upscaleFactor', upscaleFactor);
  const lead = splitLead('pixel_shuffle', x);
  const [c, h, w] = x.shape.slice(-3);
  if (c % (r * r) !== 0) throw new ShapeError(`pixel_shuffle: the ${c} channels of shape ${fmtShape(x.shape)} must be divisible by upscaleFactor^2 = ${r * r}`);
  const oc = c / (r * r);
  const L = lead.length;
  const perm = [...lead.map((_, i) => i), L, L + 3, L + 1, L + 4, L + 2];
  return rearrange(x, [...lead, oc, r, r, h, w], perm, [...lead, oc, h * r, w * r]);
}

/** torch.nn.functional.pixel_unshuffle(input, downscaleFactor): (*, C, H r, W r) -> (*, C r^2, H, W). */
export function pixelUnshuffle(input: Tensor, downscaleFactor: number): Tensor {
  const x = expectAny('pixel_unshuffle', 'input', input);
  const r = expectFactor('pixel_unshuffle', 'downscaleFactor', downscaleFactor);
  const lead = splitLead('pixel_unshuffle', x);
  const [c, h, w] = x.shape.slice(-3);
  if (h % r !== 0 || w % r !== 0) throw new ShapeError(`pixel_unshuffle: H and W of shape ${fmtShape(x.shape)} must be divisible by downscaleFactor ${r}`);
  const L = lead.length;
  const perm = [...lead.map((_, i) => i), L, L + 2, L + 4, L + 1, L + 3];
  return rearrange(x, [...lead, c, h / r, r, w / r, r], perm, [...lead, c * r * r, h / r, w / r]);
}

/** torch.nn.functional.channel_shuffle(input, groups): (N, C, *) with C = g k -> channels reordered as (k, g). */
export function channelShuffle(input: Tensor, groups: number): Tensor {
  const x = expectAny('channel_shuffle', 'input', input);
  const g = expectFactor('channel_shuffle', 'groups', groups);
  if (x.ndim < 3) throw new ShapeError(`channel_shuffle: input must have at least 3 dims (N, C, *), got shape ${fmtShape(x.shape)}`);
  const [n, c] = x.shape;
  if (c % g !== 0) throw new ShapeError(`channel_shuffle: the ${c} channels must be divisible by groups ${g}`);
  const rest = x.shape.slice(2);
  const sp = rest.reduce((p, q) => p * q, 1);
  return rearrange(x, [n, g, c / g, sp], [0, 2, 1, 3], [n, c, ...rest]);
}

/** ONNX DepthToSpace(blocksize, mode): (N, C b^2, H, W) -> (N, C, H b, W b); 'DCR' (default) takes depth-column-row order, 'CRD' is pixel_shuffle. */
export function depthToSpace(input: Tensor, blocksize: number, mode: 'DCR' | 'CRD' = 'DCR'): Tensor {
  const x = expectAny('depth_to_space', 'input', input);
  const b = expectFactor('depth_to_space', 'blocksize', blocksize);
  if (mode === 'CRD') return pixelShuffle(x, b);
  if (mode !== 'DCR') throw new ArgumentError(`depth_to_space: mode must be 'DCR' or 'CRD', got ${JSON.stringify(mode)}`);
  if (x.ndim !== 4) throw new ShapeError(`depth_to_space: input must be 4-D (N, C, H, W), got shape ${fmtShape(x.shape)}`);
  const [n, c, h, w] = x.shape;
  if (c % (b * b) !== 0) throw new ShapeError(`depth_to_space: the ${c} channels must be divisible by blocksize^2 = ${b * b}`);
  return rearrange(x, [n, b, b, c / (b * b), h, w], [0, 3, 4, 1, 5, 2], [n, c / (b * b), h * b, w * b]);
}

/** ONNX SpaceToDepth(blocksize): (N, C, H b, W b) -> (N, C b^2, H, W), block offsets outermost in the channels (the inverse of DCR). */
export function spaceToDepth(input: Tensor, blocksize: number): Tensor {
  const x = expectAny('space_to_depth', 'input', input);
  const b = expectFactor('space_to_depth', 'blocksize', blocksize);
  if (x.ndim !== 4) throw new ShapeError(`space_to_depth: input must be 4-D (N, C, H, W), got shape ${fmtShape(x.shape)}`);
  const [n, c, h, w] = x.shape;
  if (h % b !== 0 || w % b !== 0) throw new ShapeError(`space_to_depth: H and W of shape ${fmtShape(x.shape)} must be divisible by blocksize ${b}`);
  return rearrange(x, [n, c, h / b, b, w / b, b], [0, 3, 5, 1, 2, 4], [n, c * b * b, h / b, w / b]);
}
