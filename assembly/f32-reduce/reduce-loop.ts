// The one loop every f32-reduce kernel shares: x is [outer, r, inner] (dense), y is [outer, inner]
//   y[o*inner + i] = post(comb_{k < r} elt(x[(o*r + k)*inner + i]))
// with elt/comb/post per op: sum (x, +, * scale), sumsq (x*x, +, * scale), asum (|x|, +, * scale),
// prod (x, *, -), max (x, max, -), min (x, min, -). max/min propagate NaN (f32.max/min), as torch.
// inner == 1 (a contiguous row per output): two v128 accumulators over 8 elements per iteration,
//   then 4, combined lane-wise, then the 0..3 tail elements one by one (no read past the row).
// inner > 1: 4 outputs at a time down the r rows (stride inner); the last 1..3 outputs load a full
//   vector (reads up to 12 B past the block; the arena pads) and store only the valid lanes.
// Summation order is not torch's (pairwise); the error is that of an f32 sum of r terms in 8 (or
// r) partial sums. `op` is a compile-time constant at every call site.
import { vstore_lanes } from '../common/vrow';

// @ts-ignore: decorator
@inline export const ROP_SUM: i32 = 1;
// @ts-ignore: decorator
@inline export const ROP_SUMSQ: i32 = 2;
// @ts-ignore: decorator
@inline export const ROP_ASUM: i32 = 3;
// @ts-ignore: decorator
@inline export const ROP_PROD: i32 = 4;
// @ts-ignore: decorator
@inline export const ROP_MAX: i32 = 5;
// @ts-ignore: decorator
@inline export const ROP_MIN: i32 = 6;

// @ts-ignore: decorator
@inline function identity(op: i32): f32 {
  if (op == ROP_PROD) return 1;
  if (op == ROP_MAX) return -Infinity;
  if (op == ROP_MIN) return Infinity;
  return 0;
}

// @ts-ignore: decorator
@inline function velt(op: i32, v: v128): v128 {
  if (op == ROP_SUMSQ) return f32x4.mul(v, v);
  if (op == ROP_ASUM) return f32x4.abs(v);
  return v;
}

// @ts-ignore: decorator
@inline function vcomb(op: i32, a: v128, b: v128): v128 {
  if (op == ROP_PROD) return f32x4.mul(a, b);
  if (op == ROP_MAX) return f32x4.max(a, b);
  if (op == ROP_MIN) return f32x4.min(a, b);
  return f32x4.add(a, b);
}

// @ts-ignore: decorator
@inline function elt(op: i32, v: f32): f32 {
  if (op == ROP_SUMSQ) return v * v;
  if (op == ROP_ASUM) return abs<f32>(v);
  return v;
}

// @ts-ignore: decorator
@inline function comb(op: i32, a: f32, b: f32): f32 {
  if (op == ROP_PROD) return a * b;
  if (op == ROP_MAX) return max<f32>(a, b);
  if (op == ROP_MIN) return min<f32>(a, b);
  return a + b;
}

// @ts-ignore: decorator
@inline function scaled(op: i32): bool {
  return op == ROP_SUM || op == ROP_SUMSQ || op == ROP_ASUM;
}

// @ts-ignore: decorator
@inline export function vreduce_u4(op: i32, outer: usize, r: usize, inner: usize, x: usize, y: usize, scale: f32): void {
  const vid = f32x4.splat(identity(op));
  if (inner == 1) {
    let px = x;
    for (let o: usize = 0; o < outer; o++) {
      let vacc0 = vid;
      let vacc1 = vid;
      let k = r;
      for (; k >= 8; k -= 8) {
        vacc0 = vcomb(op, vacc0, velt(op, v128.load(px)));
        vacc1 = vcomb(op, vacc1, velt(op, v128.load(px, 16)));
        px += 32;
      }
      if (k >= 4) {
        vacc0 = vcomb(op, vacc0, velt(op, v128.load(px)));
        px += 16;
        k -= 4;
      }
      vacc0 = vcomb(op, vacc0, vacc1);
      let acc = comb(op, comb(op, f32x4.extract_lane(vacc0, 0), f32x4.extract_lane(vacc0, 1)), comb(op, f32x4.extract_lane(vacc0, 2), f32x4.extract_lane(vacc0, 3)));
      for (; k != 0; k--) {
        acc = comb(op, acc, elt(op, load<f32>(px)));
        px += 4;
      }
      store<f32>(y, scaled(op) ? acc * scale : acc);
      y += 4;
    }
    return;
  }
  const vscale = f32x4.splat(scale);
  const rowBytes = inner * 4;
  for (let o: usize = 0; o < outer; o++) {
    const base = x + o * r * rowBytes;
    for (let i: usize = 0; i < inner; i += 4) {
      let px = base + i * 4;
      let vacc = vid;
      for (let k: usize = 0; k < r; k++) {
        vacc = vcomb(op, vacc, velt(op, v128.load(px)));
        px += rowBytes;
      }
      if (scaled(op)) vacc = f32x4.mul(vacc, vscale);
      const left = inner - i;
      if (left >= 4) {
        v128.store(y, vacc);
        y += 16;
      } else {
        vstore_lanes(y, vacc, left);
        y += left * 4;
      }
    }
  }
}
