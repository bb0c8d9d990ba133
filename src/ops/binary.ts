/**
 * Elementwise binary arithmetic with full numpy/torch broadcasting: add, sub, mul, div, pow,
 * maximum, minimum, fmod, remainder, prelu.
 *
 * float32 (add sub mul div maximum minimum prelu) runs on the f32-vbinary SIMD kernels. How a call
 * maps onto them: the two shapes are broadcast to the output shape, size-1 output dims are
 * dropped and adjacent dims that are contiguous (or broadcast) in both operands are merged
 * (ops/broadcast.ts). The innermost merged dim is the kernel's row (n elements, SIMD), the next
 * one its row loop (rows, with a row stride per operand, 0 for broadcast), and only dims outside
 * those two are looped over in JavaScript, one wasm call each. So same-shape, scalar, bias
 * `[..., n] op [n]`, per-channel `[N, C, H, W] op [C, 1, 1]` (N calls) and `[R, n] op [R, 1]` take
 * one or a few calls. When only the first operand is broadcast along the innermost dim, the
 * operands are swapped: commutative ops as they are, sub/div through their reversed scalar
 * kernels (vrsubc, vrdivc). When both are broadcast along it, the op runs on the smaller shape and
 * its result is spread along that dim by multiplying with ones (exact).
 *
 * Integer and bool tensors (shape arithmetic: int64 Add/Sub/Mul/Div), pow, fmod and remainder go
 * through the typed-array path (ops/broadcast.ts mapElements), exact per element. Types promote
 * as torch.result_type (an int tensor with a float32 one, or with a non-integer number, computes
 * in float32; int32 with int64 in int64); a number operand takes the tensor's dtype when that is
 * an integer dtype and the number an integer.
 */
import { Tensor, type DType } from '../tensor.js';
import { ArgumentError, DTypeError, fmtShape } from '../runtime/errors.js';
import type { Engine } from '../runtime/engine.js';
import type { BaselineKernels } from '../runtime/exports.js';
import { expectTensor, sameEngine } from './check.js';
import { broadcastDims, broadcastShapes, forEachIndex, mapElements, promoteTypes, type Dim, type Scalar } from './broadcast.js';
import { asDType } from './cast.js';
import { owning } from './own.js';
import { SPLIT, runSplit } from '../threads/split.js';

export { broadcastShapes } from './broadcast.js';

export type BinaryOp = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'fmod' | 'remainder' | 'prelu';

type VKernel = BaselineKernels['f32_vadd_u8__wasmsimd'];
type KName = { [K in keyof BaselineKernels]: BaselineKernels[K] extends VKernel ? K : never }[keyof BaselineKernels];

/** The f32-vbinary kernels of an op: vector form, scalar-per-row form, reversed scalar form (b[r] op a[i]). */
interface SimdOp {
  vec: KName;
  c: KName;
  rc?: KName;
  commutative?: boolean;
}

const SIMD: Partial<Record<BinaryOp, SimdOp>> = {
  add: { vec: 'f32_vadd_u8__wasmsimd', c: 'f32_vaddc_u8__wasmsimd', commutative: true },
  mul: { vec: 'f32_vmul_u8__wasmsimd', c: 'f32_vmulc_u8__wasmsimd', commutative: true },
  sub: { vec: 'f32_vsub_u8__wasmsimd', c: 'f32_vsubc_u8__wasmsimd', rc: 'f32_vrsubc_u8__wasmsimd' },
  div: { vec: 'f32_vdiv_u8__wasmsimd', c: 'f32_vdivc_u8__wasmsimd', rc: 'f32_vrdivc_u8__wasmsimd' },
  // f32x4.max/min: NaN-propagating and symmetric (max(-0, 0) = 0 both ways): commutative.
  maximum: { vec: 'f32_vmax_u8__wasmsimd', c: 'f32_vmaxc_u8__wasmsimd', commutative: true },
  minimum: { vec: 'f32_vmin_u8__wasmsimd', c: 'f32_vminc_u8__wasmsimd', commutative: true },
  prelu: { vec: 'f32_vprelu_u8__wasmsimd', c: 'f32_vpreluc_u8__wasmsimd' },
};

/** C fmod for numbers (sign of the dividend) and Python's % (sign of the divisor, torch.remainder). */
function pyMod(p: number, q: number): number {
  const r = p % q;
  return r !== 0 && r < 0 !== q < 0 ? r + q : r;
}
function pyModBig(p: bigint, q: bigint): bigint {
  const r = p % q;
  return r !== 0n && r < 0n !== q < 0n ? r + q : r;
}

