// f32_gavgpool_cw__wasmsimd: y[c] = (sum_{i<n} x[c][i]) / n for c < channels (global average
// pooling of NCHW planes, n = h*w; AdaptiveAvgPool2d(1)).
// Operands: x: channels contiguous planes of n floats; y: channels floats.
// Tile: 8 floats per step in two accumulators, then 4, then scalar.
// Preconditions: channels, n >= 1. Reads up to 16 B past x; never writes outside y's channels floats.
export function f32_gavgpool_cw__wasmsimd(channels: usize, n: usize, x: usize, y: usize): void {
  assert(channels != 0 && n != 0, 'f32_gavgpool_cw: empty problem');
  for (let c: usize = 0; c < channels; c++) {
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0);
    let k = n;
    for (; k >= 8; k -= 8) {
      a0 = f32x4.add(a0, v128.load(x));
      a1 = f32x4.add(a1, v128.load(x, 16));
      x += 32;
    }
    if (k >= 4) { a0 = f32x4.add(a0, v128.load(x)); x += 16; k -= 4; }
    a0 = f32x4.add(a0, a1);
    let s: f32 = (f32x4.extract_lane(a0, 0) + f32x4.extract_lane(a0, 1)) + (f32x4.extract_lane(a0, 2) + f32x4.extract_lane(a0, 3));
    for (; k > 0; k--) { s += load<f32>(x); x += 4; }
    store<f32>(y + (c << 2), s / <f32>n);
  }
}
