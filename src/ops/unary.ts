/**
 * Elementwise operators: one JS->wasm call over the whole tensor. Output is a new tensor of the
 * input's shape unless `out` is given (which may be the input itself: in place).
 */
import { Tensor } from '../tensor.js';
import { expectNumber, expectOut, expectTensor } from './check.js';
import { ArgumentError, ShapeError, fmtShape } from '../runtime/errors.js';
import type { Engine } from '../runtime/engine.js';
import { fmaTwin } from './pick.js';
import { mapElements, type Scalar } from './broadcast.js';
import { binary } from './binary.js';
import { SPLIT, runSplit } from '../threads/split.js';

export type UnaryKernel = (n: number, x: number, y: number) => void;

/** Runs a unary kernel `k(n, x, y)` over x into a new tensor (or into `out`). */
export function runUnary(op: string, x: Tensor, pick: (t: Tensor) => UnaryKernel, out?: Tensor): Tensor {
  expectTensor(op, 'input', x);
  const y = out ?? Tensor.empty(x.shape, 'float32', x.engine);
  if (out) {
    expectOut(op, out, x.shape, x.engine);
  }
  const n = x.numel;
  if (n === 0) return y;
  const k = pick(x);
  // Over the pool in 16-element-aligned ranges when big enough (elementwise: any split is exact).
  if (!runSplit(x.engine, k, n, 16, n, SPLIT.elementsPerThread, (s, e) => [e - s, x.ptr + s * 4, y.ptr + s * 4])) k(n, x.ptr, y.ptr);
  return y;
}

export function relu(x: Tensor, out?: Tensor): Tensor {
  return runUnary('relu', x, (t) => t.engine.k.f32_vrelu_u8__wasmsimd, out);
}

/** torch.nn.functional.leaky_relu: x < 0 ? x * negativeSlope : x. */
export function leakyRelu(x: Tensor, negativeSlope = 0.01, out?: Tensor): Tensor {
  const slope = expectNumber('leaky_relu', 'negativeSlope', negativeSlope);
  return runUnary('leaky_relu', x, (t) => (n, px, py) => t.engine.k.f32_vlrelu_u8__wasmsimd(n, px, py, slope), out);
}

export interface GeluOptions {
  /** 'none' (default): x·Φ(x) with erf; 'tanh': the tanh approximation. As torch. */
  approximate?: 'none' | 'tanh';
}

/** torch.nn.functional.gelu(x, approximate='none'|'tanh'). */
export function gelu(x: Tensor, options: GeluOptions = {}, out?: Tensor): Tensor {
  const approximate = options.approximate ?? 'none';
  if (approximate !== 'none' && approximate !== 'tanh') {
    throw new ArgumentError(`gelu: approximate must be 'none' or 'tanh', got ${JSON.stringify(approximate)}`);
  }
  return runUnary('gelu', x, ({ engine: e }) =>
    approximate === 'tanh'
      ? fmaTwin(e, e.k.f32_vgelutanh_u8__wasmrelaxedsimd_fma, e.k.f32_vgelutanh_u8__wasmsimd)
      : fmaTwin(e, e.k.f32_vgelu_u8__wasmrelaxedsimd_fma, e.k.f32_vgelu_u8__wasmsimd), out);
}

/** torch.nn.functional.silu: x · sigmoid(x). */
export function silu(x: Tensor, out?: Tensor): Tensor {
  return runUnary('silu', x, ({ engine: e }) => fmaTwin(e, e.k.f32_vsilu_u8__wasmrelaxedsimd_fma, e.k.f32_vsilu_u8__wasmsimd), out);
}

/** torch.sigmoid. */
export function sigmoid(x: Tensor, out?: Tensor): Tensor {
  return runUnary('sigmoid', x, ({ engine: e }) => fmaTwin(e, e.k.f32_vsigmoid_u8__wasmrelaxedsimd_fma, e.k.f32_vsigmoid_u8__wasmsimd), out);
}

/** torch.tanh. */
export function tanh(x: Tensor, out?: Tensor): Tensor {
  return runUnary('tanh', x, ({ engine: e }) => fmaTwin(e, e.k.f32_vtanh_u8__wasmrelaxedsimd_fma, e.k.f32_vtanh_u8__wasmsimd), out);
}

type Kernels = Engine['k'];
type PlainKernel = { [K in keyof Kernels]-?: NonNullable<Kernels[K]> extends UnaryKernel ? K : never }[keyof Kernels];

