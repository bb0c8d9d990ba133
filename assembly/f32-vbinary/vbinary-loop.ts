// The one loop every f32-vbinary kernel shares, over `rows` rows of n elements:
//   vector form:  y[r*n + i] = a[r*sa + i] op b[r*sb + i]
//   scalar form:  y[r*n + i] = a[r*sa + i] op b[r*sb]        (b broadcast along the row)
// sa/sb are row strides in ELEMENTS (0 broadcasts a whole row: sb = 0 is the bias form
// x[rows, n] op b[n]; scalar form with sb = 0 is the "c" form x op c). y is dense [rows, n].
// 8 elements per iteration, then 4, then a 2/1 lane tail that loads one full vector (reads up to
// 16 B past the end of a and b rows; the arena pads) and stores only valid lanes (never writes
// past y + 4*rows*n). `op` and `scalar` are compile-time constants at every call site.

// @ts-ignore: decorator
@inline export const VBOP_ADD: i32 = 1;
// @ts-ignore: decorator
@inline export const VBOP_MUL: i32 = 2;

// @ts-ignore: decorator
@inline export const VBOP_SUB: i32 = 3;
// @ts-ignore: decorator
@inline export const VBOP_DIV: i32 = 4;
// @ts-ignore: decorator
@inline export const VBOP_MAX: i32 = 5;
// @ts-ignore: decorator
@inline export const VBOP_MIN: i32 = 6;
// Reversed operands (y = b op a) for the non-commutative ops: the scalar form then computes
// c - a[i] / c / a[i], which the operator needs when the broadcast operand is the first one.
// @ts-ignore: decorator
@inline export const VBOP_RSUB: i32 = 7;
// @ts-ignore: decorator
@inline export const VBOP_RDIV: i32 = 8;
// @ts-ignore: decorator
@inline export const VBOP_PRELU: i32 = 9;

// @ts-ignore: decorator
@inline function vbop(op: i32, va: v128, vb: v128): v128 {
  if (op == VBOP_ADD) return f32x4.add(va, vb);
  if (op == VBOP_MUL) return f32x4.mul(va, vb);
  if (op == VBOP_SUB) return f32x4.sub(va, vb);
  if (op == VBOP_DIV) return f32x4.div(va, vb);
  // f32x4.max/min propagate NaN (torch.maximum/minimum), unlike pmax/pmin.
  if (op == VBOP_MAX) return f32x4.max(va, vb);
  if (op == VBOP_MIN) return f32x4.min(va, vb);
  if (op == VBOP_RSUB) return f32x4.sub(vb, va);
  if (op == VBOP_RDIV) return f32x4.div(vb, va);
  // prelu: a < 0 ? a * b : a (b the slope); NaN passes through.
  if (op == VBOP_PRELU) return v128.bitselect(f32x4.mul(va, vb), va, f32x4.lt(va, f32x4.splat(0)));
  unreachable();
  return va;
}

// @ts-ignore: decorator
@inline export function vbinary_u8(op: i32, scalar: bool, rows: usize, n: usize, a: usize, sa: usize, b: usize, sb: usize, y: usize): void {
  for (let r: usize = 0; r < rows; r++) {
    let pa = a + r * sa * 4;
    let pb = b + r * sb * 4;
    const vc = v128.load32_splat(pb);
    let k = n;
    for (; k >= 8; k -= 8) {
      const va0123 = v128.load(pa);
      const va4567 = v128.load(pa, 16);
      pa += 32;
      let vb0123 = vc;
      let vb4567 = vc;
      if (!scalar) {
        vb0123 = v128.load(pb);
        vb4567 = v128.load(pb, 16);
        pb += 32;
      }
      v128.store(y, vbop(op, va0123, vb0123));
      v128.store(y, vbop(op, va4567, vb4567), 16);
      y += 32;
    }
    if (k >= 4) {
      const vb = scalar ? vc : v128.load(pb);
      v128.store(y, vbop(op, v128.load(pa), vb));
      pa += 16; y += 16; k -= 4;
      if (!scalar) pb += 16;
    }
    if (k != 0) {
      const vb = scalar ? vc : v128.load(pb);
      let vy = vbop(op, v128.load(pa), vb);
      if (k & 2) {
        v128.store64_lane(y, vy, 0);
        vy = v128.shuffle<f32>(vy, vy, 2, 3, 2, 3);
        y += 8;
      }
      if (k & 1) {
        v128.store32_lane(y, vy, 0);
        y += 4;
      }
    }
  }
}
