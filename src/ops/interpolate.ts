/**
 * Interpolation (F.interpolate / nn.Upsample, PyTorch semantics) and the separable resampling
 * core ONNX Resize / Upsample share with it.
 *
 * Every mode is a per-axis tap table (output index -> input indices and weights): nearest one tap
 * of weight 1, linear two, cubic four; the table is built here in float64 from a coordinate
 * transform (output index -> input coordinate, torch's or one of ONNX's) and resampled by one
 * kernel over the trailing 1 or 2 dims (f32_resize_taps2d__scalar; a 1-D resize is a 2-D one of
 * height 1). Indices are clamped into the input (edge replication), as torch and ONNX do.
 */
import { Tensor } from '../tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../runtime/errors.js';
import { expectTensor } from './check.js';
import { adaptiveAvgPool1d, adaptiveAvgPool2d } from './pool.js';
import { owning } from './own.js';

/** Taps of one axis: `out` output indices, `taps` input (index, weight) pairs each. */
export interface AxisTaps {
  n: number;
  out: number;
  taps: number;
  idx: Int32Array;
  wt: Float32Array;
  /** Output indices whose coordinate falls outside the input (ONNX tf_crop_and_resize: extrapolation value), or null. */
  outside: Uint8Array | null;
}

/** Output index -> input coordinate (in input pixels). */
export type Coord = (dst: number) => number;

const clampIdx = (i: number, n: number) => Math.min(Math.max(i, 0), n - 1);

function makeTaps(n: number, out: number, taps: number): AxisTaps {
  return { n, out, taps, idx: new Int32Array(out * taps), wt: new Float32Array(out * taps), outside: null };
}

/** Nearest: one tap at round(coord(dst)) (`round` picks the rounding: floor, ceil, half up/down), clamped. */
export function nearestTaps(n: number, out: number, coord: Coord, round: (x: number) => number): AxisTaps {
  const t = makeTaps(n, out, 1);
  for (let i = 0; i < out; i++) {
    t.idx[i] = clampIdx(round(coord(i)), n);
    t.wt[i] = 1;
  }
  return t;
}

/** Linear: the coordinate clamped into [0, n-1], taps floor and floor+1 (clamped) weighted 1-l, l. */
export function linearTaps(n: number, out: number, coord: Coord): AxisTaps {
  const t = makeTaps(n, out, 2);
  for (let i = 0; i < out; i++) {
    const x = Math.min(Math.max(coord(i), 0), n - 1);
    const x0 = Math.floor(x);
    const l = x - x0;
    t.idx[2 * i] = x0;
    t.idx[2 * i + 1] = Math.min(x0 + 1, n - 1);
    t.wt[2 * i] = 1 - l;
    t.wt[2 * i + 1] = l;
  }
  return t;
}

/**
 * Cubic convolution (Keys, coefficient a: torch -0.75, ONNX cubic_coeff_a) over floor-1..floor+2,
 * indices clamped; excludeOutside (ONNX) zeroes the taps outside the input and renormalises.
 */
export function cubicTaps(n: number, out: number, coord: Coord, a = -0.75, excludeOutside = false): AxisTaps {
  const t = makeTaps(n, out, 4);
  const c1 = (x: number) => ((a + 2) * x - (a + 3)) * x * x + 1;
  const c2 = (x: number) => ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
  for (let i = 0; i < out; i++) {
    const x = coord(i);
    const x0 = Math.floor(x);
    const f = x - x0;
    const w = [c2(f + 1), c1(f), c1(1 - f), c2(2 - f)];
    if (excludeOutside) {
      let s = 0;
      for (let k = 0; k < 4; k++) {
        const j = x0 - 1 + k;
        if (j < 0 || j >= n) w[k] = 0;
        s += w[k];
      }
      for (let k = 0; k < 4; k++) w[k] = s === 0 ? 0 : w[k] / s;
    }
    for (let k = 0; k < 4; k++) {
      t.idx[4 * i + k] = clampIdx(x0 - 1 + k, n);
      t.wt[4 * i + k] = w[k];
    }
  }
  return t;
}

/** The identity axis (an axis that is not resized, e.g. the height 1 of a 1-D resize). */
export function identityTaps(n: number): AxisTaps {
  return nearestTaps(n, n, (i) => i, (x) => x);
}

