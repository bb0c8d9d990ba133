// f32_vmulcaddc_cw_u8__wasmsimd: y[c][i] = x[c][i] * scale[c] + shift[c] for c < channels, i < n
// (channelwise affine over NCHW planes: inference BatchNorm with scale = w/sqrt(var+eps),
// shift = b - mean*scale). Not fused (mul then add), as on every build.
// Operands: x, y: channels contiguous planes of n floats (y may equal x); scale, shift: channels floats.
// Tile: 8 floats per step, then 4, then a scalar tail.
// Preconditions: channels, n >= 1. Reads up to 16 B past x; never writes outside y's channels*n floats.
export function f32_vmulcaddc_cw_u8__wasmsimd(channels: usize, n: usize, x: usize, scale: usize, shift: usize, y: usize): void {
  assert(channels != 0 && n != 0, 'f32_vmulcaddc_cw: empty problem');
  for (let c: usize = 0; c < channels; c++) {
    const a = load<f32>(scale + (c << 2)), b = load<f32>(shift + (c << 2));
    const va = f32x4.splat(a), vb = f32x4.splat(b);
    let k = n;
    for (; k >= 8; k -= 8) {
      const v0 = v128.load(x), v1 = v128.load(x, 16);
      v128.store(y, f32x4.add(f32x4.mul(v0, va), vb));
      v128.store(y, f32x4.add(f32x4.mul(v1, va), vb), 16);
      x += 32; y += 32;
    }
    if (k >= 4) { v128.store(y, f32x4.add(f32x4.mul(v128.load(x), va), vb)); x += 16; y += 16; k -= 4; }
    for (; k > 0; k--) { store<f32>(y, load<f32>(x) * a + b); x += 4; y += 4; }
  }
}
