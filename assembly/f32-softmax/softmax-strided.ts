// softmax / log_softmax along the middle axis of a dense [outer, n, inner] array (PyTorch's
// softmax over any dim but the last): four neighbouring columns (inner indices) are done at once,
// one per lane, each lane walking its n elements at a stride of `inner` floats. Three passes per
// block of four columns (max; exp, sum [and store]; scale or subtract); a last block of fewer
// than four columns computes junk in the spare lanes (lanes never mix) and stores only the valid
// ones. Reads up to 12 B past the end of x (and of y when it re-reads y); never writes past y.
import { vexp_rr2_p5_nonpositive } from '../common/vmath';
import { vstore_lanes } from '../common/vrow';

// @ts-ignore: decorator
@inline function vstore_k(p: usize, v: v128, k: usize): void {
  if (k == 4) v128.store(p, v);
  else vstore_lanes(p, v, k);
}

// log of each lane (f64 per lane; one call per block of four columns, not per element).
// @ts-ignore: decorator
@inline function vlog_lanes(v: v128): v128 {
  let r = f32x4.splat(<f32>Math.log(<f64>f32x4.extract_lane(v, 0)));
  r = f32x4.replace_lane(r, 1, <f32>Math.log(<f64>f32x4.extract_lane(v, 1)));
  r = f32x4.replace_lane(r, 2, <f32>Math.log(<f64>f32x4.extract_lane(v, 2)));
  return f32x4.replace_lane(r, 3, <f32>Math.log(<f64>f32x4.extract_lane(v, 3)));
}

// One block of k (1..4) columns starting at x / y; stride in bytes between the n elements.
// @ts-ignore: decorator
@inline function softmax_columns4(log: bool, n: usize, stride: usize, x: usize, y: usize, k: usize): void {
  let vm = f32x4.splat(-Infinity);
  for (let j: usize = 0, p = x; j < n; j++, p += stride) vm = f32x4.pmax(vm, v128.load(p));
  let vs = f32x4.splat(0);
  for (let j: usize = 0, p = x, q = y; j < n; j++, p += stride, q += stride) {
    const ve = vexp_rr2_p5_nonpositive(f32x4.sub(v128.load(p), vm));
    if (!log) vstore_k(q, ve, k);
    vs = f32x4.add(vs, ve);
  }
  if (log) {
    const vl = vlog_lanes(vs);
    for (let j: usize = 0, p = x, q = y; j < n; j++, p += stride, q += stride) {
      vstore_k(q, f32x4.sub(f32x4.sub(v128.load(p), vm), vl), k);
    }
  } else {
    const vr = f32x4.div(f32x4.splat(1), vs);
    for (let j: usize = 0, q = y; j < n; j++, q += stride) vstore_k(q, f32x4.mul(v128.load(q), vr), k);
  }
}

// @ts-ignore: decorator
@inline export function softmax_strided(log: bool, outer: usize, n: usize, inner: usize, x: usize, y: usize): void {
  const stride = inner * 4;
  const block = n * stride;
  for (let o: usize = 0; o < outer; o++) {
    let i: usize = 0;
    for (; i + 4 <= inner; i += 4) softmax_columns4(log, n, stride, x + i * 4, y + i * 4, 4);
    if (i < inner) softmax_columns4(log, n, stride, x + i * 4, y + i * 4, inner - i);
    x += block;
    y += block;
  }
}