const prod = (a: readonly number[]) => a.reduce((p, d) => p * d, 1);

/**
 * Resamples the trailing axes of x by `axes` (1 entry: the last dim; 2: the last two), one wasm
 * call over every plane. Outputs at `outside` indices are set to `extrapolation`.
 */
export function resample(op: string, x: Tensor, axes: AxisTaps[], extrapolation = 0): Tensor {
  expectTensor(op, 'input', x);
  const nd = axes.length;
  if ((nd !== 1 && nd !== 2) || x.ndim < nd) throw new ShapeError(`${op}: cannot resize the last ${nd} dims of an input of shape ${fmtShape(x.shape)}`);
  const [ty, tx] = nd === 2 ? axes : [identityTaps(1), axes[0]];
  const h = nd === 2 ? x.shape[x.ndim - 2] : 1;
  const w = x.shape[x.ndim - 1];
  if (ty.n !== h || tx.n !== w) throw new ShapeError(`${op}: tap tables for ${ty.n}x${tx.n} do not fit the input of shape ${fmtShape(x.shape)}`);
  if (ty.out < 1 || tx.out < 1) throw new ShapeError(`${op}: output size must be >= 1, got ${nd === 2 ? `${ty.out}x${tx.out}` : tx.out}`);
  const lead = x.shape.slice(0, x.ndim - nd);
  const planes = prod(lead);
  if (planes > 0 && h * w === 0) throw new ShapeError(`${op}: input of shape ${fmtShape(x.shape)} is empty along a resized dim`);
  return owning((own) => {
    const y = own(Tensor.empty([...lead, ...(nd === 2 ? [ty.out, tx.out] : [tx.out])], 'float32', x.engine));
    if (planes === 0) return y;
    const e = x.engine;
    const ny = ty.out * ty.taps, nx = tx.out * tx.taps;
    const tab = e.arena.alloc((2 * ny + 2 * nx) * 4);
    try {
      e.arena.i32(tab, ny).set(ty.idx);
      e.arena.f32(tab + ny * 4, ny).set(ty.wt);
      e.arena.i32(tab + 2 * ny * 4, nx).set(tx.idx);
      e.arena.f32(tab + (2 * ny + nx) * 4, nx).set(tx.wt);
      e.k.f32_resize_taps2d__scalar(planes, h, w, ty.out, tx.out, ty.taps, tx.taps, x.ptr, y.ptr, tab);
    } finally {
      e.arena.free(tab);
    }
    if (ty.outside || tx.outside) {
      const v = y.data<'float32'>();
      for (let p = 0; p < planes; p++) {
        for (let oy = 0; oy < ty.out; oy++) {
          const row = (p * ty.out + oy) * tx.out;
          if (ty.outside?.[oy]) v.fill(extrapolation, row, row + tx.out);
          else if (tx.outside) for (let ox = 0; ox < tx.out; ox++) if (tx.outside[ox]) v[row + ox] = extrapolation;
        }
      }
    }
    return y;
  });
}

// ---------------------------------------------------------------------------------------------
// torch front end

export type InterpolateMode = 'nearest' | 'nearest-exact' | 'linear' | 'bilinear' | 'bicubic' | 'area';

export interface InterpolateOptions {
  /** Output spatial size (an int for every dim, or one per dim); exactly one of size and scaleFactor. */
  size?: number | readonly number[] | null;
  scaleFactor?: number | readonly number[] | null;
  mode?: InterpolateMode;
  /** linear / bilinear / bicubic only (default false there; must be unset otherwise). */
  alignCorners?: boolean | null;
  /** true: coordinates from the output size (in/out) instead of 1/scaleFactor. */
  recomputeScaleFactor?: boolean | null;
  /** Not supported (true throws). */
  antialias?: boolean;
}

const MODE_DIMS: Record<InterpolateMode, number[]> = { nearest: [1, 2], 'nearest-exact': [1, 2], linear: [1], bilinear: [2], bicubic: [2], area: [1, 2] };

/** torch's scale of one axis for coordinates: 1/scale when a scale factor is used, else in/out. */
function scaleOf(n: number, out: number, s: number | null): number {
  return s !== null && s > 0 ? 1 / s : n / out;
}

