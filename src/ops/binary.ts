/**
 * Elementwise binary operators with full numpy/torch broadcasting: add, mul.
 *
 * How a call maps onto kernels: the two shapes are broadcast to the output shape, size-1 output
 * dims are dropped and adjacent dims that are contiguous (or broadcast) in both operands are
 * merged. The innermost merged dim is the kernel's row (n elements, SIMD), the next one its row
 * loop (rows, with a row stride per operand, 0 for broadcast), and only dims outside those two
 * are looped over in JavaScript, one wasm call each. So same-shape, scalar, bias `[..., n] op [n]`,
 * per-channel `[N, C, H, W] op [C, 1, 1]` (N calls) and `[R, n] op [R, 1]` take one or a few calls.
 * When both operands are broadcast along the innermost output dim, the op runs on the smaller
 * shape and its result is spread along that dim by multiplying with ones (exact).
 */
import { Tensor } from '../tensor.js';
import { ShapeError, fmtShape } from '../runtime/errors.js';
import type { Engine } from '../runtime/engine.js';
import { expectTensor, sameEngine } from './check.js';
import { owning } from './own.js';

type Op = 'add' | 'mul';

/** One output dim after merging: its size and each operand's stride in elements (0 = broadcast). */
interface Dim {
  size: number;
  sa: number;
  sb: number;
}

/** torch.broadcast_shapes for two shapes; throws ShapeError naming both. */
export function broadcastShapes(op: string, a: readonly number[], b: readonly number[]): number[] {
  const nd = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < nd; i++) {
    const da = a[a.length - nd + i] ?? 1;
    const db = b[b.length - nd + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new ShapeError(`${op}: shapes ${fmtShape(a)} and ${fmtShape(b)} do not broadcast (dim ${i - nd}: ${da} vs ${db})`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Element strides of `shape` aligned to `out` (0 where broadcast). */
function alignedStrides(shape: readonly number[], out: readonly number[]): number[] {
  const st = new Array<number>(out.length).fill(0);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const o = out.length - shape.length + i;
    st[o] = shape[i] === 1 ? 0 : s;
    s *= shape[i];
  }
  return st;
}

/** Drops size-1 dims and merges neighbours that are contiguous (or both broadcast) in a and b. */
function mergeDims(out: readonly number[], sa: number[], sb: number[]): Dim[] {
  const dims: Dim[] = [];
  for (let i = 0; i < out.length; i++) {
    if (out[i] === 1) continue;
    const d = { size: out[i], sa: sa[i], sb: sb[i] };
    const last = dims[dims.length - 1];
    if (last && last.sa === d.sa * d.size && last.sb === d.sb * d.size) {
      last.size *= d.size;
      last.sa = d.sa;
      last.sb = d.sb;
    } else dims.push(d);
  }
  return dims.length ? dims : [{ size: 1, sa: 1, sb: 1 }];
}

function kernelFor(e: Engine, op: Op, scalar: boolean) {
  const k = e.k;
  if (op === 'add') return scalar ? k.f32_vaddc_u8__wasmsimd : k.f32_vadd_u8__wasmsimd;
  return scalar ? k.f32_vmulc_u8__wasmsimd : k.f32_vmul_u8__wasmsimd;
}

/** y (dense over dims) = a op b, a and b addressed by the strides in dims. */
function runDims(e: Engine, op: Op, dims: Dim[], a: number, b: number, y: number): void {
  const inner = dims[dims.length - 1];
  let pa = a;
  let pb = b;
  let ia = inner.sa;
  let ib = inner.sb;
  if (ia === 0 && ib !== 0) {
    [pa, pb] = [pb, pa]; // add and mul commute: the contiguous operand goes first
    swapStrides(dims);
    [ia, ib] = [ib, ia];
  }
  if (ia === 0) {
    spreadInner(e, op, dims, pa, pb, y);
    return;
  }
  const kernel = kernelFor(e, op, ib === 0);
  const n = inner.size;
  const rowDim = dims.length >= 2 ? dims[dims.length - 2] : { size: 1, sa: 0, sb: 0 };
  const outer = dims.slice(0, Math.max(0, dims.length - 2));
  const block = n * rowDim.size;
  forEachIndex(outer, (oa, ob, iy) => kernel(rowDim.size, n, pa + 4 * oa, rowDim.sa, pb + 4 * ob, rowDim.sb, y + 4 * iy * block));
}

function swapStrides(dims: Dim[]): void {
  for (const d of dims) [d.sa, d.sb] = [d.sb, d.sa];
}

/** Both operands broadcast along the innermost dim: compute on the outer dims, then spread. */
function spreadInner(e: Engine, op: Op, dims: Dim[], a: number, b: number, y: number): void {
  const n = dims[dims.length - 1].size;
  const outerDims = dims.slice(0, -1).map((d) => ({ ...d }));
  const m = outerDims.reduce((p, d) => p * d.size, 1);
  const tmp = e.arena.alloc(4 * m);
  let ones = 0;
  try {
    ones = e.arena.alloc(4 * n);
    e.arena.f32(ones, n).fill(1);
    runDims(e, op, outerDims.length ? outerDims : [{ size: 1, sa: 1, sb: 1 }], a, b, tmp);
    e.k.f32_vmulc_u8__wasmsimd(m, n, ones, 0, tmp, 1, y);
  } finally {
    e.arena.free(tmp);
    if (ones) e.arena.free(ones);
  }
}

/** Calls fn(offsetA, offsetB, flatIndex) for every index of dims (row-major), offsets in elements. */
function forEachIndex(dims: Dim[], fn: (oa: number, ob: number, i: number) => void): void {
  const total = dims.reduce((p, d) => p * d.size, 1);
  const idx = new Array<number>(dims.length).fill(0);
  let oa = 0;
  let ob = 0;
  for (let i = 0; i < total; i++) {
    fn(oa, ob, i);
    for (let d = dims.length - 1; d >= 0; d--) {
      idx[d]++;
      oa += dims[d].sa;
      ob += dims[d].sb;
      if (idx[d] < dims[d].size) break;
      oa -= dims[d].sa * dims[d].size;
      ob -= dims[d].sb * dims[d].size;
      idx[d] = 0;
    }
  }
}

function binary(op: Op, a: Tensor, b: Tensor | number): Tensor {
  expectTensor(op, 'input', a);
  const scalar = typeof b === 'number';
  const bt = scalar ? Tensor.from([b], [], 'float32', a.engine) : expectTensor(op, 'other', b);
  try {
    const e = sameEngine(op, a, bt);
    const shape = broadcastShapes(op, a.shape, bt.shape);
    return owning((own) => {
      const y = own(Tensor.empty(shape, 'float32', e));
      if (y.numel > 0) {
        const dims = mergeDims(shape, alignedStrides(a.shape, shape), alignedStrides(bt.shape, shape));
        runDims(e, op, dims, a.ptr, bt.ptr, y.ptr); // may allocate (spreadInner)
      }
      return y;
    });
  } finally {
    if (scalar) bt.dispose();
  }
}

/** torch.add(input, other): broadcasting; `other` may be a number. */
export function add(input: Tensor, other: Tensor | number): Tensor {
  return binary('add', input, other);
}

/** torch.mul(input, other): broadcasting; `other` may be a number. */
export function mul(input: Tensor, other: Tensor | number): Tensor {
  return binary('mul', input, other);
}
