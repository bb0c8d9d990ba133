/**
 * Tensor.to(dtype) / ONNX Cast between the dtypes Tensor holds (float32, int64, int32, uint8,
 * bool). Always a new tensor (a copy when the dtype is unchanged).
 *   float -> int: truncation toward zero (C, numpy astype, torch); NaN, +-Inf and values outside
 *     the target's range give the target's minimum for int32/int64 (what x86's cvtt* instructions,
 *     hence numpy and torch, produce), and wrap modulo 256 for uint8 (NaN -> 0).
 *   int -> int: two's-complement wrap (int64 -> int32 keeps the low 32 bits).
 *   int -> float32: nearest float32. any -> bool: value != 0 (NaN -> true).
 */
import { Tensor, type DType } from '../tensor.js';
import { expectTensor } from './check.js';
import { mapElements, type Scalar } from './broadcast.js';
import { DTypeError } from '../runtime/errors.js';

const ALL: DType[] = ['float32', 'int32', 'int64', 'bool', 'uint8'];
const INT64_MIN = -(2n ** 63n);

function toInt64(v: Scalar): bigint {
  if (typeof v === 'bigint') return v;
  if (!Number.isFinite(v) || Math.abs(v) >= 2 ** 63) return INT64_MIN;
  return BigInt(Math.trunc(v));
}

function converter(to: DType): (v: Scalar) => Scalar {
  switch (to) {
    case 'float32':
      return (v) => Number(v);
    case 'int64':
      return toInt64;
    case 'int32':
      return (v) => (typeof v === 'bigint' ? Number(BigInt.asIntN(32, v)) : !Number.isFinite(v) || Math.abs(v) >= 2 ** 31 ? -(2 ** 31) : Math.trunc(v));
    case 'uint8':
      return (v) => (typeof v === 'bigint' ? Number(BigInt.asUintN(8, v)) : Number.isFinite(v) ? Math.trunc(v) & 255 : 0);
    default:
      return (v) => (v !== 0 && v !== 0n ? 1 : 0); // 0, -0, 0n -> false; NaN -> true
  }
}

/** x converted to `dtype` (torch's Tensor.to(dtype); ONNX Cast): a new tensor. */
export function cast(x: Tensor, dtype: DType): Tensor {
  expectTensor('cast', 'input', x, ALL);
  if (!ALL.includes(dtype)) throw new DTypeError(`cast: dtype must be one of ${ALL.join(', ')}, got ${JSON.stringify(dtype)}`);
  if (x.dtype === dtype) {
    // A byte copy (x.ptr is the dense copy of a strided view), taken after allocating y.
    const y = Tensor.empty(x.shape, dtype, x.engine);
    const src = x.ptr;
    y.bytes().set(x.engine.arena.u8(src, x.byteLength));
    return y;
  }
  const f = converter(dtype);
  return mapElements('cast', x.engine, [x], dtype, f);
}

/** `t` itself when it already has `dtype`, else a converted copy; `owned` says whether the caller must dispose it. */
export function asDType(t: Tensor, dtype: DType): { t: Tensor; owned: boolean } {
  return t.dtype === dtype ? { t, owned: false } : { t: cast(t, dtype), owned: true };
}