/**
 * F.interpolate(input, { size, scaleFactor, mode = 'nearest', alignCorners, recomputeScaleFactor }):
 * input [N, C, L] (nearest, nearest-exact, linear, area) or [N, C, H, W] (nearest, nearest-exact,
 * bilinear, bicubic, area), PyTorch's output sizes (floor(in * scale)) and source coordinates.
 */
export function interpolate(input: Tensor, options: InterpolateOptions = {}): Tensor {
  const op = 'interpolate';
  expectTensor(op, 'input', input);
  const mode = options.mode ?? 'nearest';
  if (!(mode in MODE_DIMS)) throw new ArgumentError(`${op}: mode must be one of ${Object.keys(MODE_DIMS).join(', ')}, got ${JSON.stringify(mode)}`);
  const dims = input.ndim - 2;
  if (!MODE_DIMS[mode].includes(dims)) {
    throw new ShapeError(`${op}: mode '${mode}' expects a ${MODE_DIMS[mode].map((d) => `${d + 2}-D`).join(' or ')} input, got shape ${fmtShape(input.shape)}`);
  }
  if (options.antialias) throw new ArgumentError(`${op}: antialias=true is not supported, expected false`);
  const interp = mode === 'linear' || mode === 'bilinear' || mode === 'bicubic';
  if (options.alignCorners != null && !interp) throw new ArgumentError(`${op}: align_corners option can only be set with the interpolating modes: linear | bilinear | bicubic, got mode '${mode}'`);
  const alignCorners = options.alignCorners ?? false;
  const size = options.size ?? null;
  const sf = options.scaleFactor ?? null;
  if ((size === null) === (sf === null)) throw new ArgumentError(`${op}: exactly one of size or scaleFactor must be given, got ${size === null ? 'neither' : 'both'}`);
  const perDim = (v: number | readonly number[], name: string, int: boolean): number[] => {
    const arr = typeof v === 'number' ? Array(dims).fill(v) : Array.from(v);
    if (arr.length !== dims || !arr.every((d) => typeof d === 'number' && (int ? Number.isInteger(d) && d >= 1 : d > 0 && Number.isFinite(d)))) {
      throw new ArgumentError(`${op}: ${name} must be ${int ? 'an integer >= 1' : 'a number > 0'} or a list of ${dims}, got ${JSON.stringify(v)}`);
    }
    return arr;
  };
  const inSizes = input.shape.slice(2);
  const scales = sf !== null ? perDim(sf, 'scale_factor', false) : null;
  const outSizes = size !== null ? perDim(size, 'size', true) : inSizes.map((n, i) => Math.floor(n * (scales as number[])[i]));
  if (outSizes.some((o) => o < 1)) throw new ShapeError(`${op}: output size ${fmtShape(outSizes)} of input ${fmtShape(input.shape)} must be >= 1`);
  if (mode === 'area') return dims === 1 ? adaptiveAvgPool1d(input, outSizes[0]) : adaptiveAvgPool2d(input, outSizes);
  const useScales = scales !== null && !options.recomputeScaleFactor;
  const axes = inSizes.map((n, i) => {
    const out = outSizes[i];
    const s = useScales ? (scales as number[])[i] : null;
    if (mode === 'nearest' || mode === 'nearest-exact') {
      // torch computes these indices in float32 (nearest_idx): fround keeps the same boundaries.
      const sc = Math.fround(scaleOf(n, out, s));
      if (mode === 'nearest' && (out === n || out === 2 * n)) return nearestTaps(n, out, (d) => (out === n ? d : d >> 1), (x) => x);
      const half = mode === 'nearest-exact' ? 0.5 : 0;
      return nearestTaps(n, out, (d) => Math.fround((d + half) * sc), Math.floor);
    }
    const sc = alignCorners ? (out > 1 ? (n - 1) / (out - 1) : 0) : scaleOf(n, out, s);
    const coord: Coord = alignCorners ? (d) => sc * d : mode === 'bicubic' ? (d) => sc * (d + 0.5) - 0.5 : (d) => Math.max(sc * (d + 0.5) - 0.5, 0);
    return mode === 'bicubic' ? cubicTaps(n, out, coord) : linearTaps(n, out, coord);
  });
  return resample(op, input, axes);
}
