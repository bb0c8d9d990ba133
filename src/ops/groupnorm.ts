/**
 * Group and instance normalisation over [N, C, *] (PyTorch semantics), shared by nn.GroupNorm,
 * nn.InstanceNorm1d/2d, F.group_norm, F.instance_norm and ONNX InstanceNormalization /
 * GroupNormalization.
 *
 *   y[n, c, i] = (x[n, c, i] - mean_{n,g}) / sqrt(var_{n,g} + eps) * weight[c] + bias[c]
 *
 * with g = c / (C/G), the mean and the biased variance over the (C/G) * prod(*) elements of the
 * group. In NCHW a group of one image is one contiguous row, so the normalisation is the layer
 * norm kernel (two-pass variance, f32_layernorm_u16) over N*G rows without affine, followed by the
 * per-channel affine (f32_vmulcaddc_cw_u8) in place: two wasm calls per image at most.
 */
import { Tensor } from '../tensor.js';
import { ArgumentError, ShapeError, fmtShape } from '../runtime/errors.js';
import { expectInt, expectNumber, expectShape, expectTensor, sameEngine } from './check.js';
import { batchNorm } from './batchnorm.js';
import { owning } from './own.js';

/**
 * In place, y[n, c, :] = y[n, c, :] * scale[c] + shift[c] for a contiguous [N, C, inner] tensor;
 * a null scale is ones, a null shift zeros (both null: nothing to do).
 */
function channelAffine(y: Tensor, c: number, inner: number, scale: Tensor | null, shift: Tensor | null): void {
  if (!scale && !shift) return;
  const e = y.engine;
  const ones = scale ? null : Tensor.full([c], 1, e);
  const zeros = shift ? null : Tensor.zeros([c], 'float32', e);
  try {
    const s = (scale ?? ones) as Tensor;
    const b = (shift ?? zeros) as Tensor;
    const n = y.numel / (c * inner);
    for (let i = 0; i < n; i++) {
      const p = y.ptr + i * c * inner * 4;
      e.k.f32_vmulcaddc_cw_u8__wasmsimd(c, inner, p, s.ptr, b.ptr, p);
    }
  } finally {
    ones?.dispose();
    zeros?.dispose();
  }
}

function checkAffine(op: string, c: number, weight: Tensor | null | undefined, bias: Tensor | null | undefined): void {
  for (const [name, t] of [['weight', weight], ['bias', bias]] as const) {
    if (t == null) continue;
    expectTensor(op, name, t);
    expectShape(op, name, t, [c]);
  }
}

/** Normalises each of N*groups contiguous groups of x ([N, C, *]) then applies the per-channel affine. */
function normalizeGroups(op: string, x: Tensor, groups: number, weight: Tensor | null, bias: Tensor | null, eps: number): Tensor {
  const c = x.shape[1];
  const inner = x.numel / Math.max(1, x.shape[0] * c);
  const e = sameEngine(op, x, ...[weight, bias].filter((t): t is Tensor => !!t));
  return owning((own) => {
    const y = own(Tensor.empty(x.shape, 'float32', e));
    if (x.numel === 0) return y;
    const rows = x.shape[0] * groups;
    e.k.f32_layernorm_u16__wasmsimd(rows, x.numel / rows, x.ptr, 0, 0, eps, y.ptr);
    channelAffine(y, c, inner, weight, bias);
    return y;
  });
}

/** F.group_norm(input, numGroups, weight = null, bias = null, eps = 1e-5): input [N, C, *]. */
export function groupNorm(input: Tensor, numGroups: number, weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  const op = 'group_norm';
  expectTensor(op, 'input', input);
  if (input.ndim < 2) throw new ShapeError(`${op}: input must have at least 2 dims [N, C, *], got ${fmtShape(input.shape)}`);
  expectInt(op, 'num_groups', numGroups, 1);
  expectNumber(op, 'eps', eps);
  const c = input.shape[1];
  if (c % numGroups !== 0) throw new ShapeError(`${op}: expected the number of channels (${c}, input of shape ${fmtShape(input.shape)}) to be divisible by num_groups=${numGroups}`);
  checkAffine(op, c, weight, bias);
  return normalizeGroups(op, input, numGroups, weight, bias, eps);
}

/**
 * F.instance_norm(input, runningMean = null, runningVar = null, weight = null, bias = null,
 * useInputStats = true, momentum = 0.1, eps = 1e-5): input [N, C, *]. With useInputStats each
 * (n, c) plane is normalised by its own statistics; otherwise the running statistics are used
 * (an inference batch norm). The running statistics are never updated (inference engine).
 */
export function instanceNorm(
  input: Tensor, runningMean: Tensor | null = null, runningVar: Tensor | null = null, weight: Tensor | null = null, bias: Tensor | null = null,
  useInputStats = true, _momentum = 0.1, eps = 1e-5,
): Tensor {
  const op = 'instance_norm';
  expectTensor(op, 'input', input);
  if (input.ndim < 3) throw new ShapeError(`${op}: input must have at least 3 dims [N, C, *], got ${fmtShape(input.shape)}`);
  expectNumber(op, 'eps', eps);
  const c = input.shape[1];
  checkAffine(op, c, weight, bias);
  if (!useInputStats) {
    if (!runningMean || !runningVar) throw new ArgumentError(`${op}: use_input_stats=false needs running_mean and running_var, got ${runningMean ? 'no running_var' : 'no running_mean'}`);
    return batchNorm(input, runningMean, runningVar, weight, bias, false, 0.1, eps);
  }
  return normalizeGroups(op, input, c, weight, bias, eps);
}