/** A float32 unary op on its kernel (with its relaxed FMA twin where one exists); `int` maps integer dtypes on the typed-array path. */
function unaryOp(op: string, x: Tensor, base: PlainKernel, relaxed?: PlainKernel, int?: (v: Scalar) => Scalar, out?: Tensor): Tensor {
  if (int && x instanceof Tensor && x.dtype !== 'float32' && out === undefined) {
    expectTensor(op, 'input', x, ['int32', 'int64', 'uint8']);
    return mapElements(op, x.engine, [x], x.dtype, int);
  }
  return runUnary(op, x, ({ engine: e }) => fmaTwin(e, relaxed ? (e.k[relaxed] as UnaryKernel | undefined) : undefined, e.k[base] as UnaryKernel), out);
}

/** Runs a kernel taking extra f32 parameters `k(n, x, y, ...params)`. */
function unaryParams(op: string, x: Tensor, pick: (e: Engine) => (n: number, x: number, y: number, ...p: number[]) => void, params: number[], out?: Tensor): Tensor {
  return runUnary(op, x, ({ engine: e }) => (n, px, py) => pick(e)(n, px, py, ...params), out);
}

const negInt = (v: Scalar): Scalar => (typeof v === 'bigint' ? BigInt.asIntN(64, -v) : -v);
const absInt = (v: Scalar): Scalar => (v < 0 ? negInt(v) : v);
const signInt = (v: Scalar): Scalar => (typeof v === 'bigint' ? (v > 0n ? 1n : v < 0n ? -1n : 0n) : Math.sign(v));

/** torch.sqrt (x < 0 -> NaN). */
export function sqrt(x: Tensor, out?: Tensor): Tensor {
  return unaryOp('sqrt', x, 'f32_vsqrt_u8__wasmsimd', undefined, undefined, out);
}
/** torch.exp. */
export function exp(x: Tensor, out?: Tensor): Tensor {
  return unaryOp('exp', x, 'f32_vexp_u8__wasmsimd', 'f32_vexp_u8__wasmrelaxedsimd_fma', undefined, out);
}
/** torch.log (natural; 0 -> -inf, x < 0 -> NaN). */
export function log(x: Tensor, out?: Tensor): Tensor {
  return unaryOp('log', x, 'f32_vlog_u8__wasmsimd', 'f32_vlog_u8__wasmrelaxedsimd_fma', undefined, out);
}
/** torch.neg (integer dtypes too). */
export function neg(x: Tensor, out?: Tensor): Tensor {
  return unaryOp('neg', x, 'f32_vneg_u8__wasmsimd', undefined, negInt, out);
}
/** torch.abs (integer dtypes too). */
export function abs(x: Tensor, out?: Tensor): Tensor {
  return unaryOp('abs', x, 'f32_vabs_u8__wasmsimd', undefined, absInt, out);
}
/** torch.reciprocal: 1 / x. */
export function reciprocal(x: Tensor, out?: Tensor): Tensor {
  return unaryOp('reciprocal', x, 'f32_vreciprocal_u8__wasmsimd', undefined, undefined, out);
}
/** torch.floor. */
export function floor(x: Tensor, out?: Tensor): Tensor {
  return unaryOp('floor', x, 'f32_vfloor_u8__wasmsimd', undefined, undefined, out);
}
/** torch.ceil. */
export function ceil(x: Tensor, out?: Tensor): Tensor {
  return unaryOp('ceil', x, 'f32_vceil_u8__wasmsimd', undefined, undefined, out);
}
/** torch.round (decimals = 0): half to even. */
export function round(x: Tensor, out?: Tensor): Tensor {
  return unaryOp('round', x, 'f32_vround_u8__wasmsimd', undefined, undefined, out);
}
/** torch.sign: -1, 0 or 1 (0, -0 and NaN give 0, as torch; integer dtypes too). */
export function sign(x: Tensor, out?: Tensor): Tensor {
  return unaryOp('sign', x, 'f32_vsign_u8__wasmsimd', undefined, signInt, out);
}
/** torch.erf. */
export function erf(x: Tensor, out?: Tensor): Tensor {
  return unaryOp('erf', x, 'f32_verf_u8__wasmsimd', 'f32_verf_u8__wasmrelaxedsimd_fma', undefined, out);
}
/** torch.sin (accurate to |x| ~ 1e5, see the kernel). */
export function sin(x: Tensor, out?: Tensor): Tensor {
  return unaryOp('sin', x, 'f32_vsin_u8__wasmsimd', 'f32_vsin_u8__wasmrelaxedsimd_fma', undefined, out);
}
/** torch.cos (accurate to |x| ~ 1e5, see the kernel). */
export function cos(x: Tensor, out?: Tensor): Tensor {
  return unaryOp('cos', x, 'f32_vcos_u8__wasmsimd', 'f32_vcos_u8__wasmrelaxedsimd_fma', undefined, out);
}

