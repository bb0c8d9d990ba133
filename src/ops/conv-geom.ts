/**
 * Window geometry shared by convolution and pooling: argument normalisation (int | [h, w]),
 * PyTorch's output-size rules, and the 12-int geometry block the kernels read
 * (layout in assembly/common/conv-geom.ts; keep in step).
 */
import type { Engine } from '../runtime/engine.js';
import { ArgumentError } from '../runtime/errors.js';

export interface Geom {
  h: number; w: number; oh: number; ow: number;
  kh: number; kw: number; sh: number; sw: number;
  /** Top / left padding (bottom / right is implicit: taps outside the input are padding). */
  ph: number; pw: number;
  dh: number; dw: number;
}

/** An int or an [h, w] pair (1-element lists for 1-D ops) as [h, w], each an integer >= min. */
export function pair(op: string, name: string, v: unknown, min: number, dims = 2): [number, number] {
  const arr = typeof v === 'number' ? Array(dims).fill(v) : Array.isArray(v) ? v : null;
  if (!arr || arr.length !== dims || !arr.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= min)) {
    throw new ArgumentError(`${op}: ${name} must be an integer >= ${min} or a list of ${dims} such integers, got ${JSON.stringify(v)}`);
  }
  return dims === 1 ? [1, arr[0]] : [arr[0], arr[1]];
}

/** Convolution output size: floor((n + padTotal - d*(k-1) - 1) / s) + 1 (may be <= 0: caller checks). */
export function convOut(n: number, k: number, s: number, padTotal: number, d: number): number {
  return Math.floor((n + padTotal - d * (k - 1) - 1) / s) + 1;
}

/**
 * Pooling output size, PyTorch's rule: floor((n + 2p - d(k-1) - 1 + (ceil ? s-1 : 0)) / s) + 1,
 * then with ceil mode one less if the last window would start past the input and left padding.
 */
export function poolOut(n: number, k: number, s: number, p: number, d: number, ceil: boolean): number {
  let o = Math.floor((n + 2 * p - d * (k - 1) - 1 + (ceil ? s - 1 : 0)) / s) + 1;
  if (ceil && (o - 1) * s >= n + p) o -= 1;
  return o;
}

/** Bytes of the geometry block the conv kernels read (12 i32 fields). */
export const GEOM_BLOCK_BYTES = 48;

/** Runs fn with the geometry block written to a fresh GEOM_BLOCK_BYTES block of wasm memory. */
export function withGeom<T>(engine: Engine, g: Geom, fn: (ptr: number) => T): T {
  const ptr = engine.arena.alloc(GEOM_BLOCK_BYTES);
  try {
    engine.arena.i32(ptr, 12).set([g.h, g.w, g.oh, g.ow, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw]);
    return fn(ptr);
  } finally {
    engine.arena.free(ptr);
  }
}
