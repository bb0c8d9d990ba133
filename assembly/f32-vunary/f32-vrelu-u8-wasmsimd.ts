// f32_vrelu_u8__wasmsimd: y[i] = max(x[i], 0) for i < n. NaN in -> NaN out (as torch.relu).
// Operands: x, y are contiguous f32 arrays of n elements (byte addresses); y may equal x (in place).
// Tile: 8 elements per iteration, then 4, then a 2/1 lane tail.
// Preconditions: n >= 1. Reads up to 16 B past x + 4n (the arena pads); never writes past y + 4n.

// @ts-ignore: decorator
@inline function vrelu(v: v128): v128 {
  // pmax(0, x) would drop NaN; select keeps x wherever x is not < 0, NaN included.
  return v128.bitselect(f32x4.splat(0), v, f32x4.lt(v, f32x4.splat(0)));
}

export function f32_vrelu_u8__wasmsimd(n: usize, x: usize, y: usize): void {
  assert(n != 0, 'f32_vrelu: n must be >= 1');
  for (; n >= 8; n -= 8) {
    const vx0123 = v128.load(x);
    const vx4567 = v128.load(x, 16);
    x += 32;
    v128.store(y, vrelu(vx0123));
    v128.store(y, vrelu(vx4567), 16);
    y += 32;
  }
  if (n >= 4) {
    v128.store(y, vrelu(v128.load(x)));
    x += 16; y += 16; n -= 4;
  }
  if (n != 0) {
    let vy = vrelu(v128.load(x));
    if (n & 2) {
      v128.store64_lane(y, vy, 0);
      vy = v128.shuffle<f32>(vy, vy, 2, 3, 2, 3);
      y += 8;
    }
    if (n & 1) v128.store32_lane(y, vy, 0);
  }
}