/** torch.clamp(input, min=None, max=None) with number bounds (null/undefined: unbounded); NaN propagates. */
export function clamp(x: Tensor, min?: number | null, max?: number | null, out?: Tensor): Tensor {
  const lo = min ?? -Infinity;
  const hi = max ?? Infinity;
  expectNumber('clamp', 'min', lo);
  expectNumber('clamp', 'max', hi);
  if (min == null && max == null) throw new ArgumentError('clamp: at least one of min or max must be given, got neither');
  if (x instanceof Tensor && x.dtype !== 'float32' && out === undefined) {
    // Integer tensors: bounds rounded inward to integers, the dtype kept.
    expectTensor('clamp', 'input', x, ['int32', 'int64', 'uint8']);
    const [ilo, ihi] = [Math.ceil(lo), Math.floor(hi)];
    return mapElements('clamp', x.engine, [x], x.dtype, (v) => (v < ilo ? ilo : v > ihi ? ihi : v));
  }
  return unaryParams('clamp', x, (e) => e.k.f32_vclamp_u8__wasmsimd, [lo, hi], out);
}

/** torch.nn.functional.hardtanh(input, min_val=-1, max_val=1). */
export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  expectNumber('hardtanh', 'minVal', minVal);
  expectNumber('hardtanh', 'maxVal', maxVal);
  if (minVal > maxVal) throw new ArgumentError(`hardtanh: minVal (${minVal}) must be <= maxVal (${maxVal})`);
  return clamp(x, minVal, maxVal);
}

/** torch.nn.functional.relu6: min(max(x, 0), 6). */
export function relu6(x: Tensor): Tensor {
  return clamp(x, 0, 6);
}

/** torch.nn.functional.hardswish: x relu6(x + 3) / 6. */
export function hardswish(x: Tensor): Tensor {
  return unaryOp('hardswish', x, 'f32_vhardswish_u8__wasmsimd');
}

/**
 * torch.nn.functional.hardsigmoid: max(0, min(1, x/6 + 1/2)); alpha/beta give ONNX
 * HardSigmoid's max(0, min(1, alpha x + beta)) (ONNX defaults 0.2, 0.5).
 */
export function hardsigmoid(x: Tensor, alpha = 1 / 6, beta = 0.5): Tensor {
  expectNumber('hardsigmoid', 'alpha', alpha);
  expectNumber('hardsigmoid', 'beta', beta);
  return unaryParams('hardsigmoid', x, (e) => e.k.f32_vhardsigmoid_u8__wasmsimd, [alpha, beta]);
}

/** torch.nn.functional.mish: x tanh(softplus(x)). */
export function mish(x: Tensor): Tensor {
  return unaryOp('mish', x, 'f32_vmish_u8__wasmsimd', 'f32_vmish_u8__wasmrelaxedsimd_fma');
}

/** The ELU family on one kernel: x > 0 ? scale x : scale alpha (e^(x inv) - 1). */
function eluFamily(op: string, x: Tensor, alpha: number, scale: number, inv: number): Tensor {
  return runUnary(op, x, ({ engine: e }) => {
    const k = fmaTwin(e, e.k.f32_velu_u8__wasmrelaxedsimd_fma, e.k.f32_velu_u8__wasmsimd);
    return (n, px, py) => k(n, px, py, alpha, scale, inv);
  });
}

/** torch.nn.functional.elu(input, alpha=1.0). */
export function elu(x: Tensor, alpha = 1.0): Tensor {
  return eluFamily('elu', x, expectNumber('elu', 'alpha', alpha), 1, 1);
}

export const SELU_ALPHA = 1.6732632423543772848170429916717;
export const SELU_SCALE = 1.0507009873554804934193349852946;

/** torch.nn.functional.selu: scale (x > 0 ? x : alpha (e^x - 1)), PyTorch's constants; ONNX Selu's alpha/gamma through the options. */
export function selu(x: Tensor, alpha = SELU_ALPHA, scale = SELU_SCALE): Tensor {
  return eluFamily('selu', x, expectNumber('selu', 'alpha', alpha), expectNumber('selu', 'scale', scale), 1);
}

/** torch.nn.functional.celu(input, alpha=1.0): max(0, x) + min(0, alpha (e^(x/alpha) - 1)). */
export function celu(x: Tensor, alpha = 1.0): Tensor {
  expectNumber('celu', 'alpha', alpha);
  if (alpha === 0) throw new ArgumentError('celu: alpha must not be 0 (it divides x)');
  return eluFamily('celu', x, alpha, 1, 1 / alpha);
}

