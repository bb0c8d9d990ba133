/**
 * xN_copy_nd6 kernels (x8, x16, x32, x64): bit-exact strided copies over a taxonomy of layouts:
 * dense rows of every length below/at/above the 16 B and 64 B tiles, broadcast (stride 0) inner
 * and outer dims, transposed (strided inner) sources, negative strides, strided destinations,
 * zero sizes; guard bytes around the destination must stay intact. The reference is a plain
 * index loop over the same byte image (independent of the kernel's collapse/tile logic).
 */
import { describe, expect, it } from 'vitest';
import type { Engine } from '../../dist/src/entries/node.js';
import { engineFor, runnableBuilds } from '../helpers/engines.js';
import { Rng } from '../helpers/rng.js';

const SEED = 1234;
const WIDTHS = [1, 2, 4, 8] as const;
const GUARD = 32; // bytes on each side of the destination
const GUARD_BYTE = 0xa5;

interface Case {
  shape: number[];
  src: number[]; // strides (elements)
  dst: number[];
}

/** min and max element offsets a layout addresses (for sizing the buffers). */
function extent(shape: number[], strides: number[]): [number, number] {
  let lo = 0;
  let hi = 0;
  shape.forEach((n, i) => {
    if (n === 0) return;
    const d = (n - 1) * strides[i];
    if (d < 0) lo += d;
    else hi += d;
  });
  return [lo, hi];
}

function cases(): Case[] {
  const out: Case[] = [];
  for (let n = 1; n <= 40; n++) out.push({ shape: [1, 1, 1, 1, 1, n], src: [0, 0, 0, 0, 0, 1], dst: [0, 0, 0, 0, 0, 1] });
  for (const n of [63, 64, 65, 127, 129, 1000]) out.push({ shape: [n], src: [1], dst: [1] });
  // 2-d dense rows with padded source / destination rows (prime leading dims)
  for (const [r, c] of [[3, 5], [7, 17], [2, 33], [5, 64]]) {
    out.push({ shape: [r, c], src: [c + 3, 1], dst: [c, 1] });
    out.push({ shape: [r, c], src: [c, 1], dst: [c + 7, 1] });
  }
  // transposes and permutations
  out.push({ shape: [5, 7], src: [1, 5], dst: [7, 1] });
  out.push({ shape: [3, 4, 5], src: [1, 3, 12], dst: [20, 5, 1] });
  out.push({ shape: [2, 3, 4, 5], src: [60, 1, 15, 3], dst: [60, 20, 5, 1] });
  // broadcast: inner stride 0 (splat path) and outer stride 0
  for (const n of [1, 3, 4, 15, 16, 17, 33]) out.push({ shape: [3, n], src: [1, 0], dst: [n, 1] });
  out.push({ shape: [4, 9], src: [0, 1], dst: [9, 1] });
  // negative strides (reversed rows, reversed inner dim)
  out.push({ shape: [4, 9], src: [-9, 1], dst: [9, 1] });
  out.push({ shape: [4, 9], src: [9, -1], dst: [9, 1] });
  out.push({ shape: [3, 5], src: [-10, -2], dst: [5, 1] });
  // strided destinations (scatter into a bigger tensor, like cat)
  out.push({ shape: [3, 4], src: [4, 1], dst: [10, 1] });
  out.push({ shape: [6, 3], src: [3, 1], dst: [1, 6] });
  // 6-d mixed
  out.push({ shape: [2, 1, 3, 2, 2, 5], src: [60, 60, 20, 1, 2, 4], dst: [60, 60, 20, 10, 5, 1] });
  // zero sizes
  out.push({ shape: [3, 0, 2], src: [2, 2, 1], dst: [2, 2, 1] });
  return out;
}

function pad6(c: Case): Case {
  const k = 6 - c.shape.length;
  return { shape: [...Array(k).fill(1), ...c.shape], src: [...Array(k).fill(0), ...c.src], dst: [...Array(k).fill(0), ...c.dst] };
}

describe.each(runnableBuilds())('xN_copy_nd6 kernels [%s build]', (build) => {
  for (const w of WIDTHS) {
    const name = `x${w * 8}_copy_nd6__wasmsimd` as 'x8_copy_nd6__wasmsimd';
    it(`${name}: bit-exact over the layout taxonomy, guards intact`, async () => {
      const e: Engine = await engineFor(build);
      const rng = new Rng(SEED + w);
      for (const c0 of cases()) {
        const c = pad6(c0);
        const [slo, shi] = extent(c.shape, c.src);
        const [dlo, dhi] = extent(c.shape, c.dst);
        const sBytes = (shi - slo + 1) * w;
        const dBytes = (dhi - dlo + 1) * w;
        const sBase = e.arena.alloc(sBytes);
        const dBase = e.arena.alloc(dBytes + 2 * GUARD);
        const params = e.arena.alloc(72);
        const src = new Uint8Array(sBytes);
        for (let i = 0; i < sBytes; i++) src[i] = rng.int(0, 255);
        e.arena.u8(sBase, sBytes).set(src);
        e.arena.u8(dBase, dBytes + 2 * GUARD).fill(GUARD_BYTE);
        e.arena.i32(params, 18).set([...c.shape, ...c.src, ...c.dst]);
        const s0 = sBase - slo * w;
        const d0 = dBase + GUARD - dlo * w;
        e.k[name](params, s0, d0);
        const got = e.arena.u8(dBase, dBytes + 2 * GUARD).slice();
        const want = new Uint8Array(dBytes + 2 * GUARD).fill(GUARD_BYTE);
        const idx = [0, 0, 0, 0, 0, 0];
        const total = c.shape.reduce((a, b) => a * b, 1);
        for (let f = 0; f < total; f++) {
          let r = f;
          for (let k = 5; k >= 0; k--) {
            idx[k] = r % c.shape[k];
            r = Math.floor(r / c.shape[k]);
          }
          let so = -slo;
          let dof = GUARD / w - dlo;
          for (let k = 0; k < 6; k++) {
            so += idx[k] * c.src[k];
            dof += idx[k] * c.dst[k];
          }
          for (let b = 0; b < w; b++) want[dof * w + b] = src[so * w + b];
        }
        const label = `${name} seed=${SEED + w} shape=[${c0.shape}] src=[${c0.src}] dst=[${c0.dst}]`;
        for (let i = 0; i < want.length; i++) {
          if (got[i] !== want[i]) {
            const where = i < GUARD ? `guard before dst at -${GUARD - i}` : i >= GUARD + dBytes ? `guard after dst at +${i - GUARD - dBytes}` : `dst byte ${i - GUARD}`;
            expect.fail(`${label}: ${where}: got ${got[i]}, expected ${want[i]}`);
          }
        }
        [sBase, dBase, params].forEach((p) => e.arena.free(p));
      }
    });
  }
});
