/**
 * The thread pool and its API: init({ threads }) / createEngine({ threads }) and what
 * engine.info() says, two engines with different thread counts side by side, a failure inside a
 * worker coming back as a ThreadError with the engine still usable, a worker that dies, initSync
 * with threads, and dispose() ending the workers.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createEngine, ArgumentError, DisposedError, ThreadError, Tensor, type Engine } from '../../dist/src/internal.js';
import { createEngineSync } from '../../dist/src/runtime/loader.js';
import { nodeSpawner } from '../../dist/src/threads/spawn-node.js';
import { PackedWeights, gemm } from '../../dist/src/ops/gemm.js';
import { availableParallelism } from 'node:os';
import { Rng } from '../helpers/rng.js';
import { firstBitDiff, splitEverything } from '../helpers/threads.js';

/** y = x W^T for a fixed 37 x 29 x 53 problem, split over the engine's threads. */
function probe(e: Engine): Float32Array {
  const rng = new Rng(7);
  const [m, n, k] = [37, 29, 53];
  const a = e.arena.alloc(m * k * 4), w = e.arena.alloc(n * k * 4), c = e.arena.alloc(m * n * 4);
  e.arena.f32(a, m * k).set(rng.f32(m * k));
  e.arena.f32(w, n * k).set(rng.f32(n * k));
  const pw = PackedWeights.fromOutIn(e, n, k, w);
  try {
    splitEverything(() => gemm(e, { m, a, c }, pw));
    return e.arena.f32(c, m * n).slice();
  } finally {
    pw.dispose();
    for (const p of [a, w, c]) e.arena.free(p);
  }
}

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('threads option and engine.info()', () => {
  it('says how many threads and why', async () => {
    const def = await createEngine({ simd: 'simd' });
    expect(def.info()).toMatchObject({ threads: 1, threadsReason: expect.stringMatching(/^1 thread: the default/) });
    const one = await createEngine({ simd: 'simd', threads: 1 });
    expect(one.info().threadsReason).toMatch(/^1 thread: init\(\{ threads: 1 \}\)/);
    const auto = await createEngine({ simd: 'simd', threads: 'auto' });
    const want = Math.min(availableParallelism(), 4);
    expect(auto.info().threads).toBe(want);
    expect(auto.info().threadsReason).toMatch(want > 1 ? /threads: threads 'auto' = min\(\d+ cores, 4\)/ : /1 thread/);
    const dbg = await createEngine({ debug: true, threads: 2 });
    expect(dbg.info()).toMatchObject({ threads: 1, threadsReason: '1 thread: the debug build runs on one thread' });
    await expect(createEngine({ threads: 0 })).rejects.toThrow(ArgumentError);
    await expect(createEngine({ threads: 2.5 })).rejects.toThrow(/threads must be 'auto' or an integer/);
    for (const e of [def, one, auto, dbg]) e.dispose();
  });

  it('two engines with different thread counts work side by side, bitwise equal', async () => {
    const e1 = await createEngine({ simd: 'simd' });
    const e2 = await createEngine({ simd: 'simd', threads: 2 });
    const e3 = await createEngine({ simd: 'simd', threads: 3 });
    expect([e1, e2, e3].map((e) => e.info().threads)).toEqual([1, 2, 3]);
    expect(e2.info().threadsReason).toBe('2 threads: init({ threads: 2 }) asked for them (the calling thread + 1 worker)');
    const want = probe(e1);
    for (const e of [e2, e3, e2]) expect(firstBitDiff(want, probe(e))).toBe(-1);
    // Tensors of a threads engine live in its shared memory like any other.
    const t = Tensor.from([1, 2, 3], [3], 'float32', e2);
    expect(Array.from(t.toFloat32Array())).toEqual([1, 2, 3]);
    t.dispose();
    for (const e of [e1, e2, e3]) e.dispose();
  });
});

describe('failures in workers', () => {
  it('an exception in a worker is a ThreadError on the caller; the engine stays usable', async () => {
    const e1 = await createEngine({ simd: 'simd' });
    const e = await createEngine({ simd: 'simd', threads: 2 });
    const want = probe(e1);
    expect(() => e.pool!.injectFault('throw')).toThrow(ThreadError);
    expect(() => e.pool!.injectFault('throw')).toThrow(/failed in worker 1: Error: simdnn: test fault injected in pool worker 1/);
    expect(e.info().threads).toBe(2);
    expect(firstBitDiff(want, probe(e))).toBe(-1);
    // A real trap in a task (out-of-bounds store on a worker or on the caller): an error, not a hang.
    const huge = e.memory.buffer.byteLength + 65536 * 16;
    expect(() => e.pool!.run('f32_vrelu_u8__wasmsimd', [[64, 0, huge], [64, 0, huge], [64, 0, huge]])).toThrow(/out of bounds|ThreadError/);
    expect(firstBitDiff(want, probe(e))).toBe(-1);
    e.dispose();
    e1.dispose();
  });

  it('a worker that dies fails the call that needed it; the engine goes on with the rest', async () => {
    const e1 = await createEngine({ simd: 'simd' });
    const e = await createEngine({ simd: 'simd', threads: 3 });
    const want = probe(e1);
    expect(() => e.pool!.injectFault('exit')).toThrow(/worker 1, 2 died|worker 1 died|worker 2 died/);
    expect(e.info().threads).toBe(1);
    expect(e.info().threadsReason).toMatch(/^1 thread: worker .* stopped while running an injected test fault \(asked: 3 threads/);
    expect(firstBitDiff(want, probe(e))).toBe(-1);
    e.dispose();
    e1.dispose();
  });
});

describe('initSync and dispose', () => {
  it('initSync with threads: the workers join once they are up', async () => {
    const bytes = readFileSync(new URL('../../dist/wasm/simdnn-simd-threads.wasm', import.meta.url));
    const e = createEngineSync({ source: new WebAssembly.Module(bytes), threads: 2 }, { spawnWorker: nodeSpawner });
    const e1 = await createEngine({ simd: 'simd' });
    expect(firstBitDiff(probe(e1), probe(e))).toBe(-1); // correct whether or not the worker is up yet
    await until(() => e.info().threads === 2);
    expect(firstBitDiff(probe(e1), probe(e))).toBe(-1);
    e.dispose();
    e1.dispose();
  });

  it('a non-threads build supplied with threads: 2 runs on 1 thread and says why', async () => {
    const bytes = readFileSync(new URL('../../dist/wasm/simdnn-simd.wasm', import.meta.url));
    const e = await createEngine({ source: bytes, threads: 2 });
    expect(e.info()).toMatchObject({ threads: 1, threadsReason: expect.stringMatching(/not a threads build/) });
  });

  it('dispose() ends the workers', async () => {
    const e = await createEngine({ simd: 'simd', threads: 2 });
    const pool = e.pool!;
    e.dispose();
    expect(e.pool).toBeUndefined();
    expect(pool.size).toBe(1);
    expect(() => pool.injectFault('throw')).toThrow(/disposed/);
    expect(() => e.info()).toThrow(DisposedError);
  });
});
