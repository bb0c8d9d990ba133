/** Float64 references for reductions over any dim set (keepdim handled by the caller's shape). */

/** Reduces `x` of `shape` over `dims` (sorted, non-negative) with init/comb/post in f64. */
export function reduceRef(
  x: ArrayLike<number>, shape: number[], dims: number[], init: number, comb: (acc: number, v: number) => number, post: (acc: number, count: number) => number = (a) => a,
): { shape: number[]; y: Float64Array } {
  const out = shape.map((d, i) => (dims.includes(i) ? 1 : d));
  const total = out.reduce((p, d) => p * d, 1);
  const acc = new Float64Array(total).fill(init);
  const strides = out.map((_, i) => out.slice(i + 1).reduce((p, d) => p * d, 1));
  const n = shape.reduce((p, d) => p * d, 1);
  const idx = new Array(shape.length).fill(0);
  for (let f = 0; f < n; f++) {
    let r = f;
    for (let d = shape.length - 1; d >= 0; d--) {
      idx[d] = r % shape[d];
      r = Math.floor(r / shape[d]);
    }
    let o = 0;
    for (let d = 0; d < shape.length; d++) o += (dims.includes(d) ? 0 : idx[d]) * strides[d];
    acc[o] = comb(acc[o], x[f]);
  }
  const count = dims.reduce((p, d) => p * shape[d], 1);
  return { shape: shape.filter((_, i) => !dims.includes(i)), y: acc.map((a) => post(a, count)) };
}
