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
  onnx_softmax: {
    expected: (x, shape) => {
      const n = shape[shape.length - 1];
      const values: number[] = [];
      for (let r = 0; r < x.length; r += n) {
        const row = x.slice(r, r + n);
        const m = Math.max(...row);
        const s = row.reduce((a, v) => a + Math.exp(v - m), 0);
        values.push(...row.map((v) => Math.exp(v - m) / s));
      }
      return { shape: [...shape], values };
    },
    atol: 1e-6,
    rtol: 1e-5,
  },
};
