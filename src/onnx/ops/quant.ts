/**
 * ONNX quantization ops onto src/ops/quant.ts (and the int8 GEMM of src/ops/qgemm.ts):
 * QuantizeLinear / DequantizeLinear (per tensor, per axis from opset 13), DynamicQuantizeLinear,
 * MatMulInteger, ConvInteger, QLinearMatMul, QLinearConv.
 *
 * int8 values arrive as int32 tensors (how the loader stores them) and leave as int32 tensors
 * with the int8 range; uint8 stays uint8. The output type of QuantizeLinear / QLinear* follows the
 * output zero point's type (uint8 when absent).
 *
 * QDQ: a DequantizeLinear of constant int8 weights with zero points 0 (per tensor, or per
 * column: axis 1 of a [K, N] B) feeding MatMul's B runs as the int8 GEMM (prepareQdqMatMul, called
 * from MatMul.prepare): the codes and scales are packed as they are (no dequantize-then-float),
 * the activations are quantized per row at run time (dynamic, ops/qgemm.ts).
 *
 * ConvInteger (and QLinearConv) run the float convolution of src/ops/conv2d.ts on the shifted
 * operands, exact by splitting W - w_zp = 16 * hi + lo (|partial sums| < 2^24 for reductions
 * (C / group) * kh * kw <= 4096; beyond that the result may be off by rounding: refused).
 */
import { Tensor, type DType } from '../../tensor.js';
import type { OnnxNode, OpContext, OpDef, OpTable, PreparedOp } from '../node.js';
import { dequantizeLinear, dynamicQuantizeLinear, matmulInteger, quantizeLinear, requantize, type QType } from '../../ops/quant.js';
import { QPackedWeights, qgemm } from '../../ops/qgemm.js';
import { nnOps } from './nn.js';

function need(node: OnnxNode, t: Tensor | null, what: string): Tensor {
  if (!t) throw node.error(`input ${what} is required`);
  return t;
}

function float(node: OnnxNode, t: Tensor | null, what: string): Tensor {
  const v = need(node, t, what);
  if (v.dtype !== 'float32') throw node.error(`${what} must be float32, got ${v.dtype}`);
  return v;
}

/** A quantized operand: uint8, or int8 (stored int32 / int8). */
function quantized(node: OnnxNode, t: Tensor | null, what: string): Tensor {
  const v = need(node, t, what);
  if (v.dtype !== 'uint8' && v.dtype !== 'int32' && v.dtype !== 'int8') throw node.error(`${what} must be uint8 or int8, got ${v.dtype}`);
  return v;
}

/** The quantized type and storage dtype an output takes from its zero point (uint8 when absent). */
function outType(zp: Tensor | null): [QType, DType] {
  if (!zp || zp.dtype === 'uint8') return ['uint8', 'uint8'];
  return ['int8', zp.dtype === 'int8' ? 'int8' : 'int32'];
}

function named<T>(node: OnnxNode, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof Error && e.name !== 'OnnxError') throw node.error(e.message);
    throw e;
  }
}

function first(t: Tensor | null): number {
  return t ? Number((t.toTypedArray() as ArrayLike<number | bigint>)[0]) : 0;
}

/** What a DequantizeLinear output came from (for the QDQ MatMul), kept by the tensor it returned. */
interface QdqSource {
  codes: Int32Array;
  shape: readonly number[];
  scales: Float32Array;
  zeroPointsAllZero: boolean;
  int8: boolean;
  /** null: per tensor. */
  axis: number | null;
}
const qdqSources = new WeakMap<Tensor, QdqSource>();

const QuantizeLinear: OpDef = {
  run(node, [x, s, zp], ctx) {
    const [qt, dt] = outType(zp);
    return [named(node, () => quantizeLinear(float(node, x, 'x'), float(node, s, 'y_scale'), zp, ctx.opset >= 13 ? node.int('axis', 1) : 1, qt, dt))];
  },
};

const DequantizeLinear: OpDef = {
  run(node, [x, s, zp], ctx) {
    const q = need(node, x, 'x');
    const scale = float(node, s, 'x_scale');
    const axis = ctx.opset >= 13 ? node.int('axis', 1) : 1;
    const y = named(node, () => dequantizeLinear(q, scale, zp, axis));
    const zv = zp ? (zp.toTypedArray() as ArrayLike<number>) : [0];
    qdqSources.set(y, {
      codes: Int32Array.from(q.toTypedArray() as ArrayLike<number>),
      shape: q.shape,
      scales: scale.toFloat32Array(),
      zeroPointsAllZero: Array.from(zv).every((v) => Number(v) === 0),
      int8: q.dtype !== 'uint8',
      axis: scale.numel === 1 ? null : axis < 0 ? axis + q.ndim : axis,
    });
    return [y];
  },
};

const DynamicQuantizeLinear: OpDef = {
  run(node, [x]) {
    return named(node, () => dynamicQuantizeLinear(float(node, x, 'x')));
  },
};

const MatMulInteger: OpDef = {
  run(node, [a, b, az, bz]) {
    return [named(node, () => matmulInteger(quantized(node, a, 'A'), quantized(node, b, 'B'), az, bz))];
  },
};

/** Largest reduction ConvInteger computes exactly through the split float convolution. */
const CONV_EXACT_K = 4096;

