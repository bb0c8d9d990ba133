/**
 * Transposed convolution (NCL / NCHW, PyTorch semantics): conv_transpose1d / conv_transpose2d, and
 * the ONNX ConvTranspose (asymmetric pads, explicit output shape) through the same core.
 *
 *   y[n, g*og + o, oy, ox] = bias[o'] + sum_{ci, ky, kx} x[n, g*cg + ci, iy, ix] * w[g*cg + ci, o, ky, kx]
 *   over oy = iy*sh - ph + ky*dh, ox = ix*sw - pw + kx*dw
 *
 * as GEMM + col2im, per image, group and block of input rows:
 *   cols[og*kh*kw, rows*W] = Wt[og*kh*kw, cg] · x[cg, rows*W]     (src/ops/gemm.ts; x packed per block)
 *   y += col2im(cols)                                              (f32_col2im__wasmsimd)
 * Wt is the weight of each group transposed once ([cg, og*kh*kw] -> [og*kh*kw, cg]: the
 * ConvTransposeWeights a module or an ONNX node keeps). The output starts as the bias.
 */
import { Tensor } from '../tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../runtime/errors.js';
import { PackedWeights, gemm } from './gemm.js';
import { expectRank, expectTensor, sameEngine } from './check.js';
import { pair, withGeom } from './conv-geom.js';
import { owning } from './own.js';

/** Bytes of the cols block per call (the block of input rows is sized to stay under it, at least one row). */
const COLS_BUDGET_BYTES = 512 * 1024;

/** A transposed-convolution weight [cin, og, kh, kw] (1-D: kh = 1) with its per-group transpose for the GEMM. */
export class ConvTransposeWeights {
  private constructor(
    /** Wt: groups blocks of [og*kh*kw, cg] row-major. */
    readonly t: Tensor,
    readonly cin: number,
    readonly og: number,
    readonly kh: number,
    readonly kw: number,
    readonly groups: number,
  ) {}

  /** Transposes `weight` ([cin, cout/groups, k...] as PyTorch and ONNX store it) per group. */
  static from(op: string, weight: Tensor, groups: number, dims: 1 | 2): ConvTransposeWeights {
    expectTensor(op, 'weight', weight);
    expectRank(op, 'weight', weight, [dims + 2]);
    if (!Number.isInteger(groups) || groups < 1) throw new ArgumentError(`${op}: groups must be an integer >= 1, got ${groups}`);
    const [cin, og] = weight.shape;
    const kh = dims === 2 ? weight.shape[2] : 1;
    const kw = weight.shape[dims + 1];
    if (cin % groups !== 0) throw new ShapeError(`${op}: weight of shape ${fmtShape(weight.shape)} has ${cin} input channels, not divisible by groups=${groups}`);
    if (og < 1 || kh < 1 || kw < 1) throw new ShapeError(`${op}: weight of shape ${fmtShape(weight.shape)} is empty`);
    const cg = cin / groups;
    const m = og * kh * kw;
    const src = weight.toFloat32Array();
    const t = Tensor.empty([groups * m, cg], 'float32', weight.engine);
    const dst = t.data<'float32'>();
    for (let g = 0; g < groups; g++) {
      const base = g * cg * m;
      for (let ci = 0; ci < cg; ci++) for (let j = 0; j < m; j++) dst[base + j * cg + ci] = src[base + ci * m + j];
    }
    return new ConvTransposeWeights(t, cin, og, kh, kw, groups);
  }

  dispose(): void {
    this.t.dispose();
  }
}

/** A resolved transposed convolution over the trailing 1 or 2 dims: top/left padding and the output size. */
export interface ConvTransposeGeom {
  stride: [number, number];
  dilation: [number, number];
  /** Top / left padding (negative: the output extends before the full result's first row). */
  padBegin: [number, number];
  /** Output size [oh, ow] (1-D: oh = 1). */
  out: [number, number];
}

/** The full (unpadded) output length of one axis: (n-1)*s + d*(k-1) + 1. */
export function convTransposeFull(n: number, k: number, s: number, d: number): number {
  return (n - 1) * s + d * (k - 1) + 1;
}

/**
 * Runs the transposed convolution of x ([N, Cin, (H,) W] or unbatched [Cin, (H,) W]) with
 * prepared weights and optional bias [Cout].
 */
