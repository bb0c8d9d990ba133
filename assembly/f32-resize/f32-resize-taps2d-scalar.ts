// f32_resize_taps2d__scalar: separable resampling of NCHW planes through per-axis tap tables,
//   y[p][oy][ox] = sum_{t<th} wy[oy][t] * (sum_{u<tw} wx[ox][u] * x[p][iy[oy][t]][ix[ox][u]])
// One kernel for every interpolation mode: nearest (1 tap of weight 1: exact copy), linear
// (2 taps: torch's h0l*(w0l*x00 + w1l*x01) + h1l*(w0l*x10 + w1l*x11)), cubic (4 taps).
// Operands: x: planes of h*w floats; y: planes of oh*ow floats; tab: the tap table, in order
//   iy: oh*th i32 (row indices, each in [0, h)), wy: oh*th f32, ix: ow*tw i32 (in [0, w)), wx: ow*tw f32.
// Tile: one output element per step (irregular gathers: no SIMD).
// Preconditions: planes, h, w, oh, ow, th, tw >= 1, every index in range (the TypeScript side
// clamps them). Reads only inside x and tab; never writes outside y.
export function f32_resize_taps2d__scalar(planes: usize, h: i32, w: i32, oh: i32, ow: i32, th: i32, tw: i32, x: usize, y: usize, tab: usize): void {
  assert(planes != 0 && h > 0 && w > 0 && oh > 0 && ow > 0 && th > 0 && tw > 0, 'f32_resize_taps2d: empty problem');
  const iy = tab;
  const wy = iy + (<usize>(oh * th) << 2);
  const ix = wy + (<usize>(oh * th) << 2);
  const wx = ix + (<usize>(ow * tw) << 2);
  for (let p: usize = 0; p < planes; p++) {
    const xp = x + ((p * <usize>(h * w)) << 2);
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++) {
        // Sums start from the first product (not 0), so a 1-tap copy keeps -0.
        let acc: f32 = 0;
        for (let t = 0; t < th; t++) {
          const ty = <usize>(oy * th + t) << 2;
          const rp = xp + (<usize>(load<i32>(iy + ty) * w) << 2);
          const t0 = <usize>(ox * tw) << 2;
          let racc = load<f32>(wx + t0) * load<f32>(rp + (<usize>load<i32>(ix + t0) << 2));
          for (let u = 1; u < tw; u++) {
            const tx = <usize>(ox * tw + u) << 2;
            racc += load<f32>(wx + tx) * load<f32>(rp + (<usize>load<i32>(ix + tx) << 2));
          }
          const v = load<f32>(wy + ty) * racc;
          acc = t == 0 ? v : acc + v;
        }
        store<f32>(y, acc);
        y += 4;
      }
    }
  }
}
