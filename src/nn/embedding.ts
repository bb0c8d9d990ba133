/**
 * nn.Embedding(numEmbeddings, embeddingDim, { paddingIdx }): a lookup table, weight
 * [numEmbeddings, embeddingDim] (PyTorch key `weight`, init N(0, 1) with the paddingIdx row zero).
 * forward(ids) takes int64 or int32 token ids of any shape and returns [...ids.shape, embeddingDim]
 * in one wasm call. An id outside [0, numEmbeddings) throws an IndexError-like ArgumentError
 * naming it (PyTorch raises IndexError). maxNorm is not supported (it mutates the weight).
 */
import { Module } from './module.js';
import { Tensor } from '../tensor.js';
import type { Engine } from '../runtime/engine.js';
import { ArgumentError, DTypeError, fmtShape } from '../runtime/errors.js';
import { expectTensor } from '../ops/check.js';

export interface EmbeddingOptions {
  paddingIdx?: number | null;
  /** Not supported (PyTorch renormalizes the weight in place); must be null/undefined. */
  maxNorm?: number | null;
}

export class Embedding extends Module {
  readonly weight: Tensor;
  readonly paddingIdx: number | null;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options: EmbeddingOptions = {},
    engine?: Engine,
  ) {
    super(engine);
    for (const [n, v] of [['numEmbeddings', numEmbeddings], ['embeddingDim', embeddingDim]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ArgumentError(`Embedding: ${n} must be an integer >= 1, got ${v}`);
    }
    if (options.maxNorm != null) throw new ArgumentError('Embedding: maxNorm is not supported (inference engine; renormalize the weight before loading)');
    let pad = options.paddingIdx ?? null;
    if (pad !== null) {
      if (!Number.isInteger(pad) || pad < -numEmbeddings || pad >= numEmbeddings) {
        throw new ArgumentError(`Embedding: paddingIdx must be an integer in [-${numEmbeddings}, ${numEmbeddings}), got ${pad}`);
      }
      if (pad < 0) pad += numEmbeddings;
    }
    this.paddingIdx = pad;
    const w = Tensor.empty([numEmbeddings, embeddingDim], 'float32', this.engine);
    const d = w.data<'float32'>();
    for (let i = 0; i < d.length; i += 2) {
      const u = 1 - Math.random();
      const r = Math.sqrt(-2 * Math.log(u));
      const t = 2 * Math.PI * Math.random();
      d[i] = r * Math.cos(t);
      if (i + 1 < d.length) d[i + 1] = r * Math.sin(t);
    }
    if (pad !== null) d.fill(0, pad * embeddingDim, (pad + 1) * embeddingDim);
    this.weight = this.registerParameter('weight', w);
  }

  forward(ids: Tensor): Tensor {
    this.checkLive();
    if (ids instanceof Tensor && ids.dtype !== 'int64' && ids.dtype !== 'int32') {
      throw new DTypeError(
        `Embedding: input must hold token ids as int64 or int32, got ${ids.dtype} (shape ${fmtShape(ids.shape)}): ` +
          "create it with Tensor.from(ids, shape, 'int64')",
      );
    }
    expectTensor('Embedding', 'input', ids, ['int64', 'int32']);
    const out = Tensor.empty([...ids.shape, this.embeddingDim], 'float32', this.engine);
    if (ids.numel === 0) return out;
    const bad = this.engine.k.x32_embedding_gather__scalar(
      ids.numel, ids.ptr, ids.dtype === 'int64' ? 1 : 0, this.weight.ptr, this.numEmbeddings, this.embeddingDim, out.ptr,
    );
    if (bad >= 0) {
      const v = ids.data()[bad];
      out.dispose();
      throw new ArgumentError(`Embedding: index out of range: input[${bad}] = ${v}, expected 0 <= id < ${this.numEmbeddings}`);
    }
    return out;
  }

  protected extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx !== null ? `, padding_idx=${this.paddingIdx}` : ''}`;
  }
}
