/**
 * Independent references for data-movement ops: a plain row-major nd-array (numbers) and each op
 * written as an index loop over the OUTPUT (out[i] = in[f(i)]), never through strides, so they
 * share no logic with the strided views and copy kernels they check.
 */
export interface Nd {
  shape: number[];
  data: number[];
}

export function numel(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function unravel(f: number, shape: number[]): number[] {
  const idx = new Array<number>(shape.length);
  for (let k = shape.length - 1; k >= 0; k--) {
    idx[k] = f % shape[k];
    f = Math.floor(f / shape[k]);
  }
  return idx;
}

export function ravel(idx: number[], shape: number[]): number {
  let f = 0;
  for (let k = 0; k < shape.length; k++) f = f * shape[k] + idx[k];
  return f;
}

export function nd(shape: number[], gen: (i: number) => number = (i) => i): Nd {
  return { shape, data: Array.from({ length: numel(shape) }, (_, i) => gen(i)) };
}

/** out[idx] = x[map(idx)] over outShape. */
export function mapIndex(x: Nd, outShape: number[], map: (idx: number[]) => number[]): Nd {
  const data = new Array<number>(numel(outShape));
  for (let f = 0; f < data.length; f++) data[f] = x.data[ravel(map(unravel(f, outShape)), x.shape)];
  return { shape: outShape, data };
}

export const permuteRef = (x: Nd, p: number[]): Nd =>
  mapIndex(x, p.map((d) => x.shape[d]), (i) => {
    const src = new Array<number>(p.length);
    p.forEach((d, k) => (src[d] = i[k]));
    return src;
  });

/** Python slice along dim with explicit (already resolved) indices list. */
export function takeRef(x: Nd, dim: number, indices: number[]): Nd {
  const shape = x.shape.slice();
  shape[dim] = indices.length;
  return mapIndex(x, shape, (i) => i.map((v, k) => (k === dim ? indices[v] : v)));
}

/** Python's range(n)[start:end:step] (the list of indices). */
export function pySlice(n: number, start: number | null, end: number | null, step: number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  const norm = (v: number | null, dflt: number, lo: number, hi: number) => (v === null ? dflt : v < 0 ? Math.max(v + n, lo) : Math.min(v, hi));
  const out: number[] = [];
  if (step > 0) {
    const s = norm(start, 0, 0, n);
    const e = norm(end, n, 0, n);
    for (let i = s; i < e; i += step) out.push(all[i]);
  } else {
    const s = norm(start, n - 1, -1, n - 1);
    const e = norm(end, -1, -1, n - 1);
    for (let i = s; i > e; i += step) out.push(all[i]);
  }
  return out;
}

export function selectRef(x: Nd, dim: number, index: number): Nd {
  const t = takeRef(x, dim, [index < 0 ? index + x.shape[dim] : index]);
  return { shape: t.shape.filter((_, k) => k !== dim), data: t.data };
}

export function expandRef(x: Nd, sizes: number[]): Nd {
  const lead = sizes.length - x.shape.length;
  return mapIndex(x, sizes, (i) => x.shape.map((n, k) => (n === 1 ? 0 : i[k + lead])));
}

export function repeatRef(x: Nd, reps: number[]): Nd {
  const lead = reps.length - x.shape.length;
  const shape = [...Array(lead).fill(1), ...x.shape];
  const y: Nd = { shape, data: x.data };
  return mapIndex(y, reps.map((r, k) => r * shape[k]), (i) => i.map((v, k) => v % shape[k]));
}

export function catRef(xs: Nd[], dim: number): Nd {
  const shape = xs[0].shape.slice();
  shape[dim] = xs.reduce((a, x) => a + x.shape[dim], 0);
  const data = new Array<number>(numel(shape));
  for (let f = 0; f < data.length; f++) {
    const i = unravel(f, shape);
    let at = i[dim];
    let j = 0;
    while (at >= xs[j].shape[dim]) at -= xs[j++].shape[dim];
    const src = i.slice();
    src[dim] = at;
    data[f] = xs[j].data[ravel(src, xs[j].shape)];
  }
  return { shape, data };
}

export function padRef(x: Nd, pads: number[], mode: 'constant' | 'reflect' | 'replicate' | 'circular', value = 0): Nd {
  // pads in F.pad order: last dim first, (left, right) pairs
  const nd = x.shape.length;
  const lo = new Array<number>(nd).fill(0);
  const hi = new Array<number>(nd).fill(0);
  for (let k = 0; k < pads.length / 2; k++) {
    lo[nd - 1 - k] = pads[2 * k];
    hi[nd - 1 - k] = pads[2 * k + 1];
  }
  const shape = x.shape.map((n, k) => n + lo[k] + hi[k]);
  const data = new Array<number>(numel(shape));
  for (let f = 0; f < data.length; f++) {
    const i = unravel(f, shape);
    let inside = true;
    const src = i.map((v, k) => {
      const n = x.shape[k];
      let s = v - lo[k];
      if (s >= 0 && s < n) return s;
      if (mode === 'constant') inside = false;
      else if (mode === 'replicate') s = s < 0 ? 0 : n - 1;
      else if (mode === 'circular') s = ((s % n) + n) % n;
      else s = s < 0 ? -s : 2 * (n - 1) - s;
      return s;
    });
    data[f] = inside ? x.data[ravel(src, x.shape)] : value;
  }
  return { shape, data };
}
