/**
 * ONNX Einsum (float32): the equation is parsed (explicit '->' or implicit output, '...'
 * ellipsis), each operand's repeated labels are reduced to their diagonal and labels nobody needs
 * later are summed out, then operands are contracted pairwise left to right as one batched
 * matmul each (src/ops/matmul.ts): [batch, left, contracted] x [batch, contracted, right].
 * Layout changes (permutes, diagonals, sums over a label) are JS strided copies local to this
 * op (TODO when src/ops grows a permute/sum: use those). Broadcasting of size-1 dims between
 * operands is not supported (an error names the label).
 */
import { Tensor } from '../../tensor.js';
import { matmul } from '../../ops/matmul.js';
import type { OnnxNode, OpDef, OpTable } from '../node.js';

/** An operand during evaluation: its tensor and one label per dim. */
interface Term {
  t: Tensor;
  labels: string[];
  /** True when `t` belongs to the evaluation (may be freed). */
  owned: boolean;
}

/** Parses the equation into per-input label lists and the output labels ('...' -> one label per dim, named '0', '1', ...). */
function parse(node: OnnxNode, eq: string, ranks: number[]): { ins: string[][]; out: string[] } {
  const [lhs, rhs] = eq.replace(/\s+/g, '').split('->');
  const specs = lhs.split(',');
  if (specs.length !== ranks.length) throw node.error(`equation ${JSON.stringify(eq)} has ${specs.length} operands, the node ${ranks.length} inputs`);
  // '...' stands for the same trailing-aligned dims everywhere: labels '0'.. '(ell-1)' for the widest.
  const ellOf = (spec: string, rank: number) => (spec.includes('...') ? rank - spec.replace('...', '').length : 0);
  const ell = Math.max(0, ...specs.map((sp, i) => ellOf(sp, ranks[i])));
  const expand = (spec: string, rank: number | null, what: string): string[] => {
    const parts = spec.split('...');
    if (parts.length > 2) throw node.error(`${what} ${JSON.stringify(spec)} has more than one '...'`);
    for (const p of parts) if (!/^[a-zA-Z]*$/.test(p)) throw node.error(`${what} ${JSON.stringify(spec)}: labels must be letters`);
    if (parts.length === 1) return [...spec];
    const n = rank === null ? ell : rank - parts[0].length - parts[1].length;
    if (n < 0) throw node.error(`${what} ${JSON.stringify(spec)} has more labels than the input's ${rank} dims`);
    return [...parts[0], ...Array.from({ length: n }, (_, i) => String(ell - n + i)), ...parts[1]];
  };
  const ins = specs.map((sp, i) => expand(sp, ranks[i], `operand ${i}`));
  ins.forEach((l, i) => {
    if (l.length !== ranks[i]) throw node.error(`operand ${i} ${JSON.stringify(specs[i])} has ${l.length} labels for ${ranks[i]} dims`);
  });
  let out: string[];
  if (rhs === undefined) {
    const count = new Map<string, number>();
    for (const l of ins.flat()) count.set(l, (count.get(l) ?? 0) + 1);
    const ells = Array.from({ length: ell }, (_, i) => String(i));
    out = [...ells, ...[...count].filter(([l, c]) => c === 1 && /[a-zA-Z]/.test(l)).map(([l]) => l).sort()];
  } else out = expand(rhs, null, 'output');
  return { ins, out };
}

/**
 * A strided copy of `t` into a new tensor of `outShape`: out dim k walks the input dims in
 * outDims[k] together (several = a diagonal), and every group of sumDims is summed over (a group
 * of several dims sums a diagonal).
 */
function restride(t: Tensor, outShape: number[], outDims: number[][], sumDims: number[][]): Tensor {
  const inStrides = t.shape.map((_, i) => t.shape.slice(i + 1).reduce((a, b) => a * b, 1));
  const stride = (ds: number[]) => ds.reduce((a, d) => a + inStrides[d], 0);
  const oStride = outDims.map(stride);
  const sShape = sumDims.map((ds) => t.shape[ds[0]]);
  const sStride = sumDims.map(stride);
  const sumN = sShape.reduce((a, b) => a * b, 1);
  const y = Tensor.empty(outShape, 'float32', t.engine);
  const x = t.data<'float32'>();
  const o = y.data<'float32'>();
  const idx = new Array<number>(outShape.length).fill(0);
  for (let i = 0; i < o.length; i++) {
    let base = 0;
    for (let k = 0; k < idx.length; k++) base += idx[k] * oStride[k];
    let acc = 0;
    for (let j = 0; j < sumN; j++) {
      let off = base;
      let r = j;
      for (let k = sShape.length - 1; k >= 0; k--) {
        off += (r % sShape[k]) * sStride[k];
        r = Math.floor(r / sShape[k]);
      }
      acc += x[off];
    }
    o[i] = acc;
    for (let k = idx.length - 1; k >= 0 && ++idx[k] === outShape[k]; k--) idx[k] = 0;
  }
  return y;
}

