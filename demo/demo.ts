/**
 * npm run demo: engine info, then a small end-to-end run of the layers that exist, with each
 * result's error against a float64 reference and its latency.
 */
import { init, Tensor, F, memoryStats } from '../src/entries/node.js';

function time<T>(fn: () => T, reps = 50): { result: T; ms: number } {
  let result = fn();
  const t0 = performance.now();
  for (let i = 0; i < reps; i++) {
    if (i) (result as unknown as Tensor).dispose?.();
    result = fn();
  }
  return { result, ms: (performance.now() - t0) / reps };
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const engine = await init();
  const info = engine.info();
  console.log(`simdnn demo: ${info.build} build (${info.reason}), init ${(performance.now() - t0).toFixed(1)} ms`);
  console.log(`features: ${JSON.stringify(info.features)}`);

  const n = 1 << 16;
  const data = new Float32Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.sin(i * 0.37) * 3;
  const x = Tensor.from(data, [256, 256]);
  const { result: y, ms } = time(() => F.relu(x));
  const out = y.toFloat32Array();
  let maxErr = 0;
  for (let i = 0; i < n; i++) maxErr = Math.max(maxErr, Math.abs(out[i] - Math.max(data[i], 0)));
  console.log(`relu [256, 256]: max error ${maxErr.toExponential(2)}, ${(ms * 1000).toFixed(1)} us`);
  console.log(`memory: ${JSON.stringify(memoryStats())}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