export function convTransposeRun(op: string, dims: 1 | 2, x: Tensor, w: ConvTransposeWeights, bias: Tensor | null, geo: ConvTransposeGeom): Tensor {
  expectTensor(op, 'input', x);
  expectRank(op, 'input', x, [dims + 1, dims + 2]);
  if (bias) expectTensor(op, 'bias', bias);
  const engine = sameEngine(op, ...(bias ? [x, w.t, bias] : [x, w.t]));
  const batched = x.ndim === dims + 2;
  const xs = batched ? x.shape : [1, ...x.shape];
  const [n, c] = xs;
  const h = dims === 2 ? xs[2] : 1;
  const wIn = xs[dims + 1];
  if (c !== w.cin) throw new ShapeError(`${op}: weight expects input with ${w.cin} channels, got input of shape ${fmtShape(x.shape)}`);
  const cout = w.og * w.groups;
  if (bias && (bias.ndim !== 1 || bias.shape[0] !== cout)) throw new ShapeError(`${op}: bias must have shape [${cout}], got ${fmtShape(bias.shape)}`);
  const [oh, ow] = geo.out;
  if (!(oh >= 1 && ow >= 1)) throw new ShapeError(`${op}: output size would be ${dims === 2 ? `${oh}x${ow}` : ow} for input of shape ${fmtShape(x.shape)}, expected >= 1`);
  const spatial = dims === 2 ? [oh, ow] : [ow];
  return owning((own) => {
    const y = own(Tensor.empty(batched ? [n, cout, ...spatial] : [cout, ...spatial], 'float32', engine));
    const bv = bias ? bias.toFloat32Array() : null;
    const yv = y.data<'float32'>();
    const plane = oh * ow;
    for (let i = 0; i < n * cout; i++) yv.fill(bv ? bv[i % cout] : 0, i * plane, (i + 1) * plane);
    if (n * c * h * wIn === 0) return y;
    const cg = w.cin / w.groups;
    const m = w.og * w.kh * w.kw;
    const rows = Math.max(1, Math.min(h, Math.floor(COLS_BUDGET_BYTES / (m * wIn * 4))));
    const g = { h, w: wIn, oh, ow, kh: w.kh, kw: w.kw, sh: geo.stride[0], sw: geo.stride[1], ph: geo.padBegin[0], pw: geo.padBegin[1], dh: geo.dilation[0], dw: geo.dilation[1] };
    const cols = engine.arena.alloc(m * rows * wIn * 4);
    try {
      withGeom(engine, g, (gp) => {
        for (let b = 0; b < n; b++) {
          for (let gi = 0; gi < w.groups; gi++) {
            const xg = x.ptr + (b * c + gi * cg) * h * wIn * 4;
            const yg = y.ptr + (b * cout + gi * w.og) * plane * 4;
            const a = w.t.ptr + gi * m * cg * 4;
            for (let iy = 0; iy < h; iy += rows) {
              const nr = Math.min(rows, h - iy);
              const packed = PackedWeights.fromKN(engine, cg, nr * wIn, xg + iy * wIn * 4, h * wIn);
              try {
                gemm(engine, { m, a, lda: cg, c: cols, ldc: nr * wIn }, packed);
              } finally {
                packed.dispose();
              }
              engine.k.f32_col2im__wasmsimd(gp, w.og, iy, nr, cols, yg);
            }
          }
        }
      });
    } finally {
      engine.arena.free(cols);
    }
    return y;
  });
}

/** PyTorch's geometry: padding p each side, output (n-1)*s - 2p + d*(k-1) + output_padding + 1. */
export function torchConvTransposeGeom(
  op: string, dims: 1 | 2, x: Tensor, w: ConvTransposeWeights,
  stride: number | readonly number[], padding: number | readonly number[], outputPadding: number | readonly number[], dilation: number | readonly number[],
): ConvTransposeGeom {
  expectTensor(op, 'input', x);
  expectRank(op, 'input', x, [dims + 1, dims + 2]);
  const s = pair(op, 'stride', stride, 1, dims);
  const p = pair(op, 'padding', padding, 0, dims);
  const op_ = pair(op, 'output_padding', outputPadding, 0, dims);
  const d = pair(op, 'dilation', dilation, 1, dims);
  if (dims === 1) {
    p[0] = 0;
    op_[0] = 0;
  }
  for (let i = 0; i < 2; i++) {
    if (op_[i] >= Math.max(s[i], d[i])) throw new ArgumentError(`${op}: output_padding must be smaller than either stride or dilation, got output_padding ${op_[i]}, stride ${s[i]}, dilation ${d[i]}`);
  }
  const h = dims === 2 ? x.shape[x.ndim - 2] : 1;
  const wIn = x.shape[x.ndim - 1];
  const k = [w.kh, w.kw];
  const out = [h, wIn].map((n, i) => convTransposeFull(n, k[i], s[i], d[i]) - 2 * p[i] + op_[i]) as [number, number];
  return { stride: s, dilation: d, padBegin: p, out };
}

function functional(op: string, dims: 1 | 2, input: Tensor, weight: Tensor, bias: Tensor | null, stride: number | readonly number[], padding: number | readonly number[], outputPadding: number | readonly number[], groups: number, dilation: number | readonly number[]): Tensor {
  const w = ConvTransposeWeights.from(op, weight, groups, dims);
  try {
    return convTransposeRun(op, dims, input, w, bias, torchConvTransposeGeom(op, dims, input, w, stride, padding, outputPadding, dilation));
  } finally {
    w.dispose();
  }
}

/** F.conv_transpose2d(input, weight, bias?, stride=1, padding=0, output_padding=0, groups=1, dilation=1): weight [Cin, Cout/groups, kh, kw]. */
export function convTranspose2d(
  input: Tensor, weight: Tensor, bias: Tensor | null = null, stride: number | readonly number[] = 1, padding: number | readonly number[] = 0,
  outputPadding: number | readonly number[] = 0, groups = 1, dilation: number | readonly number[] = 1,
): Tensor {
  return functional('conv_transpose2d', 2, input, weight, bias, stride, padding, outputPadding, groups, dilation);
}

