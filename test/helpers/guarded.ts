/**
 * Raw buffers in an engine's arena for kernel tests: inputs are followed by 16 B of junk (the
 * kernels may read it, must not use it), outputs sit between NaN-filled guard zones that must be
 * intact after the call.
 */
import type { Engine } from '../../dist/src/entries/node.js';

const GUARD = 16; // floats on each side

export interface Buf {
  ptr: number;
  n: number;
  read(): Float32Array;
  /** Throws naming the first guard element that changed. */
  checkGuards(label: string): void;
  free(): void;
}

/** An input buffer holding `values`, followed by junk the kernel must ignore. */
export function input(e: Engine, values: Float32Array): Buf {
  const base = e.arena.alloc((values.length + 4) * 4);
  const view = e.arena.f32(base, values.length + 4);
  view.set(values);
  view.fill(1e30, values.length);
  return {
    ptr: base,
    n: values.length,
    read: () => e.arena.f32(base, values.length).slice(),
    checkGuards: () => {},
    free: () => e.arena.free(base),
  };
}

/** An output buffer of n floats (pre-filled with `fill`) between NaN guard zones. */
export function output(e: Engine, n: number, fill = NaN): Buf {
  const base = e.arena.alloc((n + 2 * GUARD) * 4);
  const all = e.arena.f32(base, n + 2 * GUARD);
  all.fill(NaN);
  all.fill(fill, GUARD, GUARD + n);
  const ptr = base + GUARD * 4;
  return {
    ptr,
    n,
    read: () => e.arena.f32(ptr, n).slice(),
    checkGuards(label: string) {
      const v = new Uint32Array(e.arena.memory.buffer, base, n + 2 * GUARD);
      const nanBits = new Uint32Array(new Float32Array([NaN]).buffer)[0];
      for (let i = 0; i < GUARD; i++) {
        if (v[i] !== nanBits) throw new Error(`${label}: guard before output overwritten at -${GUARD - i}`);
        if (v[GUARD + n + i] !== nanBits) throw new Error(`${label}: guard after output overwritten at n+${i}`);
      }
    },
    free: () => e.arena.free(base),
  };
}

/** Sizes relative to a tile: 1..tile-1, tile, tile+1..2tile-1, multiples, odd and large. */
export function sizeTaxonomy(tile: number): number[] {
  const s = new Set<number>();
  for (let n = 1; n < 2 * tile; n++) s.add(n);
  for (const m of [2, 3, 5, 9]) s.add(m * tile);
  for (const n of [1, 3, 7, 17, 33, 127, 1000, 1031]) s.add(n);
  return [...s].sort((a, b) => a - b);
}
