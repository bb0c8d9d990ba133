/**
 * Quantization operators (the ONNX front end's QuantizeLinear / DequantizeLinear /
 * DynamicQuantizeLinear / MatMulInteger / ConvInteger and their QLinear* compositions; the torch
 * front end's int8 layers use ops/qgemm.ts). Quantized values live in uint8 tensors, or for int8
 * in 'int8' tensors, or 'int32' ones (how the ONNX loader stores int8): `QType` names the range.
 *
 * - quantizeLinear: q = saturate(rint(x / scale) + zp), rint = round half to even, x / scale in
 *   f32; per tensor (scalar scale) or per axis (1-D scale along `axis`). NaN quantizes to the zero
 *   point (an integer cannot hold NaN: the one place a NaN becomes a number, as in onnxruntime).
 * - dequantizeLinear: y = (q - zp) * scale (f32), per tensor or per axis.
 * - dynamicQuantizeLinear: ONNX's uint8 rule: scale = (max(0, max x) - min(0, min x)) / 255,
 *   zp = saturate(rint(-min / scale)); an all-zero input gets scale 0, zp 0, codes 0 (so it
 *   dequantizes to 0); a NaN input gets scale NaN (dequantizes to NaN, never to a number).
 * - matmulInteger: int32 (A - a_zp)(B - b_zp), numpy matmul broadcasting, a_zp per tensor or per
 *   row of A, b_zp per tensor or per column of B; exact integer arithmetic.
 */
import { Tensor, type DType } from '../tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../runtime/errors.js';

export type QType = 'uint8' | 'int8';

export const QRANGE: Record<QType, [number, number]> = { uint8: [0, 255], int8: [-128, 127] };

/** Round half to even. */
export function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function values(t: Tensor): Float64Array {
  return Float64Array.from(t.toTypedArray() as ArrayLike<number | bigint>, (v) => Number(v));
}

/** Index of the per-axis parameter of every element: (i / inner) % dim, or 0 per tensor. */
function paramIndex(shape: readonly number[], n: number, axis: number | null): (i: number) => number {
  if (axis === null) return () => 0;
  let inner = 1;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d];
  const dim = shape[axis];
  void n;
  return (i) => Math.floor(i / inner) % dim;
}

/** Checks scale/zp against x and resolves the axis (null = per tensor). */
function qparams(op: string, x: Tensor, scale: Tensor, zp: Tensor | null, axis: number): number | null {
  if (scale.numel === 1 && scale.ndim <= 1) {
    if (zp && zp.numel !== 1) throw new ShapeError(`${op}: zero point must be a scalar like the scale, got ${fmtShape(zp.shape)}`);
    return null;
  }
  if (scale.ndim !== 1) throw new ShapeError(`${op}: scale must be a scalar or 1-D, got ${fmtShape(scale.shape)}`);
  const a = axis < 0 ? axis + x.ndim : axis;
  if (a < 0 || a >= x.ndim) throw new ArgumentError(`${op}: axis ${axis} is out of range for input ${fmtShape(x.shape)}`);
  if (scale.numel !== x.shape[a]) throw new ShapeError(`${op}: per-axis scale has ${scale.numel} values, axis ${a} of ${fmtShape(x.shape)} has ${x.shape[a]}`);
  if (zp && zp.numel !== scale.numel) throw new ShapeError(`${op}: zero point ${fmtShape(zp.shape)} must match the scale ${fmtShape(scale.shape)}`);
  return a;
}

/** QuantizeLinear: into a tensor of `dtype` ('uint8', 'int8' or 'int32' holding int8 values) with the range of `qtype`. */
export function quantizeLinear(x: Tensor, scale: Tensor, zp: Tensor | null, axis: number, qtype: QType, dtype: DType = qtype): Tensor {
  const a = qparams('quantizeLinear', x, scale, zp, axis);
  const [lo, hi] = QRANGE[qtype];
  const xv = x.toFloat32Array();
  const sv = scale.toFloat32Array();
  const zv = zp ? values(zp) : new Float64Array(sv.length);
  const pi = paramIndex(x.shape, x.numel, a);
  const out = new Float64Array(x.numel);
  for (let i = 0; i < out.length; i++) {
    const p = pi(i);
    const q = rint(Math.fround(xv[i] / sv[p]));
    out[i] = Number.isNaN(q) ? zv[p] : Math.min(hi, Math.max(lo, q + zv[p]));
  }
  return Tensor.from(out, x.shape, dtype, x.engine);
}

/** DequantizeLinear: float32 (q - zp) * scale. */
export function dequantizeLinear(q: Tensor, scale: Tensor, zp: Tensor | null, axis: number): Tensor {
  const a = qparams('dequantizeLinear', q, scale, zp, axis);
  const qv = values(q);
  const sv = scale.toFloat32Array();
  const zv = zp ? values(zp) : new Float64Array(sv.length);
  const pi = paramIndex(q.shape, q.numel, a);
  const out = new Float32Array(q.numel);
  for (let i = 0; i < out.length; i++) {
    const p = pi(i);
    out[i] = Math.fround(qv[i] - zv[p]) * sv[p];
  }
  return Tensor.from(out, q.shape, 'float32', q.engine);
}

