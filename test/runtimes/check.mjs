/**
 * The runtime check, plain JS with no imports: copied into every throwaway consumer project and
 * run there (Node, Deno, Bun, workerd, Chromium) against the simdnn namespace the consumer
 * imported the way a user would. It runs every case on fixed inputs and returns the raw outputs;
 * the vitest side (runtimes.test.ts) compares them with test/runtimes/reference.ts.
 * To grow the check (Conv2d, TransformerEncoderLayer...), add a case here and its reference there.
 */

/** Deterministic inputs: an LCG mapped to multiples of 1/64 in [-4, 4) (exact in float32). */
export function fixedInput(n, seed) {
  const out = new Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s >>> 8) % 512) / 64 - 4;
  }
  return out;
}

function numel(shape) {
  return shape.reduce((a, b) => a * b, 1);
}

/** name, input shape, seed, and how to run it on the imported simdnn namespace. */
export const CASES = [
  { name: 'relu', shape: [3, 37], seed: 1, run: (nn, x) => nn.F.relu(x) },
];

export async function runChecks(simdnn, initArg) {
  const engine = await simdnn.init(initArg);
  const info = engine.info();
  const cases = {};
  for (const c of CASES) {
    const x = simdnn.Tensor.from(fixedInput(numel(c.shape), c.seed), c.shape);
    const y = c.run(simdnn, x);
    cases[c.name] = { shape: Array.from(y.shape), values: Array.from(y.toFloat32Array()) };
    y.dispose();
    x.dispose();
  }
  return { build: info.build, reason: info.reason, relaxedSimd: info.features.relaxedSimd, cases };
}
