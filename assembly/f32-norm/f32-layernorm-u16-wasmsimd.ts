// f32_layernorm_u16__wasmsimd: y[r, i] = (x[r, i] - mean_r) * rstd_r * w[i] + b[i], with
//   mean_r = sum_i x[r, i] / n, rstd_r = 1 / sqrt(sum_i (x[r, i] - mean_r)^2 / n + eps) (biased).
// Operands: x, y dense [rows, n] (byte addresses; y may equal x); w, b [n]. w = 0: no affine
// (y = (x - mean) * rstd, b must be 0 too); b = 0 alone: weight without bias (b[i] taken as 0).
// Tile: 16 elements per iteration (four accumulators), then 4, then a masked partial vector.
// Three passes per row over L1-resident data (corrected two-pass variance, Chan-Golub-LeVeque):
// (1) m0 = x0 + mean(x - x0), x0 = x[r, 0] (a constant row gives m0 == x0 exactly, so y == b);
// (2) with d = x - m0 (exact for x within 2x of m0, so a large common offset never enters a sum):
// mc = mean(d), var = mean(d^2) - mc^2 (mc is a rounding residue: no cancellation);
// (3) y = (d - mc) * rstd [* w] [+ b], rstd = 1 / sqrt(var + eps) in f64.
// Preconditions: rows >= 1, n >= 1, b == 0 when w == 0. Reads up to 16 B past each row of
// x (the arena pads); never writes past y + 4*rows*n.
import { vhsum, vmask_lt, vstore_lanes } from '../common/vrow';

// @ts-ignore: decorator
@inline function rsum_shifted(n: usize, x: usize, c: f32): f32 {
  const vc = f32x4.splat(c);
  const vzero = f32x4.splat(0);
  let vs0 = vzero, vs1 = vzero, vs2 = vzero, vs3 = vzero;
  for (; n >= 16; n -= 16) {
    vs0 = f32x4.add(vs0, f32x4.sub(v128.load(x), vc));
    vs1 = f32x4.add(vs1, f32x4.sub(v128.load(x, 16), vc));
    vs2 = f32x4.add(vs2, f32x4.sub(v128.load(x, 32), vc));
    vs3 = f32x4.add(vs3, f32x4.sub(v128.load(x, 48), vc));
    x += 64;
  }
  for (; n >= 4; n -= 4) {
    vs0 = f32x4.add(vs0, f32x4.sub(v128.load(x), vc));
    x += 16;
  }
  if (n != 0) vs1 = f32x4.add(vs1, v128.and(f32x4.sub(v128.load(x), vc), vmask_lt(n)));
  return vhsum(f32x4.add(f32x4.add(vs0, vs1), f32x4.add(vs2, vs3)));
}

// Lane 0: sum of d = x - m; lane 1: sum of d^2 (lanes 2, 3 unspecified).
// @ts-ignore: decorator
@inline function rsumdev2(n: usize, x: usize, m: f32): v128 {
  const vm = f32x4.splat(m);
  const vzero = f32x4.splat(0);
  let vs0 = vzero, vs1 = vzero, vq0 = vzero, vq1 = vzero;
  for (; n >= 16; n -= 16) {
    const vd0 = f32x4.sub(v128.load(x), vm);
    const vd1 = f32x4.sub(v128.load(x, 16), vm);
    const vd2 = f32x4.sub(v128.load(x, 32), vm);
    const vd3 = f32x4.sub(v128.load(x, 48), vm);
    x += 64;
    vs0 = f32x4.add(vs0, f32x4.add(vd0, vd2));
    vs1 = f32x4.add(vs1, f32x4.add(vd1, vd3));
    vq0 = f32x4.add(vq0, f32x4.add(f32x4.mul(vd0, vd0), f32x4.mul(vd2, vd2)));
    vq1 = f32x4.add(vq1, f32x4.add(f32x4.mul(vd1, vd1), f32x4.mul(vd3, vd3)));
  }
  for (; n >= 4; n -= 4) {
    const vd = f32x4.sub(v128.load(x), vm);
    x += 16;
    vs0 = f32x4.add(vs0, vd);
    vq0 = f32x4.add(vq0, f32x4.mul(vd, vd));
  }
  if (n != 0) {
    const vd = v128.and(f32x4.sub(v128.load(x), vm), vmask_lt(n));
    vs1 = f32x4.add(vs1, vd);
    vq1 = f32x4.add(vq1, f32x4.mul(vd, vd));
  }
  const vs = f32x4.add(vs0, vs1);
  const vq = f32x4.add(vq0, vq1);
  // Transpose-add: lane 0 <- sum of vs, lane 1 <- sum of vq.
  const vlo = v128.shuffle<f32>(vs, vq, 0, 4, 1, 5);
  const vhi = v128.shuffle<f32>(vs, vq, 2, 6, 3, 7);
  const v2 = f32x4.add(vlo, vhi);
  return f32x4.add(v2, v128.shuffle<f32>(v2, v2, 2, 3, 0, 1));
}

