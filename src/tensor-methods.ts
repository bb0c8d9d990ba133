/**
 * Tensor methods for the elementwise and reduction operators (x.sub(y), x.mean(-1), ...), named
 * as torch.Tensor's.
 *
 * Why they are installed here instead of written in the Tensor class: every operator in src/ops/
 * imports Tensor (to allocate its outputs), so tensor.ts importing src/ops/ would be an import
 * cycle (tensor -> ops -> tensor), which ES modules resolve by evaluation order: a bundle
 * evaluating ops first would see Tensor undefined. So the class stays free of operator imports,
 * and this module, imported once by the public surface (src/api.ts), adds the methods to
 * Tensor.prototype and declares them on the Tensor interface (TypeScript declaration merging), so
 * they are typed like class methods. Each is a one-line forward to the src/ops function that the
 * functional form (F.*) exports too: nothing is implemented twice.
 */
import { Tensor, type DType } from './tensor.js';
import * as B from './ops/binary.js';
import * as C from './ops/compare.js';
import * as U from './ops/unary.js';
import * as R from './ops/reduce.js';
import { cast } from './ops/cast.js';

type Dims = number | readonly number[] | null;

declare module './tensor.js' {
  interface Tensor {
    add(other: Tensor | number): Tensor;
    sub(other: Tensor | number): Tensor;
    mul(other: Tensor | number): Tensor;
    div(other: Tensor | number, options?: B.BinaryOptions): Tensor;
    pow(exponent: Tensor | number): Tensor;
    maximum(other: Tensor | number): Tensor;
    minimum(other: Tensor | number): Tensor;
    fmod(other: Tensor | number): Tensor;
    remainder(other: Tensor | number): Tensor;
    neg(): Tensor;
    abs(): Tensor;
    sqrt(): Tensor;
    exp(): Tensor;
    log(): Tensor;
    reciprocal(): Tensor;
    floor(): Tensor;
    ceil(): Tensor;
    round(): Tensor;
    sign(): Tensor;
    erf(): Tensor;
    sin(): Tensor;
    cos(): Tensor;
    sigmoid(): Tensor;
    tanh(): Tensor;
    relu(): Tensor;
    clamp(min?: number | null, max?: number | null): Tensor;
    eq(other: Tensor | number): Tensor;
    ne(other: Tensor | number): Tensor;
    lt(other: Tensor | number): Tensor;
    le(other: Tensor | number): Tensor;
    gt(other: Tensor | number): Tensor;
    ge(other: Tensor | number): Tensor;
    logicalNot(): Tensor;
    logicalAnd(other: Tensor): Tensor;
    logicalOr(other: Tensor): Tensor;
    logicalXor(other: Tensor): Tensor;
    isnan(): Tensor;
    isinf(): Tensor;
    /** torch.Tensor.where(condition, other): this where condition, else other. */
    where(condition: Tensor, other: Tensor | number): Tensor;
    maskedFill(mask: Tensor, value: number): Tensor;
    sum(dim?: Dims, keepdim?: boolean): Tensor;
    mean(dim?: Dims, keepdim?: boolean): Tensor;
    prod(dim?: Dims, keepdim?: boolean): Tensor;
    amax(dim?: Dims, keepdim?: boolean): Tensor;
    amin(dim?: Dims, keepdim?: boolean): Tensor;
    max(): Tensor;
    max(dim: number, keepdim?: boolean): R.ValuesIndices;
    min(): Tensor;
    min(dim: number, keepdim?: boolean): R.ValuesIndices;
    argmax(dim?: number | null, keepdim?: boolean): Tensor;
    argmin(dim?: number | null, keepdim?: boolean): Tensor;
    logsumexp(dim: number | readonly number[], keepdim?: boolean): Tensor;
    norm(p?: number | 'fro', dim?: Dims, keepdim?: boolean): Tensor;
    cumsum(dim: number): Tensor;
    topk(k: number, options?: R.TopkOptions): R.ValuesIndices;
    /** torch.Tensor.to(dtype): a converted copy (a copy even when the dtype is the same). */
    to(dtype: DType): Tensor;
  }
}

type Methods = Partial<Record<keyof Tensor, (this: Tensor, ...args: never[]) => unknown>>;

