/**
 * Expected outputs for the runtime check cases (test/runtimes/check.mjs), in float64 from first
 * principles, with the tolerance each case allows. Add an entry with each new case.
 */
export interface Reference {
  expected(x: readonly number[], shape: readonly number[]): { shape: number[]; values: number[] };
  atol: number;
  rtol: number;
}

export const REFERENCES: Record<string, Reference> = {
  relu: { expected: (x, shape) => ({ shape: [...shape], values: x.map((v) => (v > 0 ? v : 0)) }), atol: 0, rtol: 0 },
};