/** DynamicQuantizeLinear: [y uint8, y_scale f32 scalar, y_zero_point uint8 scalar]. */
export function dynamicQuantizeLinear(x: Tensor): [Tensor, Tensor, Tensor] {
  const xv = x.toFloat32Array();
  let lo = 0;
  let hi = 0;
  for (const v of xv) {
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  const s = Math.fround(Math.fround(hi - lo) / 255);
  const zp = s > 0 ? Math.min(255, Math.max(0, rint(Math.fround(-lo / s)))) : 0;
  const e = x.engine;
  const st = Tensor.from([s], [], 'float32', e);
  const zt = Tensor.from([zp], [], 'uint8', e);
  try {
    const y = s > 0 || Number.isNaN(s) ? quantizeLinear(x, st, zt, 0, 'uint8') : Tensor.zeros(x.shape, 'uint8', e);
    return [y, st, zt];
  } catch (err) {
    st.dispose();
    zt.dispose();
    throw err;
  }
}

/** numpy matmul shapes: [batch..., m, k] x [batch..., k, n] with 1-D promotion; returns the output shape and per-batch offsets. */
function matmulShapes(op: string, as: readonly number[], bs: readonly number[]) {
  if (as.length === 0 || bs.length === 0) throw new ShapeError(`${op}: operands must have at least 1 dimension`);
  const a2 = as.length === 1 ? [1, as[0]] : as.slice();
  const b2 = bs.length === 1 ? [bs[0], 1] : bs.slice();
  const [m, k] = a2.slice(-2);
  const [kb, n] = b2.slice(-2);
  if (k !== kb) throw new ShapeError(`${op}: ${fmtShape(as)} and ${fmtShape(bs)} do not multiply (${k} != ${kb})`);
  const ba = a2.slice(0, -2);
  const bb = b2.slice(0, -2);
  const r = Math.max(ba.length, bb.length);
  const batch: number[] = [];
  for (let i = 0; i < r; i++) {
    const x = ba[ba.length - r + i] ?? 1;
    const y = bb[bb.length - r + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1) throw new ShapeError(`${op}: batch dims of ${fmtShape(as)} and ${fmtShape(bs)} do not broadcast`);
    batch.push(Math.max(x, y));
  }
  const nb = batch.reduce((p, d) => p * d, 1);
  const offs = (dims: number[], mat: number) => {
    const out: number[] = [];
    for (let t = 0; t < nb; t++) {
      let rem = t;
      let off = 0;
      let stride = 1;
      for (let i = r - 1; i >= 0; i--) {
        const idx = rem % batch[i];
        rem = Math.floor(rem / batch[i]);
        const d = dims[dims.length - r + i] ?? 1;
        if (i >= r - dims.length && d !== 1) off += idx * stride;
        if (i >= r - dims.length) stride *= d;
      }
      out.push(off * mat);
    }
    return out;
  };
  const shape = [...batch, ...(as.length === 1 ? [] : [m]), ...(bs.length === 1 ? [] : [n])];
  return { m, k, n, shape, aOff: offs(ba, m * k), bOff: offs(bb, k * n) };
}

/** MatMulInteger: int32 (A - a_zp)(B - b_zp). */
export function matmulInteger(a: Tensor, b: Tensor, aZp: Tensor | null, bZp: Tensor | null): Tensor {
  const op = 'matmulInteger';
  const { m, k, n, shape, aOff, bOff } = matmulShapes(op, a.shape, b.shape);
  const av = values(a);
  const bv = values(b);
  const az = aZp ? values(aZp) : new Float64Array(1);
  const bz = bZp ? values(bZp) : new Float64Array(1);
  if (az.length !== 1 && az.length !== m) throw new ShapeError(`${op}: a_zero_point must be a scalar or hold ${m} values (rows of A), got ${az.length}`);
  if (bz.length !== 1 && bz.length !== n) throw new ShapeError(`${op}: b_zero_point must be a scalar or hold ${n} values (columns of B), got ${bz.length}`);
  const out = new Int32Array(aOff.length * m * n);
  const bcol = new Float64Array(k);
  for (let t = 0; t < aOff.length; t++) {
    for (let j = 0; j < n; j++) {
      const zb = bz.length === 1 ? bz[0] : bz[j];
      for (let p = 0; p < k; p++) bcol[p] = bv[bOff[t] + p * n + j] - zb;
      for (let i = 0; i < m; i++) {
        const za = az.length === 1 ? az[0] : az[i];
        let acc = 0;
        const ar = aOff[t] + i * k;
        for (let p = 0; p < k; p++) acc += (av[ar + p] - za) * bcol[p];
        out[(t * m + i) * n + j] = acc;
      }
    }
  }
  return Tensor.from(out, shape, 'int32', a.engine);
}

/** Requantizes int32 accumulators: saturate(rint(acc * mult[c] + bias?) + zp) with per-tensor or per-channel multipliers along `axis`. */
export function requantize(acc: Tensor, mult: Float64Array, zp: number, axis: number, qtype: QType, dtype: DType): Tensor {
  const [lo, hi] = QRANGE[qtype];
  const v = values(acc);
  const pi = paramIndex(acc.shape, acc.numel, mult.length === 1 ? null : axis < 0 ? axis + acc.ndim : axis);
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const q = rint(Math.fround(v[i] * mult[pi(i)]));
    out[i] = Number.isNaN(q) ? zp : Math.min(hi, Math.max(lo, q + zp));
  }
  return Tensor.from(out, acc.shape, dtype, acc.engine);
}
