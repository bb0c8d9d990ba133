/**
 * Inference batch normalisation as a per-channel scale + shift, and its folding into a
 * convolution. scale = weight / sqrt(running_var + eps), shift = bias - running_mean * scale,
 * computed in float64 and rounded once.
 */
import { Tensor } from '../tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../runtime/errors.js';
import { expectShape, expectTensor } from './check.js';
import { owning } from './own.js';

/** Per-channel [scale, shift] (float64) of an inference BatchNorm. */
export function bnScaleShift(runningMean: Tensor, runningVar: Tensor, weight: Tensor | null, bias: Tensor | null, eps: number): [Float64Array, Float64Array] {
  const mean = runningMean.toFloat32Array();
  const v = runningVar.toFloat32Array();
  const wt = weight ? weight.toFloat32Array() : null;
  const b = bias ? bias.toFloat32Array() : null;
  const c = mean.length;
  const scale = new Float64Array(c);
  const shift = new Float64Array(c);
  for (let i = 0; i < c; i++) {
    scale[i] = (wt ? wt[i] : 1) / Math.sqrt(v[i] + eps);
    shift[i] = (b ? b[i] : 0) - mean[i] * scale[i];
  }
  return [scale, shift];
}

/**
 * F.batch_norm(input, runningMean, runningVar, weight?, bias?, training = false, momentum = 0.1,
 * eps = 1e-5), inference only: input [N, C, ...] (or [N, C]).
 */
export function batchNorm(
  input: Tensor, runningMean: Tensor, runningVar: Tensor, weight: Tensor | null = null, bias: Tensor | null = null,
  training = false, _momentum = 0.1, eps = 1e-5,
): Tensor {
  const op = 'batch_norm';
  if (training) throw new ArgumentError(`${op}: training=true is not supported (inference engine), expected false`);
  expectTensor(op, 'input', input);
  if (input.ndim < 2) throw new ShapeError(`${op}: input must have at least 2 dims [N, C, ...], got ${fmtShape(input.shape)}`);
  const c = input.shape[1];
  for (const [name, t] of [['running_mean', runningMean], ['running_var', runningVar], ['weight', weight], ['bias', bias]] as const) {
    if (t == null) continue;
    expectTensor(op, name, t);
    expectShape(op, name, t, [c]);
  }
  if (!(eps >= 0)) throw new ArgumentError(`${op}: eps must be >= 0, got ${eps}`);
  const [scale, shift] = bnScaleShift(runningMean, runningVar, weight, bias, eps);
  const e = input.engine;
  const n = input.shape[0];
  const inner = input.shape.slice(2).reduce((a, b) => a * b, 1);
  return owning((own) => {
    const y = own(Tensor.empty(input.shape, 'float32', e));
    if (n * c * inner === 0) return y;
    const ps = e.arena.alloc(c * 8);
    try {
      e.arena.f32(ps, c).set(scale);
      e.arena.f32(ps + c * 4, c).set(shift);
      for (let i = 0; i < n; i++) {
        e.k.f32_vmulcaddc_cw_u8__wasmsimd(c, inner, input.ptr + i * c * inner * 4, ps, ps + c * 4, y.ptr + i * c * inner * 4);
      }
    } finally {
      e.arena.free(ps);
    }
    return y;
  });
}