export type RoundingMode = 'trunc' | 'floor';

/** Element functions of the typed-array path: float (numbers, f64 then rounded), int32/uint8 (numbers), int64 (bigint). */
function elementFn(op: BinaryOp, dtype: DType, rounding: RoundingMode | undefined): (p: Scalar, q: Scalar) => Scalar {
  const float = dtype === 'float32';
  if (dtype === 'int64') {
    const f = bigFn(op, rounding);
    return f as (p: Scalar, q: Scalar) => Scalar;
  }
  const round = rounding === 'floor' ? Math.floor : Math.trunc;
  const fns: Record<BinaryOp, (p: number, q: number) => number> = {
    add: (p, q) => p + q,
    sub: (p, q) => p - q,
    mul: float ? (p, q) => p * q : (p, q) => Math.imul(p, q),
    div: float ? (rounding ? (p, q) => round(Math.fround(p / q)) : (p, q) => p / q) : (p, q) => intDiv(p, q, round),
    // C pow: pow(1, y) = 1 and pow(x, 0) = 1 even for NaN (Math.pow(1, NaN) is NaN).
    pow: float ? (p, q) => (p === 1 ? 1 : Math.pow(p, q)) : (p, q) => (q < 0 ? intPowNeg(p, q) : Math.pow(p, q)),
    maximum: (p, q) => (Number.isNaN(p) || Number.isNaN(q) ? NaN : Math.max(p, q)),
    minimum: (p, q) => (Number.isNaN(p) || Number.isNaN(q) ? NaN : Math.min(p, q)),
    fmod: float ? (p, q) => p % q : (p, q) => (q === 0 ? zeroDivision('fmod') : p % q),
    remainder: float ? pyMod : (p, q) => (q === 0 ? zeroDivision('remainder') : pyMod(p, q)),
    prelu: (p, q) => (p < 0 ? p * q : p),
  };
  return fns[op] as (p: Scalar, q: Scalar) => Scalar;
}

function zeroDivision(op: string): never {
  throw new ArgumentError(`${op}: integer division by zero (other has a 0 element)`);
}

function intDiv(p: number, q: number, round: (v: number) => number): number {
  if (q === 0) zeroDivision('div');
  return round(p / q);
}

/** Integer x^y for y < 0 as C integer arithmetic: 1 / x^|y| truncated (1, +-1 for x = -1, else 0). */
function intPowNeg(p: number, q: number): number {
  if (p === 1) return 1;
  if (p === -1) return Math.abs(q) % 2 === 1 ? -1 : 1;
  if (p === 0) zeroDivision('pow');
  return 0;
}

function bigFn(op: BinaryOp, rounding: RoundingMode | undefined): (p: bigint, q: bigint) => bigint {
  switch (op) {
    case 'add':
      return (p, q) => BigInt.asIntN(64, p + q);
    case 'sub':
      return (p, q) => BigInt.asIntN(64, p - q);
    case 'mul':
      return (p, q) => BigInt.asIntN(64, p * q);
    case 'div':
      return (p, q) => {
        if (q === 0n) zeroDivision('div');
        const t = p / q; // truncates toward zero
        return rounding === 'floor' && t * q !== p && p < 0n !== q < 0n ? t - 1n : t;
      };
    case 'pow':
      return (p, q) => (q < 0n ? BigInt(intPowNeg(Number(p), Number(q))) : BigInt.asIntN(64, p ** q));
    case 'maximum':
      return (p, q) => (p > q ? p : q);
    case 'minimum':
      return (p, q) => (p < q ? p : q);
    case 'fmod':
      return (p, q) => (q === 0n ? zeroDivision('fmod') : p % q);
    case 'remainder':
      return (p, q) => (q === 0n ? zeroDivision('remainder') : pyModBig(p, q));
    case 'prelu':
      return (p, q) => (p < 0n ? p * q : p);
  }
}

