/**
 * Tensor methods for the index-driven data-movement operators (x.gather(dim, index), x.tril(),
 * ...), named as torch.Tensor's. Installed on Tensor.prototype from here rather than written in
 * the class for the reason src/tensor-methods.ts gives (tensor.ts must not import src/ops/: an
 * import cycle). The view methods (transpose, permute, narrow, select, expand, split, ...) are in
 * the class itself, since they need no operator. Each is a one-line forward to the src/ops
 * function the top-level form exports too.
 */
import { Tensor } from './tensor.js';
import * as G from './ops/gather.js';
import { tril, triu } from './ops/tri.js';

declare module './tensor.js' {
  interface Tensor {
    /** torch.Tensor.gather(dim, index). */
    gather(dim: number, index: Tensor): Tensor;
    /** torch.Tensor.index_select(dim, index). */
    indexSelect(dim: number, index: Tensor): Tensor;
    /** torch.Tensor.scatter(dim, index, src, reduce?) (a copy; the in-place scatter_ is not provided). */
    scatter(dim: number, index: Tensor, src: Tensor | number, options?: G.ScatterOptions): Tensor;
    /** torch.Tensor.tril(diagonal = 0). */
    tril(diagonal?: number): Tensor;
    /** torch.Tensor.triu(diagonal = 0). */
    triu(diagonal?: number): Tensor;
    /** torch.Tensor.nonzero(): int64 [count, ndim]. */
    nonzero(): Tensor;
  }
}

type Methods = Partial<Record<keyof Tensor, (this: Tensor, ...args: never[]) => unknown>>;

const methods: Methods = {
  gather(dim: number, index: Tensor) { return G.gather(this, dim, index); },
  indexSelect(dim: number, index: Tensor) { return G.indexSelect(this, dim, index); },
  scatter(dim: number, index: Tensor, src: Tensor | number, options?: G.ScatterOptions) { return G.scatter(this, dim, index, src, options); },
  tril(diagonal?: number) { return tril(this, diagonal); },
  triu(diagonal?: number) { return triu(this, diagonal); },
  nonzero() { return G.nonzero(this); },
};

for (const [name, fn] of Object.entries(methods)) {
  if (!Object.prototype.hasOwnProperty.call(Tensor.prototype, name)) {
    Object.defineProperty(Tensor.prototype, name, { value: fn, writable: true, configurable: true, enumerable: false });
  }
}