/** torch.nn.functional.softplus(input, beta=1, threshold=20): log(1 + e^(beta x)) / beta, x where beta x > threshold. */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  expectNumber('softplus', 'beta', beta);
  expectNumber('softplus', 'threshold', threshold);
  if (beta === 0) throw new ArgumentError('softplus: beta must not be 0 (it divides the result)');
  return runUnary('softplus', x, ({ engine: e }) => {
    const k = fmaTwin(e, e.k.f32_vsoftplus_u8__wasmrelaxedsimd_fma, e.k.f32_vsoftplus_u8__wasmsimd);
    return (n, px, py) => k(n, px, py, beta, threshold);
  });
}

/** torch.nn.functional.softsign: x / (1 + |x|). */
export function softsign(x: Tensor): Tensor {
  return unaryOp('softsign', x, 'f32_vsoftsign_u8__wasmsimd');
}

/** torch.nn.functional.threshold(input, threshold, value): x <= threshold ? value : x. */
export function threshold(x: Tensor, threshold: number, value: number): Tensor {
  expectNumber('threshold', 'threshold', threshold);
  expectNumber('threshold', 'value', value);
  return unaryParams('threshold', x, (e) => e.k.f32_vthreshold_u8__wasmsimd, [threshold, value]);
}

/**
 * ONNX Shrink: |x| <= lambd ? 0 : x > 0 ? x - bias : x + bias; NaN gives 0 (the formula) unless
 * nanPasses (torch.hardshrink keeps NaN). hardshrink and softshrink are its two torch forms.
 */
export function shrink(x: Tensor, lambd = 0.5, bias = 0, nanPasses = false): Tensor {
  expectNumber('shrink', 'lambd', lambd);
  expectNumber('shrink', 'bias', bias);
  return unaryParams('shrink', x, (e) => e.k.f32_vshrink_u8__wasmsimd, [lambd, bias, nanPasses ? 0 : 1]);
}

/** torch.nn.functional.hardshrink(input, lambd=0.5): x where |x| > lambd, else 0 (NaN stays NaN). */
export function hardshrink(x: Tensor, lambd = 0.5): Tensor {
  return shrink(x, lambd, 0, true);
}

/** torch.nn.functional.softshrink(input, lambd=0.5): x - lambd, x + lambd, or 0 (NaN gives 0, as torch). */
export function softshrink(x: Tensor, lambd = 0.5): Tensor {
  if (lambd < 0) throw new ArgumentError(`softshrink: lambd must be >= 0, got ${lambd}`);
  return shrink(x, lambd, lambd);
}

/**
 * torch.nn.functional.prelu(input, weight): x < 0 ? weight x : x, weight of 1 element or one per
 * channel (dim 1; dim 0 of a 1-D input), broadcast over the other dims.
 */
export function prelu(x: Tensor, weight: Tensor): Tensor {
  expectTensor('prelu', 'input', x);
  expectTensor('prelu', 'weight', weight);
  const c = x.ndim >= 2 ? x.shape[1] : x.ndim === 1 ? x.shape[0] : 1;
  if (weight.numel !== 1 && weight.numel !== c) {
    throw new ShapeError(`prelu: weight has ${weight.numel} elements (shape ${fmtShape(weight.shape)}), expected 1 or the ${c} channels of input ${fmtShape(x.shape)}`);
  }
  if (weight.numel === 1) return binary('prelu', x, weight.reshape([]), {});
  const w = weight.reshape(x.ndim >= 2 ? [c, ...new Array<number>(x.ndim - 2).fill(1)] : [c]);
  try {
    return binary('prelu', x, w, {});
  } finally {
    w.dispose();
  }
}

/** torch.nn.functional.glu(input, dim=-1): a * sigmoid(b) for the two halves a, b of dim. */
export function glu(x: Tensor, dim = -1): Tensor {
  expectTensor('glu', 'input', x);
  const d = dim < 0 ? dim + x.ndim : dim;
  if (!Number.isInteger(d) || d < 0 || d >= x.ndim) throw new ArgumentError(`glu: dim ${dim} is out of range for input of shape ${fmtShape(x.shape)}`);
  const size = x.shape[d];
  if (size % 2 !== 0) throw new ShapeError(`glu: dim ${dim} of input ${fmtShape(x.shape)} has size ${size}, expected an even size (halving it)`);
  const outShape = x.shape.slice();
  outShape[d] = size / 2;
  const e = x.engine;
  const y = Tensor.empty(outShape, 'float32', e);
  if (y.numel === 0) return y;
  const half = (size / 2) * x.shape.slice(d + 1).reduce((p, v) => p * v, 1);
  const outer = y.numel / half;
  // sigmoid over all of x (one call), then a[r] * s[r + half] with row stride 2 * half (one call).
  const s = sigmoid(x);
  try {
    e.k.f32_vmul_u8__wasmsimd(outer, half, x.ptr, 2 * half, s.ptr + 4 * half, 2 * half, y.ptr);
  } finally {
    s.dispose();
  }
  return y;
}
