/**
 * A subset of onnxruntime-web's API for migration: `await InferenceSession.create(source)`,
 * `session.inputNames` / `outputNames`, `await session.run(feeds)` with feeds as simdnn Tensors,
 * ort.Tensor-like `{ data, dims, type }` objects or `{ data, dims }`, returning
 * `{ name: { data, dims, type } }` (data copied out of wasm memory; nothing to dispose), and
 * `await session.release()`. Options of ort (execution providers, graph optimization levels,
 * fetches, run options) are not supported.
 */
import type { Tensor } from '../tensor.js';
import { loadOnnx, type LoadOnnxOptions, type OnnxSource } from './load.js';
import type { OnnxFeed, OnnxModel } from './model.js';

/** What session.run returns per output, shaped like ort.Tensor's data/dims/type. */
export interface OrtLikeTensor {
  data: Float32Array | Int32Array | BigInt64Array | Uint8Array | Int8Array;
  dims: readonly number[];
  type: 'float32' | 'int32' | 'int64' | 'bool' | 'uint8' | 'int8';
}

export class InferenceSession {
  private constructor(readonly model: OnnxModel) {}

  static async create(source: OnnxSource, options: LoadOnnxOptions = {}): Promise<InferenceSession> {
    return new InferenceSession(await loadOnnx(source, options));
  }

  get inputNames(): string[] {
    return this.model.inputs.map((i) => i.name);
  }

  get outputNames(): string[] {
    return this.model.outputs.map((o) => o.name);
  }

  /** Feeds: Tensors, or anything with `data` and `dims` (an ort.Tensor works). */
  async run(feeds: Record<string, OnnxFeed>): Promise<Record<string, OrtLikeTensor>> {
    const outs: Record<string, Tensor> = this.model.run(feeds);
    const result: Record<string, OrtLikeTensor> = {};
    for (const [k, t] of Object.entries(outs)) {
      result[k] = { data: t.toTypedArray() as OrtLikeTensor['data'], dims: t.shape.slice(), type: t.dtype as OrtLikeTensor['type'] };
      t.dispose();
    }
    return result;
  }

  async release(): Promise<void> {
    this.model.dispose();
  }
}