/** Rearranges a term to the labels `want` (distinct): other labels are summed out, repeated ones give diagonals. */
function arrange(term: Term, want: string[]): Term {
  if (want.length === term.labels.length && want.every((l, i) => l === term.labels[i])) return term;
  const at = (l: string) => term.labels.flatMap((m, i) => (m === l ? [i] : []));
  const dims = want.map(at);
  const sums = [...new Set(term.labels)].filter((l) => !want.includes(l)).map(at);
  const y = restride(term.t, dims.map((d) => term.t.shape[d[0]]), dims, sums);
  if (term.owned) term.t.dispose();
  return { t: y, labels: want, owned: true };
}

function contract(node: OnnxNode, a: Term, b: Term, needed: Set<string>): Term {
  const size = new Map<string, number>();
  for (const term of [a, b]) {
    term.labels.forEach((l, i) => {
      const d = term.t.shape[i];
      if (size.has(l) && size.get(l) !== d) throw node.error(`label ${/^\d+$/.test(l) ? "'...'" : l} has sizes ${size.get(l)} and ${d} (broadcasting is not supported)`);
      size.set(l, d);
    });
  }
  const uniq = (ls: string[]) => [...new Set(ls)];
  const la = uniq(a.labels);
  const lb = uniq(b.labels);
  const batch = la.filter((l) => lb.includes(l) && needed.has(l));
  const con = la.filter((l) => lb.includes(l) && !needed.has(l));
  const left = la.filter((l) => !lb.includes(l) && needed.has(l));
  const right = lb.filter((l) => !la.includes(l) && needed.has(l));
  const n = (ls: string[]) => ls.reduce((p, l) => p * size.get(l)!, 1);
  const A = arrange(a, [...batch, ...left, ...con]);
  let B: Term | null = null;
  const views: Tensor[] = [];
  try {
    B = arrange(b, [...batch, ...con, ...right]);
    const va = A.t.reshape([n(batch), n(left), n(con)]);
    views.push(va);
    const vb = B.t.reshape([n(batch), n(con), n(right)]);
    views.push(vb);
    const y = matmul(va, vb);
    try {
      return { t: y.reshape([...batch, ...left, ...right].map((l) => size.get(l)!)), labels: [...batch, ...left, ...right], owned: true };
    } finally {
      y.dispose();
    }
  } finally {
    for (const t of views) t.dispose();
    if (A.owned) A.t.dispose();
    if (B?.owned) B.t.dispose();
  }
}

const Einsum: OpDef = {
  sinceVersion: 12,
  check(node) {
    node.string('equation');
  },
  run(node, inputs) {
    const ts = inputs.map((t, i) => {
      if (!t) throw node.error(`input ${i} is required`);
      if (t.dtype !== 'float32') throw node.error(`input ${i} must be float32, got ${t.dtype}`);
      return t;
    });
    const { ins, out } = parse(node, node.string('equation'), ts.map((t) => t.ndim));
    let acc: Term | null = null;
    try {
      for (let i = 0; i < ts.length; i++) {
        const later = new Set([...out, ...ins.slice(i + 1).flat()]);
        const term: Term = { t: ts[i], labels: ins[i], owned: false };
        if (!acc) {
          acc = arrange(term, [...new Set(term.labels)].filter((l) => later.has(l)));
          continue;
        }
        const prev: Term = acc;
        acc = null;
        acc = contract(node, prev, term, later);
      }
      const fin = arrange(acc!, out);
      acc = null;
      return [fin.owned ? fin.t : fin.t.reshape(fin.t.shape)];
    } catch (e) {
      if (acc?.owned) acc.t.dispose();
      throw e;
    }
  },
};

export const einsumOps: OpTable = { Einsum };