/** y (dense over dims) = a op b on the f32 kernels, a and b addressed by the strides in dims (st[0] = a, st[1] = b). */
function runDims(e: Engine, k: SimdOp, dims: Dim[], a: number, b: number, y: number): void {
  const [ia, ib] = dims[dims.length - 1].st;
  if (ia === 0 && ib !== 0) {
    if (k.commutative || k.rc) {
      // The contiguous operand goes first; the reversed scalar kernel keeps a - b / a / b.
      const swapped = dims.map((d) => ({ size: d.size, st: [d.st[1], d.st[0]] }));
      runRows(e, k.commutative ? k : { vec: k.vec, c: k.rc! }, swapped, b, a, y);
      return;
    }
    throw new ArgumentError(`${k.vec}: the first operand must not be broadcast along the last dim (internal)`);
  }
  if (ia === 0) {
    spreadInner(e, k, dims, a, b, y);
    return;
  }
  runRows(e, k, dims, a, b, y);
}

/** The kernel calls when a is contiguous along the innermost dim (b contiguous: vec form; broadcast: c form). */
function runRows(e: Engine, k: SimdOp, dims: Dim[], a: number, b: number, y: number): void {
  const inner = dims[dims.length - 1];
  const kernel = e.k[inner.st[1] === 0 ? k.c : k.vec];
  const n = inner.size;
  const rowDim = dims.length >= 2 ? dims[dims.length - 2] : { size: 1, st: [0, 0] };
  const outer = dims.slice(0, Math.max(0, dims.length - 2));
  const block = n * rowDim.size;
  if (outer.length === 0 && splitBinary(e, kernel, rowDim, n, a, b, inner.st[1], y)) return;
  forEachIndex(outer, 2, (off, iy) => kernel(rowDim.size, n, a + 4 * off[0], rowDim.st[0], b + 4 * off[1], rowDim.st[1], y + 4 * iy * block));
}

/** One kernel call over the pool when big enough: by rows, or by 16-aligned columns of one row (ib: b's inner stride, 0 = broadcast). */
function splitBinary(e: Engine, kernel: unknown, row: Dim, n: number, a: number, b: number, ib: number, y: number): boolean {
  const total = row.size * n;
  const [sa, sb] = row.st;
  if (row.size > 1) {
    return runSplit(e, kernel, row.size, 1, total, SPLIT.elementsPerThread, (s, t) => [t - s, n, a + 4 * s * sa, sa, b + 4 * s * sb, sb, y + 4 * s * n]);
  }
  return runSplit(e, kernel, n, 16, total, SPLIT.elementsPerThread, (s, t) => [1, t - s, a + 4 * s, sa, b + 4 * s * ib, sb, y + 4 * s]);
}

/** Both operands broadcast along the innermost dim: compute on the outer dims, then spread. */
function spreadInner(e: Engine, k: SimdOp, dims: Dim[], a: number, b: number, y: number): void {
  const n = dims[dims.length - 1].size;
  const outerDims = dims.slice(0, -1).map((d) => ({ size: d.size, st: d.st.slice() }));
  const m = outerDims.reduce((p, d) => p * d.size, 1);
  const tmp = e.arena.alloc(4 * m);
  const ones = e.arena.alloc(4 * n);
  try {
    e.arena.f32(ones, n).fill(1);
    runDims(e, k, outerDims.length ? outerDims : [{ size: 1, st: [1, 1] }], a, b, tmp);
    e.k.f32_vmulc_u8__wasmsimd(m, n, ones, 0, tmp, 1, y);
  } finally {
    e.arena.free(tmp);
    e.arena.free(ones);
  }
}

const NUMERIC: DType[] = ['float32', 'int32', 'int64', 'uint8', 'bool'];

/** A number operand as a 0-d tensor: the tensor's integer dtype for an integer, else float32. */
export function scalarTensor(v: number, like: Tensor): Tensor {
  const int = like.dtype !== 'float32' && Number.isInteger(v);
  const dtype: DType = int ? (like.dtype === 'bool' ? 'int64' : like.dtype) : 'float32';
  return Tensor.from([v], [], dtype, like.engine);
}

export interface BinaryOptions {
  /** div only: 'trunc' or 'floor' rounds the quotient (torch.div rounding_mode); default true division. */
  roundingMode?: RoundingMode;
}

