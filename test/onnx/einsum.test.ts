/**
 * Einsum against a float64 reference that loops over every label (test-local), on seeded
 * inputs: matmul forms, batches, diagonals, transposes, full and partial sums, outer products,
 * ellipsis, implicit outputs, three operands. Memory is back after each.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { loadOnnxSync, type Engine } from '../../dist/src/entries/node.js';
import { useBuild } from '../helpers/engines.js';
import { Rng } from '../helpers/rng.js';
import { FLOAT, attr, graph, model, node, value } from './pb.js';

let e: Engine;
beforeAll(async () => {
  e = await useBuild('simd');
});

/** Reference einsum (explicit equations without '...', which the cases expand by hand). */
function refEinsum(eq: string, xs: { data: Float32Array; dims: number[] }[]): { data: number[]; dims: number[] } {
  const [lhs, rhs] = eq.split('->');
  const specs = lhs.split(',');
  const size = new Map<string, number>();
  specs.forEach((s, i) => [...s].forEach((l, k) => size.set(l, xs[i].dims[k])));
  const all = [...size.keys()];
  const outL = [...rhs];
  const dims = outL.map((l) => size.get(l)!);
  const out = new Array<number>(dims.reduce((a, b) => a * b, 1)).fill(0);
  const idx = new Map<string, number>();
  const walk = (d: number) => {
    if (d === all.length) {
      let p = 1;
      specs.forEach((s, i) => {
        let off = 0;
        [...s].forEach((l, k) => (off = off * xs[i].dims[k] + idx.get(l)!));
        p *= xs[i].data[off];
      });
      let o = 0;
      outL.forEach((l, k) => (o = o * dims[k] + idx.get(l)!));
      out[o] += p;
      return;
    }
    for (let v = 0; v < size.get(all[d])!; v++) {
      idx.set(all[d], v);
      walk(d + 1);
    }
  };
  walk(0);
  return { data: out, dims };
}

const CASES: [string, number[][], string?][] = [
  ['ij,jk->ik', [[3, 4], [4, 5]]],
  ['bij,bjk->bik', [[2, 3, 4], [2, 4, 5]]],
  ['ij,kj->ik', [[3, 4], [5, 4]]],
  ['ii->i', [[4, 4]]],
  ['ii->', [[4, 4]]],
  ['ij->ji', [[3, 5]]],
  ['ij->', [[3, 5]]],
  ['ij->j', [[3, 5]]],
  ['i,i->', [[7], [7]]],
  ['i,j->ij', [[3], [4]]],
  ['ij,ij->ij', [[3, 4], [3, 4]]],
  ['bn,anm,bm->ba', [[2, 3], [4, 3, 5], [2, 5]]],
  ['bhqd,bhkd->bhqk', [[1, 2, 3, 4], [1, 2, 5, 4]]],
  ['...ij,...jk->...ik', [[2, 3, 4], [2, 4, 5]], 'aij,ajk->aik'],
  ['ij,jk', [[3, 4], [4, 5]], 'ij,jk->ik'],
  ['ba', [[3, 4]], 'ba->ab'],
];

describe('Einsum', () => {
  for (const [eq, shapes, explicit] of CASES) {
    it(`${eq} on ${shapes.map((s) => `[${s}]`).join(', ')}`, () => {
      const rng = new Rng(eq.length * 31 + shapes.flat().length);
      const xs = shapes.map((dims) => ({ data: rng.f32(dims.reduce((a, b) => a * b, 1)), dims }));
      const names = shapes.map((_, i) => `x${i}`);
      const before = e.memoryStats().inUseBytes;
      const m = loadOnnxSync(model(graph({ nodes: [node('Einsum', names, ['y'], [attr.string('equation', eq)])], inputs: names.map((n, i) => value(n, FLOAT, shapes[i])), outputs: [value('y', FLOAT, null)] }), 12));
      const feeds = Object.fromEntries(names.map((n, i) => [n, xs[i]]));
      const { y } = m.run(feeds);
      const want = refEinsum(explicit ?? eq, xs);
      expect(y.shape).toEqual(want.dims);
      const got = y.toFloat32Array();
      want.data.forEach((v, i) => expect(Math.abs(got[i] - v), `${eq} index ${i}: got ${got[i]}, want ${v}`).toBeLessThanOrEqual(1e-5 + 1e-5 * Math.abs(v)));
      y.dispose();
      m.dispose();
      expect(e.memoryStats().inUseBytes).toBe(before);
    });
  }

  it('rejects bad equations naming the node', () => {
    const mk = (eq: string) => loadOnnxSync(model(graph({ nodes: [node('Einsum', ['a', 'b'], ['y'], [attr.string('equation', eq)], 'es')], inputs: [value('a', FLOAT, [2, 3]), value('b', FLOAT, [3, 2])], outputs: [value('y', FLOAT, null)] }), 12));
    const feeds = { a: { data: new Float32Array(6), dims: [2, 3] }, b: { data: new Float32Array(6), dims: [3, 2] } };
    for (const [eq, re] of [['ij->ij', /has 1 operands, the node 2 inputs/], ['ij,jk,kl->il', /has 3 operands/], ['ij,ik->jk', /label i has sizes 2 and 3/], ['i1,jk->ik', /labels must be letters/]] as const) {
      const m = mk(eq);
      expect(() => m.run(feeds)).toThrow(re);
      m.dispose();
    }
  });
});
