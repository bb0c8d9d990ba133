/** Writes the 12-int window geometry block the conv/pool kernels read (assembly/common/conv-geom.ts). */
import type { Engine } from '../../dist/src/entries/node.js';

export interface GeomArgs {
  h: number; w: number; oh: number; ow: number; kh: number; kw: number;
  sh: number; sw: number; ph: number; pw: number; dh: number; dw: number;
}

export function geomBlock(e: Engine, g: GeomArgs): { ptr: number; free(): void } {
  const ptr = e.arena.alloc(48);
  e.arena.i32(ptr, 12).set([g.h, g.w, g.oh, g.ow, g.kh, g.kw, g.sh, g.sw, g.ph, g.pw, g.dh, g.dw]);
  return { ptr, free: () => e.arena.free(ptr) };
}

/** Fails with the label and first index where |got - ref| > tol * (1 + |ref|) (NaN must match NaN). */
export function expectClose(label: string, got: Float32Array, ref: ArrayLike<number>, tol: number): void {
  if (got.length !== ref.length) throw new Error(`${label}: length ${got.length}, expected ${ref.length}`);
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i];
    const g = got[i];
    const ok = Number.isNaN(r) ? Number.isNaN(g) : r === g || Math.abs(g - r) <= tol * (1 + Math.abs(r));
    if (!ok) throw new Error(`${label} index=${i}: got ${g}, expected ${r} (tol ${tol})`);
  }
}

/**
 * Every valid window geometry of the kernel tests' taxonomy: sizes x kernels x strides x
 * dilations x paddings (symmetric [ph, pw]), skipping those whose output would be empty.
 */
export function* geomCases(sizes: number[][], kernels: number[][], strides: number[][], dilations: number[][], paddings: number[][]): Generator<GeomArgs> {
  for (const [h, w] of sizes) for (const [kh, kw] of kernels) for (const [sh, sw] of strides) for (const [dh, dw] of dilations) for (const [ph, pw] of paddings) {
    const oh = Math.floor((h + 2 * ph - dh * (kh - 1) - 1) / sh) + 1;
    const ow = Math.floor((w + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
    if (oh >= 1 && ow >= 1) yield { h, w, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw };
  }
}

/** The im2col / direct-convolution taxonomy: odd sizes, kernels 1x1..5x3, strides 1..3, dilation, padding. */
export const CONV_GEOMS = {
  kernels: [[1, 1], [3, 3], [2, 5], [5, 3]],
  strides: [[1, 1], [2, 2], [1, 3], [3, 1]],
  dilations: [[1, 1], [2, 1], [1, 2]],
  paddings: [[0, 0], [1, 1], [2, 0]],
};
