/**
 * The linear operator: y = x W^T + b over the last dimension of x ([..., in] -> [..., out]), one
 * GEMM call with the leading dimensions folded into M. `linearPacked` runs pre-packed weights
 * (nn.Linear packs once, on construction and on load); `linear` is F.linear, which packs per call.
 */
import { Tensor } from '../tensor.js';
import { ShapeError, fmtShape } from '../runtime/errors.js';
import { expectEngine, expectOut, expectShape, expectTensor, sameEngine } from './check.js';
import { PackedWeights, gemm, type Activation } from './gemm.js';
import { owning } from './own.js';
import type { Engine } from '../runtime/engine.js';

/** Packed weights of any GEMM flavour (float32, int8, fp16) as the linear forms see them. */
export interface LinearWeights {
  readonly engine: Engine;
  readonly n: number;
  readonly k: number;
}

/**
 * The shape logic every linear form shares: y[..., n] from x[..., k], `rows(m, a, c)` computing the
 * m GEMM rows (a, c byte addresses); into `out` when given.
 */
export function linearRows(op: string, x: Tensor, w: LinearWeights, rows: (m: number, a: number, c: number) => void, out?: Tensor): Tensor {
  expectTensor(op, 'input', x);
  if (x.ndim < 1 || x.shape[x.ndim - 1] !== w.k) {
    throw new ShapeError(`${op}: input must have shape [..., ${w.k}], got ${fmtShape(x.shape)}`);
  }
  expectEngine(op, w.engine, { input: x });
  const shape = [...x.shape.slice(0, -1), w.n];
  if (out) expectOut(op, out, shape, x.engine);
  const m = x.numel / w.k;
  // The GEMM's workspace is allocated after a fresh output: a failure there frees it (never `out`).
  return owning((own) => {
    const y = out ?? own(Tensor.empty(shape, 'float32', x.engine));
    if (m > 0) rows(m, x.ptr, y.ptr);
    return y;
  });
}

/** y[..., n] = act(x[..., k] · W^T + bias) with W packed; into `out` when given. */
export function linearPacked(op: string, x: Tensor, w: PackedWeights, act: Activation = 'none', out?: Tensor): Tensor {
  return linearRows(op, x, w, (m, a, c) => gemm(x.engine, { m, a, c, act }, w), out);
}

/** F.linear(input, weight, bias): weight [out, in], bias [out] or null. */
export function linear(input: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  const op = 'linear';
  expectTensor(op, 'input', input);
  expectTensor(op, 'weight', weight);
  if (weight.ndim !== 2) throw new ShapeError(`${op}: weight must be [out_features, in_features], got ${fmtShape(weight.shape)}`);
  if (bias != null) {
    expectTensor(op, 'bias', bias);
    expectShape(op, 'bias', bias, [weight.shape[0]]);
    sameEngine(op, input, weight, bias);
  } else sameEngine(op, input, weight);
  const [n, k] = weight.shape;
  if (input.ndim < 1 || input.shape[input.ndim - 1] !== k) {
    throw new ShapeError(`${op}: input must have shape [..., ${k}] to match weight ${fmtShape(weight.shape)}, got ${fmtShape(input.shape)}`);
  }
  if (n === 0 || k === 0) return emptyLinear(input, n, bias ?? null);
  const w = PackedWeights.fromTensor(weight, bias ?? null);
  try {
    return linearPacked(op, input, w);
  } finally {
    w.dispose();
  }
}

/** Degenerate sizes (no features in or out): the output is the bias broadcast, or zeros. */
function emptyLinear(input: Tensor, n: number, bias: Tensor | null): Tensor {
  const y = Tensor.zeros([...input.shape.slice(0, -1), n], 'float32', input.engine);
  if (bias && n > 0) {
    const b = bias.toFloat32Array();
    const d = y.data<'float32'>();
    for (let i = 0; i < d.length; i += n) d.set(b, i);
  }
  return y;
}
