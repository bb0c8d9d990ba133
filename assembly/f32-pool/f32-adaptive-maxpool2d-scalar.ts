// f32_adaptive_maxpool2d__scalar: y[c][oy][ox] = max of x[c][hs..he)[ws..we) with torch's
// adaptive windows (see f32-adaptive-avgpool2d-scalar.ts); a NaN in the window gives NaN (as torch).
// Operands: x: channels planes h*w (NCHW); y: channels planes oh*ow.
// Tile: one output element per step.
// Preconditions: channels, h, w, oh, ow >= 1. Reads only inside x; never writes outside y.
import { adaptivePool2d } from './adaptive-window';

export function f32_adaptive_maxpool2d__scalar(channels: usize, h: i32, w: i32, oh: i32, ow: i32, x: usize, y: usize): void {
  assert(channels != 0 && h > 0 && w > 0 && oh > 0 && ow > 0, 'f32_adaptive_maxpool2d: empty problem');
  adaptivePool2d(true, channels, h, w, oh, ow, x, y);
}
