// Row helpers shared by the row-wise kernels (softmax, log_softmax, layer_norm): horizontal
// reductions of one f32x4 and the lane mask of a partial last vector. @inline, no state.

// @ts-ignore: decorator
@inline export function vhsum(v: v128): f32 {
  const v2 = f32x4.add(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(f32x4.add(v2, v128.shuffle<f32>(v2, v2, 1, 0, 3, 2)), 0);
}

// Max of the four lanes (pmax: a NaN lane may be dropped; callers that need NaN to propagate
// get it from the arithmetic that follows, see the softmax kernels).
// @ts-ignore: decorator
@inline export function vhmax(v: v128): f32 {
  const v2 = f32x4.pmax(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(f32x4.pmax(v2, v128.shuffle<f32>(v2, v2, 1, 0, 3, 2)), 0);
}

// All-ones in lanes 0..k-1 (k in 1..3): selects the valid lanes of a partial last vector.
// @ts-ignore: decorator
@inline export function vmask_lt(k: usize): v128 {
  return i32x4.lt_s(i32x4(0, 1, 2, 3), i32x4.splat(<i32>k));
}

// Stores lanes 0..k-1 of v at p (k in 1..3); never writes lane k or beyond.
// @ts-ignore: decorator
@inline export function vstore_lanes(p: usize, v: v128, k: usize): void {
  if (k & 2) {
    v128.store64_lane(p, v, 0);
    v = v128.shuffle<f32>(v, v, 2, 3, 2, 3);
    p += 8;
  }
  if (k & 1) v128.store32_lane(p, v, 0);
}
