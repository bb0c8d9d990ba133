// f32_adaptive_avgpool2d__scalar: y[c][oy][ox] = mean of x[c][hs..he)[ws..we), with torch's
// adaptive windows hs = floor(oy*h/oh), he = ceil((oy+1)*h/oh) (same for the columns), so any
// output size works (windows may overlap or differ in size by one).
// Operands: x: channels planes h*w (NCHW); y: channels planes oh*ow.
// Tile: one output element per step, row sums left to right (no SIMD: windows are irregular).
// Preconditions: channels, h, w, oh, ow >= 1. Reads only inside x; never writes outside y.
import { adaptivePool2d } from './adaptive-window';

export function f32_adaptive_avgpool2d__scalar(channels: usize, h: i32, w: i32, oh: i32, ow: i32, x: usize, y: usize): void {
  assert(channels != 0 && h > 0 && w > 0 && oh > 0 && ow > 0, 'f32_adaptive_avgpool2d: empty problem');
  adaptivePool2d(false, channels, h, w, oh, ow, x, y);
}
