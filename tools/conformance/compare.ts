/**
 * The golden tolerance rule: |out - ref| <= tol * (1 + |ref|) for finite ref; NaN where ref is
 * NaN; the same infinity where ref is infinite. Returns the worst error and the first failure.
 */
export interface Comparison {
  ok: boolean;
  /** max |out - ref| / (1 + |ref|) over finite refs. */
  maxError: number;
  /** Description of the first failing element, if any. */
  failure?: string;
}

export function compareTensors(
  name: string,
  got: Float32Array,
  gotShape: readonly number[],
  ref: Float32Array,
  refShape: readonly number[],
  tol: number,
): Comparison {
  if (gotShape.length !== refShape.length || gotShape.some((d, i) => d !== refShape[i])) {
    return { ok: false, maxError: Infinity, failure: `${name}: shape [${gotShape}] != expected [${refShape}]` };
  }
  let maxError = 0;
  let failure: string | undefined;
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i];
    const g = got[i];
    let bad = false;
    if (Number.isNaN(r)) bad = !Number.isNaN(g);
    else if (!Number.isFinite(r)) bad = g !== r;
    else {
      const err = Math.abs(g - r) / (1 + Math.abs(r));
      if (!(err <= tol)) bad = true;
      if (Number.isNaN(err)) maxError = Infinity;
      else if (err > maxError) maxError = err;
    }
    if (bad && failure === undefined) failure = `${name}[${i}]: got ${g}, expected ${r} (tol ${tol})`;
  }
  return { ok: failure === undefined, maxError, failure };
}
