import { describe, expect, it } from 'vitest';
import type { Engine } from '../../dist/src/entries/node.js';
import { engineFor, runnableBuilds } from '../helpers/engines.js';
import { output, sizeTaxonomy } from '../helpers/guarded.js';
import { Rng } from '../helpers/rng.js';
import { bf16Value, f16Value } from '../reference/half.js';

const SEED = 4242;
const KERNELS = [
  ['f16_f32_vcvt_u8__wasmsimd_int32', f16Value, 10],
  ['bf16_f32_vcvt_u8__wasmsimd', bf16Value, 7],
] as const;

/** n u16 values at an odd 2-byte offset (unaligned for v128), then 16 B of junk. */
function halfInput(e: Engine, hs: Uint16Array) {
  const base = e.arena.alloc(2 * hs.length + 2 + 16);
  const ptr = base + 2;
  e.arena.u8(ptr, 2 * hs.length + 16).fill(0xa5);
  new Uint16Array(e.arena.memory.buffer, ptr, hs.length).set(hs);
  return { ptr, free: () => e.arena.free(base) };
}

/** Checks y (float32 bits) against the value reference; NaN must keep sign and payload. */
function check(label: string, hs: Uint16Array, y: Float32Array, ref: (h: number) => number, manBits: number) {
  const bits = new Uint32Array(y.buffer, y.byteOffset, y.length);
  for (let i = 0; i < hs.length; i++) {
    const r = ref(hs[i]);
    const ok = Number.isNaN(r)
      ? Number.isNaN(y[i]) && bits[i] >>> 31 === hs[i] >>> 15 && ((bits[i] & 0x7fffff) >>> (23 - manBits)) === (hs[i] & ((1 << manBits) - 1))
      : Object.is(y[i], r);
    if (!ok) expect.fail(`${label} index=${i}: x=0x${hs[i].toString(16)} got ${y[i]} (0x${bits[i].toString(16)}), expected ${r}`);
  }
}

describe.each(runnableBuilds())('f16/bf16 -> f32 widening kernels [%s build]', (build) => {
  for (const [name, ref, manBits] of KERNELS) {
    it(`${name}: all 65536 inputs exact, NaN payloads kept`, async () => {
      const e = await engineFor(build);
      const hs = new Uint16Array(65536).map((_, i) => i);
      const x = halfInput(e, hs);
      const y = output(e, hs.length);
      (e.k as any)[name](hs.length, x.ptr, y.ptr);
      y.checkGuards(`${name} n=65536`);
      check(`${name} seed=- n=65536`, hs, y.read(), ref, manBits);
      x.free();
      y.free();
    });

    it(`${name}: size taxonomy, guards intact, junk after input ignored`, async () => {
      const e = await engineFor(build);
      const rng = new Rng(SEED);
      for (const n of sizeTaxonomy(8)) {
        const hs = new Uint16Array(Array.from(rng.f32(n, 0, 65535), (v) => Math.floor(v)));
        const x = halfInput(e, hs);
        const y = output(e, n);
        (e.k as any)[name](n, x.ptr, y.ptr);
        y.checkGuards(`${name} seed=${SEED} n=${n}`);
        check(`${name} seed=${SEED} n=${n}`, hs, y.read(), ref, manBits);
        x.free();
        y.free();
      }
    });

    it(`${name}: in place from the upper half of the output block (x = y + 2n), whole and in pieces`, async () => {
      const e = await engineFor(build);
      const rng = new Rng(SEED + 1);
      for (const n of [1, 3, 7, 8, 9, 17, 33, 127, 1000]) {
        const hs = new Uint16Array(Array.from(rng.f32(n, 0, 65535), (v) => Math.floor(v)));
        for (const pieces of [[n], [Math.floor(n / 3), n - Math.floor(n / 3)], [1, Math.max(0, n - 2), 1]]) {
          const y = output(e, n);
          new Uint16Array(e.arena.memory.buffer, y.ptr + 2 * n, n).set(hs);
          let a = 0;
          for (const p of pieces) {
            if (p > 0 && a < n) (e.k as any)[name](Math.min(p, n - a), y.ptr + 2 * n + 2 * a, y.ptr + 4 * a);
            a += p;
          }
          y.checkGuards(`${name} in place n=${n} pieces=${pieces}`);
          check(`${name} in place seed=${SEED + 1} n=${n} pieces=${pieces}`, hs, y.read(), ref, manBits);
          y.free();
        }
      }
    });
  }
});
