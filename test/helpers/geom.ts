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
