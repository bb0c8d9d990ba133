/**
 * engine.dispose(): the engine lets go of its WebAssembly instance and memory, everything made
 * in it throws DisposedError, a new engine starts small, and the process memory really comes back
 * (measured in a child `node --expose-gc` over 10 rounds of a ~105 MB model: test/runtime/memory-return.mjs).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createEngine, init, nn, F, Tensor, DisposedError, memoryStats } from '../../dist/src/entries/node.js';

describe('engine.dispose()', () => {
  it('drops the memory: tensors, modules and the engine throw DisposedError; disposing them again is a no-op', async () => {
    const e = await createEngine({ simd: 'simd' });
    const lin = new nn.Linear(4, 3, {}, e);
    const x = Tensor.from([1, 2, 3, 4], [1, 4], 'float32', e);
    const y = lin.forward(x);
    const view = x.reshape([4]);
    e.dispose();
    expect(e.isDisposed).toBe(true);
    expect(() => x.toFloat32Array()).toThrow(DisposedError);
    expect(() => view.toFloat32Array()).toThrow(/engine was disposed/);
    expect(() => lin.forward(x)).toThrow(DisposedError);
    expect(() => F.relu(y)).toThrow(DisposedError);
    expect(() => Tensor.zeros([2], 'float32', e)).toThrow(DisposedError);
    expect(() => e.memoryStats()).toThrow(/engine was disposed/);
    expect(() => e.memory).toThrow(DisposedError);
    expect(() => e.k).toThrow(DisposedError);
    // Freeing what lived in it is harmless (everything is gone already).
    expect(() => {
      y.dispose();
      lin.dispose();
      x.dispose();
      e.dispose();
    }).not.toThrow();
  });

  it('a new engine starts small (1 MiB), whatever the disposed one had grown to', async () => {
    const e = await createEngine({ simd: 'simd' });
    Tensor.empty([16 * 1024 * 1024], 'float32', e); // 64 MiB
    expect(e.memoryStats().capacityBytes).toBeGreaterThan(64 * 1024 * 1024);
    e.dispose();
    const fresh = await createEngine({ simd: 'simd' });
    expect(fresh.memoryStats().capacityBytes).toBe(1024 * 1024);
    expect(fresh.memoryStats().inUseBytes).toBe(0);
    fresh.dispose();
  });

  it('after disposing the default engine, init() creates a new one', async () => {
    const a = await init({ simd: 'simd' });
    Tensor.from([1, 2], [2]).dispose();
    a.dispose();
    expect(() => memoryStats()).toThrow(/not initialized/);
    const b = await init({ simd: 'simd' });
    expect(b).not.toBe(a);
    expect(Array.from(Tensor.from([3, 4], [2]).toFloat32Array())).toEqual([3, 4]);
  });

  it('process memory returns to within 10% of its baseline after load -> run -> dispose of a ~105 MB model, 10 times', () => {
    const script = new URL('./memory-return.mjs', import.meta.url).pathname;
    const r = spawnSync(process.execPath, ['--expose-gc', script], { encoding: 'utf8', timeout: 300_000, env: { ...process.env, ROUNDS: '10' } });
    expect(r.status, r.stderr).toBe(0);
    const d = JSON.parse(r.stdout.trim().split('\n').at(-1)!) as {
      dataBytes: number; baseline: number; kept: number;
      rounds: { startBytes: number; peakCapacity: number; peakRss: number; after: number; finite: boolean; out0: number }[];
    };
    const mb = (b: number) => (b / 1e6).toFixed(1);
    console.log(
      `model ${mb(d.dataBytes)} MB; RSS baseline ${mb(d.baseline)} MB; per round: wasm memory ${mb(d.rounds[0].peakCapacity)} MB, ` +
        `peak RSS ${d.rounds.map((x) => mb(x.peakRss)).join(' ')}; after dispose ${d.rounds.map((x) => mb(x.after)).join(' ')} MB`,
    );
    expect(d.dataBytes).toBeGreaterThan(100e6);
    expect(d.rounds).toHaveLength(10);
    for (const [i, x] of d.rounds.entries()) {
      expect(x.finite).toBe(true);
      expect(x.out0).toBe(d.rounds[0].out0);
      expect(x.startBytes, `round ${i}: a new engine starts at 1 MiB`).toBe(1024 * 1024);
      expect(x.peakRss, `round ${i}: the model was really resident`).toBeGreaterThan(d.baseline + 200e6);
      expect(x.after / d.baseline, `round ${i}: RSS ${mb(x.after)} MB after dispose vs baseline ${mb(d.baseline)} MB`).toBeLessThan(1.1);
    }
  });
});
