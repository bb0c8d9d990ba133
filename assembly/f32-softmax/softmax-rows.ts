// Passes over one row of n contiguous f32 shared by the softmax kernels, each unrolled by 16
// with four independent accumulators (the max/min pass two of each; the exp pass by 8 with two:
// four exp chains spill V8's 16 xmm registers, measured 5% slower), then 4 at a time, then a masked partial vector (reads up
// to 16 B past the row, never uses those lanes, never writes past the row).
import { vexp_rr2_p5_nonpositive } from '../common/vmath';
import { vhmax, vhsum, vmask_lt, vstore_lanes } from '../common/vrow';

// [max_i x[i], min_i x[i], -, -] (NaN lanes may be dropped: a NaN entry still poisons the row
// through e^(NaN - m)). The min costs nothing in this memory-bound pass and lets the exp pass
// skip its flush-to-0 test when no entry is 87.3 below the max.
// @ts-ignore: decorator
@inline export function rmaxmin_u16(n: usize, x: usize): v128 {
  const vninf = f32x4.splat(-Infinity);
  const vpinf = f32x4.splat(Infinity);
  let vm0 = vninf, vm1 = vninf, vl0 = vpinf, vl1 = vpinf;
  for (; n >= 16; n -= 16) {
    const vx0 = v128.load(x);
    const vx1 = v128.load(x, 16);
    const vx2 = v128.load(x, 32);
    const vx3 = v128.load(x, 48);
    vm0 = f32x4.pmax(f32x4.pmax(vm0, vx0), vx2);
    vm1 = f32x4.pmax(f32x4.pmax(vm1, vx1), vx3);
    vl0 = f32x4.pmin(f32x4.pmin(vl0, vx0), vx2);
    vl1 = f32x4.pmin(f32x4.pmin(vl1, vx1), vx3);
    x += 64;
  }
  for (; n >= 4; n -= 4) {
    const vx = v128.load(x);
    vm0 = f32x4.pmax(vm0, vx);
    vl0 = f32x4.pmin(vl0, vx);
    x += 16;
  }
  if (n != 0) {
    const vx = v128.load(x);
    const vk = vmask_lt(n);
    vm1 = f32x4.pmax(vm1, v128.bitselect(vx, vninf, vk));
    vl1 = f32x4.pmin(vl1, v128.bitselect(vx, vpinf, vk));
  }
  const vmax = vhmax(f32x4.pmax(vm0, vm1));
  const vmin = -vhmax(f32x4.neg(f32x4.pmin(vl0, vl1)));
  return f32x4.replace_lane(f32x4.splat(vmax), 1, vmin);
}

// Returns sum_i e^(x[i] - m); when `store`, also writes y[i] = e^(x[i] - m). fma, flush: see
// vexp_rr2_p5_nonpositive in vmath.ts (flush = false only when every x[i] - m >= -87.336 or NaN).
// @ts-ignore: decorator
@inline export function raddexpminusmax_u16(fma: bool, flush: bool, store: bool, n: usize, x: usize, m: f32, y: usize): f32 {
  const vm = f32x4.splat(m);
  const vzero = f32x4.splat(0);
  let vs0 = vzero, vs1 = vzero;
  for (; n >= 8; n -= 8) {
    const ve0 = vexp_rr2_p5_nonpositive(f32x4.sub(v128.load(x), vm), fma, flush);
    const ve1 = vexp_rr2_p5_nonpositive(f32x4.sub(v128.load(x, 16), vm), fma, flush);
    x += 32;
    if (store) {
      v128.store(y, ve0);
      v128.store(y, ve1, 16);
      y += 32;
    }
    vs0 = f32x4.add(vs0, ve0);
    vs1 = f32x4.add(vs1, ve1);
  }
  for (; n >= 4; n -= 4) {
    const ve = vexp_rr2_p5_nonpositive(f32x4.sub(v128.load(x), vm), fma, flush);
    x += 16;
    if (store) {
      v128.store(y, ve);
      y += 16;
    }
    vs0 = f32x4.add(vs0, ve);
  }
  if (n != 0) {
    const ve = vexp_rr2_p5_nonpositive(f32x4.sub(v128.load(x), vm), fma, flush);
    if (store) vstore_lanes(y, ve, n);
    vs1 = f32x4.add(vs1, v128.and(ve, vmask_lt(n)));
  }
  return vhsum(f32x4.add(vs0, vs1));
}

// y[i] *= s, in place.
// @ts-ignore: decorator
@inline export function rscale_u16(n: usize, y: usize, s: f32): void {
  const vs = f32x4.splat(s);
  for (; n >= 16; n -= 16) {
    v128.store(y, f32x4.mul(v128.load(y), vs));
    v128.store(y, f32x4.mul(v128.load(y, 16), vs), 16);
    v128.store(y, f32x4.mul(v128.load(y, 32), vs), 32);
    v128.store(y, f32x4.mul(v128.load(y, 48), vs), 48);
    y += 64;
  }
  for (; n >= 4; n -= 4) {
    v128.store(y, f32x4.mul(v128.load(y), vs));
    y += 16;
  }
  for (; n != 0; n--) {
    store<f32>(y, load<f32>(y) * s);
    y += 4;
  }
}

// y[i] = (x[i] - m) - c.
// @ts-ignore: decorator
@inline export function rsubsub_u16(n: usize, x: usize, m: f32, c: f32, y: usize): void {
  const vm = f32x4.splat(m);
  const vc = f32x4.splat(c);
  for (; n >= 16; n -= 16) {
    v128.store(y, f32x4.sub(f32x4.sub(v128.load(x), vm), vc));
    v128.store(y, f32x4.sub(f32x4.sub(v128.load(x, 16), vm), vc), 16);
    v128.store(y, f32x4.sub(f32x4.sub(v128.load(x, 32), vm), vc), 32);
    v128.store(y, f32x4.sub(f32x4.sub(v128.load(x, 48), vm), vc), 48);
    x += 64;
    y += 64;
  }
  for (; n >= 4; n -= 4) {
    v128.store(y, f32x4.sub(f32x4.sub(v128.load(x), vm), vc));
    x += 16;
    y += 16;
  }
  if (n != 0) vstore_lanes(y, f32x4.sub(f32x4.sub(v128.load(x), vm), vc), n);
}

// The row loop of every softmax kernel: softmax (log = false) or log_softmax (log = true) of
// each of `rows` dense rows of n. `fma` and `log` are compile-time constants at each call.
// @ts-ignore: decorator
@inline export function softmax_rows_u16(fma: bool, log: bool, rows: usize, n: usize, x: usize, y: usize): void {
  const rowBytes = n * 4;
  for (let r: usize = 0; r < rows; r++) {
    const vmm = rmaxmin_u16(n, x);
    const m = f32x4.extract_lane(vmm, 0);
    // x - m is monotone in x, so no term needs the flush when min - m does not (false for NaN).
    const noflush = f32x4.extract_lane(vmm, 1) - m >= -87.33654022216796875;
    if (log) {
      const s = noflush ? raddexpminusmax_u16(fma, false, false, n, x, m, 0) : raddexpminusmax_u16(fma, true, false, n, x, m, 0);
      rsubsub_u16(n, x, m, <f32>Math.log(<f64>s), y);
    } else {
      const s = noflush ? raddexpminusmax_u16(fma, false, true, n, x, m, y) : raddexpminusmax_u16(fma, true, true, n, x, m, y);
      rscale_u16(n, y, 1 / s);
    }
    x += rowBytes;
    y += rowBytes;
  }
}
