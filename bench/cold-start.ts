/**
 * Child process for the cold-start measurement (spawned by bench/size.ts, fresh `node` each
 * time): import simdnn, init(), run one small layer, print the timings as one JSON line.
 * performance.now() counts from the process's time origin, so `sinceProcessStartMs` includes
 * Node's own start-up; importMs + initMs + firstCallMs is simdnn's share.
 */
const t0 = performance.now();
const simdnn = await import('../src/entries/node.js');
const t1 = performance.now();
const engine = await simdnn.init();
const t2 = performance.now();

// The first small layer that this build of simdnn has: Linear(64, 64), else softmax, else relu.
const nn = simdnn.nn as unknown as Record<string, new (...a: unknown[]) => { forward(x: unknown): { toFloat32Array(): Float32Array } }>;
const F = simdnn.F as unknown as Record<string, (...a: unknown[]) => { toFloat32Array(): Float32Array }>;
const x = simdnn.Tensor.from(new Float32Array(64).map((_, i) => Math.sin(i)), [1, 64]);
let layer: string;
let y: Float32Array;
if (typeof nn.Linear === 'function') {
  layer = 'nn.Linear(64, 64)';
  y = new nn.Linear(64, 64).forward(x).toFloat32Array();
} else if (typeof F.softmax === 'function') {
  layer = 'F.softmax([1, 64])';
  y = F.softmax(x, -1).toFloat32Array();
} else {
  layer = 'F.relu([1, 64])';
  y = F.relu(x).toFloat32Array();
}
const t3 = performance.now();
if (!Number.isFinite(y[0])) throw new Error(`cold start: ${layer} returned ${y[0]}`);
const build = (engine as { info(): { build: string } }).info().build;
console.log(JSON.stringify({ layer, build, importMs: t1 - t0, initMs: t2 - t1, firstCallMs: t3 - t2, sinceProcessStartMs: t3 }));