/** F.conv_transpose1d(input, weight, bias?, stride=1, padding=0, output_padding=0, groups=1, dilation=1): weight [Cin, Cout/groups, k]. */
export function convTranspose1d(
  input: Tensor, weight: Tensor, bias: Tensor | null = null, stride: number | readonly number[] = 1, padding: number | readonly number[] = 0,
  outputPadding: number | readonly number[] = 0, groups = 1, dilation: number | readonly number[] = 1,
): Tensor {
  return functional('conv_transpose1d', 1, input, weight, bias, stride, padding, outputPadding, groups, dilation);
}

/** Per-axis geometry of a 3-D transposed convolution ([d, h, w] each). */
export interface ConvTranspose3dGeom {
  stride: number[];
  dilation: number[];
  padBegin: number[];
  out: number[];
}

/**
 * 3-D transposed convolution (ONNX ConvTranspose on [N, C, D, H, W], weight [Cin, Cout/groups,
 * kd, kh, kw]) as a sum over depth taps of the 2-D one: output depth oz = iz*sd - pd + kz*dd
 * receives convTranspose2d(x[:, :, iz], w[:, :, kz]) (GEMM + col2im), the bias added once.
 * The depth accumulation runs in TypeScript (float32 adds).
 */
export function convTranspose3dRun(op: string, x: Tensor, weight: Tensor, bias: Tensor | null, groups: number, geo: ConvTranspose3dGeom): Tensor {
  expectTensor(op, 'input', x);
  expectRank(op, 'input', x, [5]);
  expectTensor(op, 'weight', weight);
  expectRank(op, 'weight', weight, [5]);
  const [n, cin, d, h, w] = x.shape;
  const [wc, og, kd, kh, kw] = weight.shape;
  if (wc !== cin) throw new ShapeError(`${op}: weight of shape ${fmtShape(weight.shape)} expects input with ${wc} channels, got input of shape ${fmtShape(x.shape)}`);
  const cout = og * groups;
  if (bias) {
    expectTensor(op, 'bias', bias);
    if (bias.ndim !== 1 || bias.shape[0] !== cout) throw new ShapeError(`${op}: bias must have shape [${cout}], got ${fmtShape(bias.shape)}`);
  }
  const [od, oh, ow] = geo.out;
  if (!(od >= 1 && oh >= 1 && ow >= 1)) throw new ShapeError(`${op}: output size would be ${geo.out.join('x')} for input of shape ${fmtShape(x.shape)}, expected >= 1`);
  const e = x.engine;
  const plane = oh * ow;
  const out = new Float32Array(n * cout * od * plane);
  const bv = bias ? bias.toFloat32Array() : null;
  if (bv) for (let i = 0; i < n * cout * od; i++) out.fill(bv[Math.floor(i / od) % cout], i * plane, (i + 1) * plane);
  const geo2: ConvTransposeGeom = { stride: [geo.stride[1], geo.stride[2]], dilation: [geo.dilation[1], geo.dilation[2]], padBegin: [geo.padBegin[1], geo.padBegin[2]], out: [oh, ow] };
  const wv = weight.toFloat32Array();
  const xv = x.toFloat32Array();
  const taps: ConvTransposeWeights[] = [];
  try {
    for (let kz = 0; kz < kd; kz++) {
      const s = new Float32Array(cin * og * kh * kw);
      for (let j = 0; j < cin * og; j++) s.set(wv.subarray((j * kd + kz) * kh * kw, (j * kd + kz + 1) * kh * kw), j * kh * kw);
      const tmp = Tensor.from(s, [cin, og, kh, kw], 'float32', e);
      try {
        taps.push(ConvTransposeWeights.from(op, tmp, groups, 2));
      } finally {
        tmp.dispose();
      }
    }
    for (let b = 0; b < n; b++) {
      for (let iz = 0; iz < d; iz++) {
        const xs = new Float32Array(cin * h * w);
        for (let ci = 0; ci < cin; ci++) xs.set(xv.subarray(((b * cin + ci) * d + iz) * h * w, ((b * cin + ci) * d + iz + 1) * h * w), ci * h * w);
        e.scope(() => {
          const xt = Tensor.from(xs, [1, cin, h, w], 'float32', e);
          for (let kz = 0; kz < kd; kz++) {
            const oz = iz * geo.stride[0] - geo.padBegin[0] + kz * geo.dilation[0];
            if (oz < 0 || oz >= od) continue;
            const tv = convTransposeRun(op, 2, xt, taps[kz], null, geo2).toFloat32Array();
            for (let co = 0; co < cout; co++) {
              const base = ((b * cout + co) * od + oz) * plane;
              for (let i = 0; i < plane; i++) out[base + i] += tv[co * plane + i];
            }
          }
        });
      }
    }
  } finally {
    for (const t of taps) t.dispose();
  }
  return Tensor.from(out, [n, cout, od, oh, ow], 'float32', e);
}