// y = (x - m) * s [* w [+ b]]; `affine` and `bias` are compile-time constants at each call.
// @ts-ignore: decorator
@inline function vnorm(affine: bool, bias: bool, vx: v128, vc: v128, vm: v128, vs: v128, w: usize, b: usize, off: usize): v128 {
  let vy = f32x4.mul(f32x4.sub(f32x4.sub(vx, vc), vm), vs);
  if (affine) vy = f32x4.mul(vy, v128.load(w + off));
  if (bias) vy = f32x4.add(vy, v128.load(b + off));
  return vy;
}

// @ts-ignore: decorator
@inline function rnormalize(affine: bool, bias: bool, n: usize, x: usize, c: f32, mc: f32, s: f32, w: usize, b: usize, y: usize): void {
  const vc = f32x4.splat(c);
  const vm = f32x4.splat(mc);
  const vs = f32x4.splat(s);
  let off: usize = 0;
  for (; n >= 16; n -= 16) {
    v128.store(y + off, vnorm(affine, bias, v128.load(x + off), vc, vm, vs, w, b, off));
    v128.store(y + off, vnorm(affine, bias, v128.load(x + off, 16), vc, vm, vs, w, b, off + 16), 16);
    v128.store(y + off, vnorm(affine, bias, v128.load(x + off, 32), vc, vm, vs, w, b, off + 32), 32);
    v128.store(y + off, vnorm(affine, bias, v128.load(x + off, 48), vc, vm, vs, w, b, off + 48), 48);
    off += 64;
  }
  for (; n >= 4; n -= 4) {
    v128.store(y + off, vnorm(affine, bias, v128.load(x + off), vc, vm, vs, w, b, off));
    off += 16;
  }
  if (n != 0) vstore_lanes(y + off, vnorm(affine, bias, v128.load(x + off), vc, vm, vs, w, b, off), n);
}

export function f32_layernorm_u16__wasmsimd(rows: usize, n: usize, x: usize, w: usize, b: usize, eps: f32, y: usize): void {
  assert(rows != 0 && n != 0, 'f32_layernorm_u16__wasmsimd: rows and n must be >= 1');
  assert(w != 0 || b == 0, 'f32_layernorm_u16__wasmsimd: b must be 0 when w is 0');
  const rowBytes = n * 4;
  for (let r: usize = 0; r < rows; r++) {
    const c = load<f32>(x);
    const m0 = <f32>(<f64>c + <f64>rsum_shifted(n, x, c) / <f64>n);
    const vsq = rsumdev2(n, x, m0);
    const dmean = <f64>f32x4.extract_lane(vsq, 0) / <f64>n;
    const v = max(<f64>f32x4.extract_lane(vsq, 1) / <f64>n - dmean * dmean, 0.0);
    const mc = <f32>dmean;
    const s = <f32>(1.0 / Math.sqrt(v + <f64>eps));
    if (b != 0) rnormalize(true, true, n, x, m0, mc, s, w, b, y);
    else if (w != 0) rnormalize(true, false, n, x, m0, mc, s, w, 0, y);
    else rnormalize(false, false, n, x, m0, mc, s, 0, 0, y);
    x += rowBytes;
    y += rowBytes;
  }
}