const methods: Methods = {
  add(other: Tensor | number) { return B.add(this, other); },
  sub(other: Tensor | number) { return B.sub(this, other); },
  mul(other: Tensor | number) { return B.mul(this, other); },
  div(other: Tensor | number, options?: B.BinaryOptions) { return B.div(this, other, options); },
  pow(exponent: Tensor | number) { return B.pow(this, exponent); },
  maximum(other: Tensor | number) { return B.maximum(this, other); },
  minimum(other: Tensor | number) { return B.minimum(this, other); },
  fmod(other: Tensor | number) { return B.fmod(this, other); },
  remainder(other: Tensor | number) { return B.remainder(this, other); },
  neg() { return U.neg(this); },
  abs() { return U.abs(this); },
  sqrt() { return U.sqrt(this); },
  exp() { return U.exp(this); },
  log() { return U.log(this); },
  reciprocal() { return U.reciprocal(this); },
  floor() { return U.floor(this); },
  ceil() { return U.ceil(this); },
  round() { return U.round(this); },
  sign() { return U.sign(this); },
  erf() { return U.erf(this); },
  sin() { return U.sin(this); },
  cos() { return U.cos(this); },
  sigmoid() { return U.sigmoid(this); },
  tanh() { return U.tanh(this); },
  relu() { return U.relu(this); },
  clamp(min?: number | null, max?: number | null) { return U.clamp(this, min, max); },
  eq(other: Tensor | number) { return C.eq(this, other); },
  ne(other: Tensor | number) { return C.ne(this, other); },
  lt(other: Tensor | number) { return C.lt(this, other); },
  le(other: Tensor | number) { return C.le(this, other); },
  gt(other: Tensor | number) { return C.gt(this, other); },
  ge(other: Tensor | number) { return C.ge(this, other); },
  logicalNot() { return C.logicalNot(this); },
  logicalAnd(other: Tensor) { return C.logicalAnd(this, other); },
  logicalOr(other: Tensor) { return C.logicalOr(this, other); },
  logicalXor(other: Tensor) { return C.logicalXor(this, other); },
  isnan() { return C.isnan(this); },
  isinf() { return C.isinf(this); },
  where(condition: Tensor, other: Tensor | number) { return C.where(condition, this, other); },
  maskedFill(mask: Tensor, value: number) { return C.maskedFill(this, mask, value); },
  sum(dim?: Dims, keepdim?: boolean) { return R.sum(this, dim, keepdim); },
  mean(dim?: Dims, keepdim?: boolean) { return R.mean(this, dim, keepdim); },
  prod(dim?: Dims, keepdim?: boolean) { return R.prod(this, dim, keepdim); },
  amax(dim?: Dims, keepdim?: boolean) { return R.amax(this, dim, keepdim); },
  amin(dim?: Dims, keepdim?: boolean) { return R.amin(this, dim, keepdim); },
  max(dim?: number, keepdim?: boolean) { return dim === undefined ? R.max(this) : R.max(this, dim, keepdim); },
  min(dim?: number, keepdim?: boolean) { return dim === undefined ? R.min(this) : R.min(this, dim, keepdim); },
  argmax(dim?: number | null, keepdim?: boolean) { return R.argmax(this, dim, keepdim); },
  argmin(dim?: number | null, keepdim?: boolean) { return R.argmin(this, dim, keepdim); },
  logsumexp(dim: number | readonly number[], keepdim?: boolean) { return R.logsumexp(this, dim, keepdim); },
  norm(p?: number | 'fro', dim?: Dims, keepdim?: boolean) { return R.norm(this, p, dim, keepdim); },
  cumsum(dim: number) { return R.cumsum(this, dim); },
  topk(k: number, options?: R.TopkOptions) { return R.topk(this, k, options); },
  to(dtype: DType) { return cast(this, dtype); },
};

for (const [name, fn] of Object.entries(methods)) {
  // Methods the class itself defines (another module may add some) are left alone.
  if (!Object.prototype.hasOwnProperty.call(Tensor.prototype, name)) {
    Object.defineProperty(Tensor.prototype, name, { value: fn, writable: true, configurable: true, enumerable: false });
  }
}