/** int32 conv(x - xzp, w - wzp) through the float Conv op (exact: see the header). */
function convInteger(node: OnnxNode, x: Tensor, w: Tensor, xz: Tensor | null, wz: Tensor | null, ctx: OpContext): Tensor {
  const k = w.numel / w.shape[0];
  if (k > CONV_EXACT_K) throw node.error(`reduction (C/group)*kernel = ${k} is above ${CONV_EXACT_K}, where the exact integer path ends`);
  const e = x.engine;
  const xv = x.toTypedArray() as ArrayLike<number>;
  const xzv = first(xz);
  const xf = Tensor.from(Float32Array.from(xv, (v) => v - xzv), x.shape, 'float32', e);
  const wv = w.toTypedArray() as ArrayLike<number>;
  const wzs = wz ? Array.from(wz.toTypedArray() as ArrayLike<number>, Number) : [0];
  const per = w.numel / w.shape[0];
  const hi = new Float32Array(w.numel);
  const lo = new Float32Array(w.numel);
  for (let i = 0; i < w.numel; i++) {
    const v = wv[i] - (wzs.length === 1 ? wzs[0] : wzs[Math.floor(i / per)]);
    hi[i] = Math.floor(v / 16);
    lo[i] = v - 16 * hi[i];
  }
  const parts: Tensor[] = [xf];
  try {
    const wh = Tensor.from(hi, w.shape, 'float32', e);
    parts.push(wh);
    const wl = Tensor.from(lo, w.shape, 'float32', e);
    parts.push(wl);
    const [yh] = nnOps.Conv.run(node, [xf, wh, null], ctx);
    parts.push(yh);
    const [yl] = nnOps.Conv.run(node, [xf, wl, null], ctx);
    parts.push(yl);
    const a = yh.toFloat32Array();
    const b = yl.toFloat32Array();
    const out = new Int32Array(a.length);
    for (let i = 0; i < out.length; i++) out[i] = 16 * a[i] + b[i];
    return Tensor.from(out, yh.shape, 'int32', e);
  } finally {
    for (const t of parts) t.dispose();
  }
}

const ConvInteger: OpDef = {
  run(node, [x, w, xz, wz], ctx) {
    return [named(node, () => convInteger(node, quantized(node, x, 'x'), quantized(node, w, 'w'), xz, wz, ctx))];
  },
};

/** The float multipliers a_scale * b_scale[j] / y_scale (f32 as onnxruntime computes them). */
function multipliers(as: Tensor, bs: Tensor, ys: Tensor): Float64Array {
  const a = first(as);
  const y = first(ys);
  return Float64Array.from(bs.toFloat32Array(), (b) => Math.fround(Math.fround(a * b) / y));
}

const QLinearMatMul: OpDef = {
  run(node, [a, as, az, b, bs, bz, ys, yz]) {
    return [named(node, () => {
      const acc = matmulInteger(quantized(node, a, 'a'), quantized(node, b, 'b'), az, bz);
      try {
        const [qt, dt] = outType(yz);
        return requantize(acc, multipliers(float(node, as, 'a_scale'), float(node, bs, 'b_scale'), float(node, ys, 'y_scale')), first(yz), -1, qt, dt);
      } finally {
        acc.dispose();
      }
    })];
  },
};

const QLinearConv: OpDef = {
  run(node, [x, xs, xz, w, ws, wz, ys, yz, bias], ctx) {
    return [named(node, () => {
      const acc = convInteger(node, quantized(node, x, 'x'), quantized(node, w, 'w'), xz, wz, ctx);
      try {
        if (bias) {
          const bv = bias.toTypedArray() as ArrayLike<number>;
          const d = acc.data<'int32'>();
          const per = acc.numel / (acc.shape[0] * acc.shape[1]);
          for (let i = 0; i < d.length; i++) d[i] += bv[Math.floor(i / per) % acc.shape[1]];
        }
        const [qt, dt] = outType(yz);
        return requantize(acc, multipliers(float(node, xs, 'x_scale'), float(node, ws, 'w_scale'), float(node, ys, 'y_scale')), first(yz), 1, qt, dt);
      } finally {
        acc.dispose();
      }
    })];
  },
};

/**
 * MatMul with B = DequantizeLinear(constant int8 codes, scales, zero points 0): the int8 GEMM on
 * the codes themselves. null when B is not such a value (MatMul then runs in float32).
 */
export function prepareQdqMatMul(node: OnnxNode, b: Tensor | null): PreparedOp | null {
  const src = b ? qdqSources.get(b) : undefined;
  if (!b || !src || !src.int8 || !src.zeroPointsAllZero || src.shape.length !== 2 || (src.axis !== null && src.axis !== 1)) return null;
  const [k, n] = src.shape;
  if (k === 0 || n === 0 || src.codes.some((v) => v < -128 || v > 127)) return null;
  const codes = new Int8Array(n * k);
  for (let p = 0; p < k; p++) for (let j = 0; j < n; j++) codes[j * k + p] = src.codes[p * n + j];
  const w = QPackedWeights.fromInt8(b.engine, n, k, codes, src.scales, null);
  return {
    run([aIn]) {
      const a = float(node, aIn, 'A');
      if (a.ndim === 0 || a.shape[a.ndim - 1] !== k) throw node.error(`A [${a.shape.join(', ')}] and B [${k}, ${n}] do not multiply`);
      const y = Tensor.empty(a.ndim === 1 ? [n] : [...a.shape.slice(0, -1), n], 'float32', a.engine);
      try {
        if (a.numel > 0) qgemm(a.engine, { m: a.numel / k, a: a.ptr, c: y.ptr }, w);
      } catch (e) {
        y.dispose();
        throw e;
      }
      return [y];
    },
    dispose: () => w.dispose(),
  };
}

export const quantOps: OpTable = {
  QuantizeLinear,
  DequantizeLinear,
  DynamicQuantizeLinear,
  MatMulInteger,
  ConvInteger,
  QLinearMatMul,
  QLinearConv,
};
