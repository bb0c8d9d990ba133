/** nn.Embedding (x32_embedding_gather__scalar): lookups for int64 and int32 ids, bounds, padding_idx. */
import { describe, expect, it } from 'vitest';
import { nn, Tensor, ArgumentError, DTypeError } from '../../dist/src/entries/node.js';
import { runnableBuilds, useBuild } from '../helpers/engines.js';
import { Rng } from '../helpers/rng.js';

describe.each(runnableBuilds())('Embedding [%s build]', (build) => {
  it('gathers rows for int64 and int32 ids of any shape', async () => {
    const e = await useBuild(build);
    const V = 11, D = 7;
    const emb = new nn.Embedding(V, D, {}, e);
    const w = new Rng(5).randn(V * D);
    emb.loadStateDict({ weight: { data: w, shape: [V, D] } });
    expect(Object.keys(emb.stateDict())).toEqual(['weight']);
    const ids = [3, 0, 10, 3, 7, 1];
    for (const t of [Tensor.from(BigInt64Array.from(ids.map(BigInt)), [2, 3], 'int64', e), Tensor.from(Int32Array.from(ids), [2, 3], 'int32', e)]) {
      const y = emb.forward(t);
      expect(y.shape).toEqual([2, 3, D]);
      const got = y.toFloat32Array();
      ids.forEach((id, i) => expect(Array.from(got.subarray(i * D, (i + 1) * D))).toEqual(Array.from(w.subarray(id * D, (id + 1) * D))));
    }
    expect(emb.forward(Tensor.from(new Int32Array(0), [0, 4], 'int32', e)).shape).toEqual([0, 4, D]);
    emb.dispose();
  });

  it('rejects out-of-range ids and float ids with typed errors; zeroes padding_idx', async () => {
    const e = await useBuild(build);
    const emb = new nn.Embedding(5, 4, { paddingIdx: -1 }, e);
    expect(emb.paddingIdx).toBe(4);
    expect(Array.from(emb.weight.toFloat32Array().subarray(16, 20))).toEqual([0, 0, 0, 0]);
    expect(() => emb.forward(Tensor.from(BigInt64Array.from([1n, 5n]), [2], 'int64', e))).toThrow(/input\[1\] = 5/);
    expect(() => emb.forward(Tensor.from(Int32Array.from([-1]), [1], 'int32', e))).toThrow(ArgumentError);
    expect(() => emb.forward(Tensor.from(new Float32Array([1]), [1], 'float32', e))).toThrow(DTypeError);
    // The dtype error shows the fix.
    expect(() => emb.forward(Tensor.from([1, 2, 3], [1, 3], 'float32', e))).toThrow(
      "Embedding: input must hold token ids as int64 or int32, got float32 (shape [1, 3]): create it with Tensor.from(ids, shape, 'int64')",
    );
    expect(() => new nn.Embedding(0, 3, {}, e)).toThrow(ArgumentError);
    emb.dispose();
  });
});
