/**
 * OnnxModel.profile (src/onnx/profile.ts): per-node and per-op-type times over the main graph and
 * the If branches that ran (an If's own time leaves its branch out), the executor overhead, the
 * table, typed errors for bad options, and no memory kept.
 */
import { describe, expect, it } from 'vitest';
import { loadOnnxSync, ArgumentError } from '../../dist/src/entries/node.js';
import { attr, graph, model, node, value, BOOL, FLOAT } from './pb.js';
import { useBuild } from '../helpers/engines.js';

const branch = (name: string, nodes: Uint8Array[], out: string) => graph({ name, nodes, outputs: [value(out, FLOAT, null)] });
const mdl = () => model(graph({
  nodes: [
    node('Relu', ['x'], ['r'], [], 'relu'),
    node('If', ['c'], ['y'], [
      attr.graph('then_branch', branch('then', [node('Sigmoid', ['r'], ['s'], [], 'sig'), node('Tanh', ['s'], ['t'], [], 'tanh')], 't')),
      attr.graph('else_branch', branch('else', [node('Neg', ['r'], ['n'], [], 'neg')], 'n')),
    ], 'if'),
    node('Exp', ['y'], ['z']),
  ],
  inputs: [value('c', BOOL, []), value('x', FLOAT, [64, 64])],
  outputs: [value('z', FLOAT, null)],
}));

describe('OnnxModel.profile', () => {
  it('times every node that ran, branches included, by op type, and keeps no memory', async () => {
    const e = await useBuild('simd');
    const m = loadOnnxSync(mdl());
    const feeds = { c: { data: new Uint8Array([1]), dims: [] }, x: { data: new Float32Array(4096).fill(-0.5), dims: [64, 64] } };
    const before = e.memoryStats().inUseBytes;
    const p = m.profile(feeds, { runs: 5, warmup: 2 });
    expect(e.memoryStats().inUseBytes).toBe(before);
    expect(p.runs).toBe(5);
    // main graph: relu, if, #2 (unnamed Exp); the then branch ran: then/sig, then/tanh; else never ran
    expect(p.nodes.map((n) => n.name).sort()).toEqual(['#2', 'if', 'relu', 'then/sig', 'then/tanh']);
    expect(p.nodes.find((n) => n.name === 'then/tanh')!.opType).toBe('Tanh');
    for (let i = 1; i < p.nodes.length; i++) expect(p.nodes[i - 1].ms).toBeGreaterThanOrEqual(p.nodes[i].ms);
    expect(p.nodes.every((n) => n.ms >= 0)).toBe(true);
    expect(p.byOpType.find((t) => t.opType === 'If')!.count).toBe(1);
    const sum = p.nodes.reduce((a, n) => a + n.ms, 0);
    expect(p.nodesMs).toBeCloseTo(sum, 9);
    expect(p.byOpType.reduce((a, t) => a + t.ms, 0)).toBeCloseTo(sum, 9);
    expect(p.nodesMs).toBeLessThanOrEqual(p.totalMs);
    const table = String(p);
    expect(table).toMatch(/^profile: 5 runs, [\d.]+ ms per run, [\d.]+ ms in 5 nodes that ran/);
    expect(table).toMatch(/then\/tanh\s+Tanh/);
    // the other branch when the condition flips
    const q = m.profile({ ...feeds, c: { data: new Uint8Array([0]), dims: [] } }, { runs: 1, warmup: 0 });
    expect(q.nodes.map((n) => n.name).sort()).toEqual(['#2', 'else/neg', 'if', 'relu']);
    m.dispose();
  });

  it('bad options and a disposed model give typed errors', async () => {
    await useBuild('simd');
    const m = loadOnnxSync(mdl());
    const feeds = { c: { data: new Uint8Array([1]), dims: [] }, x: { data: new Float32Array(4096), dims: [64, 64] } };
    expect(() => m.profile(feeds, { runs: 0 })).toThrow(ArgumentError);
    expect(() => m.profile(feeds, { runs: 0 })).toThrow(/runs must be an integer >= 1, got 0/);
    expect(() => m.profile(feeds, { warmup: -1 })).toThrow(/warmup must be an integer >= 0/);
    expect(() => m.profile({ ...feeds, x: { data: new Float32Array(3), dims: [3] } })).toThrow(/x/);
    m.dispose();
    expect(() => m.profile(feeds)).toThrow(/after dispose/);
  });
});
