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

/**
 * A one-node .onnx file (opset 13): y = Softmax(x, axis -1), x: float32 [n, 37] (written by
 * test/onnx/pb.ts): loadOnnxSync decodes, validates and runs it in every runtime.
 */
const SOFTMAX_ONNX = new Uint8Array([
  8,8,18,11,115,105,109,100,110,110,45,116,101,115,116,66,4,10,0,16,13,58,94,10,41,10,1,120,18,1,121,26,2,115,109,34,7,83,111,
  102,116,109,97,120,42,20,10,4,97,120,105,115,24,255,255,255,255,255,255,255,255,255,1,160,1,2,18,5,99,104,101,99,107,90,20,10,
  1,120,18,15,10,13,8,1,18,9,10,3,18,1,110,10,2,8,37,98,20,10,1,121,18,15,10,13,8,1,18,9,10,3,18,1,110,10,2,8,37,
]);

function runOnnx(nn, x) {
  const m = nn.loadOnnxSync(SOFTMAX_ONNX);
  try {
    return m.run({ x }).y;
  } finally {
    m.dispose();
  }
}

/** name, input shape, seed, and how to run it on the imported simdnn namespace. */
export const CASES = [
  { name: 'relu', shape: [3, 37], seed: 1, run: (nn, x) => nn.F.relu(x) },
  { name: 'onnx_softmax', shape: [3, 37], seed: 2, run: runOnnx },
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
