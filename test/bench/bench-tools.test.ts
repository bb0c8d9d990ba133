/**
 * The bench's own logic, without timing anything: statistics, layout conversions, that an
 * ONNX model built by OnnxGraph runs in onnxruntime-web and computes what it should, and that
 * `npm run bench -- --filter` which matches nothing fails with the list of workload names
 * (which holds the ONNX model workloads of every committed model).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { summarize } from '../../dist/bench/harness.js';
import { fromNHWC, toNHWC, transpose } from '../../dist/bench/workloads/layout.js';
import { OnnxGraph, int } from '../../dist/bench/peers/onnx-model.js';
import { loadOrt, ortCase } from '../../dist/bench/peers/ort.js';
import { Rng } from '../helpers/rng.js';

describe('summarize', () => {
  it('gives the median of odd and even sample counts', () => {
    expect(summarize([5, 1, 3]).medianMs).toBe(3);
    expect(summarize([4, 1, 3, 2]).medianMs).toBe(2.5);
    expect(summarize([]).samples).toBe(0);
  });

  it('gives the 95 % relative margin of error of the mean (Student t)', () => {
    const s = summarize([9, 10, 11]); // mean 10, sd 1, sem 1/sqrt(3), t(2) = 4.303
    expect(s.meanMs).toBe(10);
    expect(s.rme).toBeCloseTo((4.303 / Math.sqrt(3) / 10) * 100, 6);
    expect(Number.isNaN(summarize([2]).rme)).toBe(true);
  });
});

describe('layouts', () => {
  it('transposes matrices of scalars and of blocks', () => {
    const a = Float32Array.from([1, 2, 3, 4, 5, 6]); // [2, 3]
    expect([...transpose(a, 2, 3)]).toEqual([1, 4, 2, 5, 3, 6]);
    // [2 rows, 3 cols] of 2-float blocks -> [3, 2] of blocks
    const b = Float32Array.from({ length: 12 }, (_, i) => i);
    expect([...transpose(b, 2, 3, 2)]).toEqual([0, 1, 6, 7, 2, 3, 8, 9, 4, 5, 10, 11]);
    expect([...transpose(transpose(b, 3, 4), 4, 3)]).toEqual([...b]);
  });

  it('round-trips NCHW <-> NHWC', () => {
    const x = new Rng(1).f32(3 * 5 * 7);
    const y = toNHWC(x, 3, 5, 7);
    expect(y[(2 * 7 + 4) * 3 + 1]).toBe(x[1 * 35 + 2 * 7 + 4]); // c=1, h=2, w=4
    expect([...fromNHWC(y, 3, 5, 7)]).toEqual([...x]);
  });
});

describe('OnnxGraph + onnxruntime-web', () => {
  it('builds a Softmax model that ORT runs with the expected result', async () => {
    const x = new Rng(2).randn(3 * 5);
    const g = new OnnxGraph().input('x', [3, 5]).node('Softmax', ['x'], ['y'], { axis: int(-1) }).output('y', [3, 5]);
    const peer = await loadOrt();
    const c = await ortCase(peer, g.encode(), { x: { data: x, dims: [3, 5] } });
    const y = await c.output!();
    for (let r = 0; r < 3; r++) {
      const row = [...x.subarray(r * 5, r * 5 + 5)];
      const m = Math.max(...row);
      const sum = row.reduce((a, v) => a + Math.exp(v - m), 0);
      for (let j = 0; j < 5; j++) expect(y[r * 5 + j]).toBeCloseTo(Math.exp(row[j] - m) / sum, 6);
    }
    await c.dispose();
  });

  it('stores constants as raw float data and refuses a wrong element count', () => {
    const g = new OnnxGraph().input('a', [1, 2]).constant('b', [2, 2], Float32Array.from([1, 2, 3, 4]));
    expect(() => g.constant('c', [3], new Float32Array(2))).toThrow(/2 values for dims \[3\]/);
    expect(g.node('MatMul', ['a', 'b'], ['y']).output('y', [1, 2]).encode().length).toBeGreaterThan(40);
  });
});

describe('bench --filter', () => {
  const bench = (...args: string[]) =>
    spawnSync(process.execPath, [new URL('../../dist/bench/run.js', import.meta.url).pathname, ...args], { encoding: 'utf8', timeout: 60_000 });

  it('a filter that matches no workload exits non-zero and prints the workload names', () => {
    const r = bench('--filter', 'no-such-workload');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--filter "no-such-workload" matches no workload/);
    expect(r.stderr).toMatch(/^ {2}softmax\/2048x1024$/m);
    expect(r.stderr).toMatch(/^ {2}gemm\/M=256,N=256,K=256$/m);
    expect(r.stdout).toBe(''); // nothing was loaded or run
  });

  it('lists one inference and one load workload per committed ONNX model, named for --filter onnx and --filter model', () => {
    const models = (JSON.parse(readFileSync(new URL('../fixtures/onnx-models/manifest.json', import.meta.url), 'utf8')) as { models: { name: string }[] }).models;
    expect(models.length).toBeGreaterThan(0);
    const names = bench('--filter', 'no-such-workload').stderr.split('\n').map((l) => l.trim());
    for (const { name } of models) {
      expect(names).toContain(`onnx-model/${name}`);
      expect(names).toContain(`onnx-model-load/${name}`);
    }
  });

  it('a filter that is not a regular expression says so, with the names', () => {
    const r = bench('--filter', 'gemm(');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/is not a regular expression/);
    expect(r.stderr).toMatch(/^ {2}conv2d\//m);
  });
});