/** The shared driver: checks, promotes, picks the SIMD or the typed-array path. */
export function binary(op: BinaryOp, a: Tensor, b: Tensor | number, options: BinaryOptions = {}): Tensor {
  expectTensor(op, 'input', a, NUMERIC);
  const scalar = typeof b === 'number';
  if (!scalar) expectTensor(op, 'other', b, NUMERIC);
  const rounding = options.roundingMode;
  if (rounding !== undefined && rounding !== 'trunc' && rounding !== 'floor') {
    throw new ArgumentError(`${op}: roundingMode must be 'trunc', 'floor' or undefined, got ${JSON.stringify(rounding)}`);
  }
  const bt = scalar ? scalarTensor(b, a) : b;
  const owned: Tensor[] = scalar ? [bt] : [];
  try {
    const e = sameEngine(op, a, bt);
    let dtype = promoteTypes(a.dtype, bt.dtype);
    if (dtype === 'bool') {
      throw new DTypeError(`${op}: input and other are bool (shapes ${fmtShape(a.shape)}, ${fmtShape(bt.shape)}), expected numbers: use logicalAnd/logicalOr for bool`);
    }
    // torch.div: integer inputs divide as floats unless a rounding mode is given.
    if (op === 'div' && dtype !== 'float32' && rounding === undefined) dtype = 'float32';
    const pa = asDType(a, dtype);
    if (pa.owned) owned.push(pa.t);
    const pb = asDType(bt, dtype);
    if (pb.owned) owned.push(pb.t);
    const simd = SIMD[op];
    if (dtype === 'float32' && simd && !(op === 'div' && rounding)) {
      const shape = broadcastShapes(op, pa.t.shape, pb.t.shape);
      return owning((own) => {
        const y = own(Tensor.empty(shape, 'float32', e));
        if (y.numel > 0) runDims(e, simd, broadcastDims(shape, [pa.t.shape, pb.t.shape]), pa.t.ptr, pb.t.ptr, y.ptr); // may allocate (spreadInner)
        return y;
      });
    }
    return mapElements(op, e, [pa.t, pb.t], dtype, elementFn(op, dtype, rounding));
  } finally {
    for (const t of owned) t.dispose();
  }
}

/** torch.add(input, other): broadcasting; `other` may be a number. */
export function add(input: Tensor, other: Tensor | number): Tensor {
  return binary('add', input, other);
}

/** torch.sub(input, other): input - other, broadcasting. */
export function sub(input: Tensor, other: Tensor | number): Tensor {
  return binary('sub', input, other);
}

/** torch.mul(input, other): broadcasting; `other` may be a number. */
export function mul(input: Tensor, other: Tensor | number): Tensor {
  return binary('mul', input, other);
}

/** torch.div(input, other, rounding_mode=None): true division (ints give float32) unless roundingMode is 'trunc' or 'floor'. */
export function div(input: Tensor, other: Tensor | number, options: BinaryOptions = {}): Tensor {
  return binary('div', input, other, options);
}

/** torch.pow(input, exponent): C pow semantics (pow(x, 0) = 1, pow(1, y) = 1, NaN otherwise propagates). */
export function pow(input: Tensor, exponent: Tensor | number): Tensor {
  return isSquare(input, exponent) ? binary('mul', input, input) : binary('pow', input, exponent);
}

/**
 * A float32 base to the power of a single 2 that broadcasts to the base's shape (x ** 2, the
 * variance in exported LayerNorms and STFT magnitudes) runs as x * x on the SIMD kernel: the
 * same bits, since the float32 product rounds the exact square once, as float64 pow then rounding
 * does (NaN, infinities and -0 included).
 */
function isSquare(input: Tensor, exponent: Tensor | number): boolean {
  if (!(input instanceof Tensor) || input.dtype !== 'float32' || input.isDisposed) return false;
  if (typeof exponent === 'number') return exponent === 2;
  if (!(exponent instanceof Tensor) || exponent.isDisposed || exponent.engine !== input.engine || exponent.numel !== 1 || exponent.shape.length > input.shape.length) return false;
  if (exponent.dtype !== 'float32' && exponent.dtype !== 'int32' && exponent.dtype !== 'int64') return false;
  return Number((exponent.data() as ArrayLike<number | bigint>)[0]) === 2;
}

/** torch.maximum: elementwise max, NaN propagates. */
export function maximum(input: Tensor, other: Tensor | number): Tensor {
  return binary('maximum', input, other);
}

/** torch.minimum: elementwise min, NaN propagates. */
export function minimum(input: Tensor, other: Tensor | number): Tensor {
  return binary('minimum', input, other);
}

/** torch.fmod: C fmod, the result has the sign of the dividend. */
export function fmod(input: Tensor, other: Tensor | number): Tensor {
  return binary('fmod', input, other);
}

/** torch.remainder: Python's %, the result has the sign of the divisor. */
export function remainder(input: Tensor, other: Tensor | number): Tensor {
  return binary('remainder', input, other);
}
