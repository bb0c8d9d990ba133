// Adaptive pooling as torch computes it: output index i of o over an input of n covers
// [floor(i*n/o), ceil((i+1)*n/o)) (64-bit products so n*o never overflows). The loop nest both
// adaptive kernels share: `isMax` is a compile-time constant at each call.

// @ts-ignore: decorator
@inline export function adaptiveStart(i: i32, n: i32, o: i32): i32 {
  return <i32>((<i64>i * <i64>n) / <i64>o);
}

// @ts-ignore: decorator
@inline export function adaptiveEnd(i: i32, n: i32, o: i32): i32 {
  return <i32>((<i64>(i + 1) * <i64>n + <i64>o - 1) / <i64>o);
}

// y[c][oy][ox] = mean (isMax false) or max (f32.max: NaN wins) of x[c] over the adaptive window.
// @ts-ignore: decorator
@inline export function adaptivePool2d(isMax: bool, channels: usize, h: i32, w: i32, oh: i32, ow: i32, x: usize, y: usize): void {
  for (let c: usize = 0; c < channels; c++) {
    const xp = x + ((c * <usize>(h * w)) << 2);
    for (let oy = 0; oy < oh; oy++) {
      const hs = adaptiveStart(oy, h, oh), he = adaptiveEnd(oy, h, oh);
      for (let ox = 0; ox < ow; ox++) {
        const ws = adaptiveStart(ox, w, ow), we = adaptiveEnd(ox, w, ow);
        let acc: f32 = isMax ? -Infinity : 0;
        for (let iy = hs; iy < he; iy++) {
          const rp = xp + (<usize>(iy * w) << 2);
          for (let ix = ws; ix < we; ix++) {
            const v = load<f32>(rp + (<usize>ix << 2));
            acc = isMax ? max(acc, v) : acc + v;
          }
        }
        store<f32>(y, isMax ? acc : acc / <f32>((he - hs) * (we - ws)));
        y += 4;
      }
    }
  }
}
