import { describe, expect, it } from 'vitest';
import { createEngine, OutOfMemoryError, ArgumentError, Tensor } from '../../dist/src/entries/node.js';
import { engineFor } from '../helpers/engines.js';

describe('Arena (memory.ts)', () => {
  it('hands out 16-byte aligned blocks with 16 bytes of tail padding, reuses and coalesces freed ones', async () => {
    const e = await createEngine({ simd: 'simd' });
    const a = e.arena;
    const base = a.stats().inUseBytes;
    const p1 = a.alloc(1);
    const p2 = a.alloc(100);
    const p3 = a.alloc(64);
    for (const p of [p1, p2, p3]) expect(p % 16).toBe(0);
    expect(a.sizeOf(p1)).toBe(32); // 16 rounded + 16 pad
    expect(a.sizeOf(p2)).toBe(128);
    expect(p2 - p1).toBeGreaterThanOrEqual(32);
    a.free(p2);
    const p4 = a.alloc(90); // fits in p2's hole
    expect(p4).toBe(p2);
    a.free(p1);
    a.free(p4);
    a.free(p3);
    expect(a.stats().inUseBytes).toBe(base);
    expect(a.stats().blocks).toBe(0);
    // everything coalesced back into the bump region: the next block starts at the base again
    expect(a.alloc(16)).toBe(p1);
  });

  it('rejects a double free and a bad size with ArgumentError', async () => {
    const e = await createEngine({ simd: 'simd' });
    const p = e.arena.alloc(8);
    e.arena.free(p);
    expect(() => e.arena.free(p)).toThrow(ArgumentError);
    expect(() => e.arena.alloc(-1)).toThrow(ArgumentError);
    expect(() => e.arena.alloc(NaN)).toThrow(/finite/);
  });

  it('grows memory on demand; tensors keep their values across memory.grow', async () => {
    const e = await createEngine({ simd: 'simd' });
    const t = Tensor.from(new Float32Array([1, 2, 3]), [3], 'float32', e);
    const cap0 = e.memoryStats().capacityBytes;
    const big = Tensor.empty([4 * 1024 * 1024], 'float32', e); // 16 MiB
    expect(e.memoryStats().capacityBytes).toBeGreaterThan(cap0);
    expect(Array.from(t.toFloat32Array())).toEqual([1, 2, 3]);
    big.dispose();
    expect(e.memoryStats().highWaterBytes).toBeGreaterThanOrEqual(16 * 1024 * 1024);
  });

  it('out of memory is an OutOfMemoryError naming the request and the limit, and the engine stays usable', async () => {
    const e = await createEngine({ simd: 'simd', maxMemoryBytes: 4 * 1024 * 1024 });
    const keep = Tensor.from([1, 2, 3, 4], [4], 'float32', e);
    let err: unknown;
    try {
      Tensor.empty([2 * 1024 * 1024], 'float32', e); // 8 MiB > 4 MiB
    } catch (x) {
      err = x;
    }
    expect(err).toBeInstanceOf(OutOfMemoryError);
    expect((err as OutOfMemoryError).requestedBytes).toBe(8 * 1024 * 1024);
    expect((err as OutOfMemoryError).limitBytes).toBe(4 * 1024 * 1024);
    expect((err as Error).message).toMatch(/8388608 bytes.*limit of 4194304/);
    const t = Tensor.from([5, 6], [2], 'float32', e);
    expect(Array.from(t.toFloat32Array())).toEqual([5, 6]);
    expect(Array.from(keep.toFloat32Array())).toEqual([1, 2, 3, 4]);
  });

  it('memoryStats reports in-use, high-water and capacity', async () => {
    const e = await engineFor('simd');
    const s = e.memoryStats();
    expect(s.capacityBytes).toBeGreaterThan(0);
    expect(s.highWaterBytes).toBeGreaterThanOrEqual(s.inUseBytes);
    expect(s.limitBytes).toBe(2 * 1024 * 1024 * 1024);
  });
});
