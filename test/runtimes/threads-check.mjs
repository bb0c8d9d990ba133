/**
 * The threads check, plain JS with no imports (copied into each consumer project next to
 * check.mjs): creates a 1-thread engine and an engine asking for `threads` (default 2), runs a
 * Linear big enough to be split (64 x 256 -> 256) on both, and reports the thread count, the
 * reason, how many jobs went through the pool, and whether the outputs are bitwise equal. Both
 * engines are disposed at the end: the process must then exit by itself.
 */
function fixed(n, seed) {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = ((s >>> 8) % 512) / 256 - 1;
  }
  return out;
}

function linearOn(simdnn, engine) {
  const x = simdnn.Tensor.from(fixed(64 * 256, 1), [64, 256], 'float32', engine);
  const w = simdnn.Tensor.from(fixed(256 * 256, 2), [256, 256], 'float32', engine);
  const b = simdnn.Tensor.from(fixed(256, 3), [256], 'float32', engine);
  const y = simdnn.F.linear(x, w, b);
  const out = y.toFloat32Array().slice();
  for (const t of [x, w, b, y]) t.dispose();
  return out;
}

export async function runThreadsCheck(simdnn, threads = 2) {
  const t0 = Date.now();
  const many = await simdnn.createEngine({ threads });
  const initMs = Date.now() - t0;
  const one = await simdnn.createEngine({});
  const a = linearOn(simdnn, one);
  const b = linearOn(simdnn, many);
  const ua = new Uint32Array(a.buffer);
  const ub = new Uint32Array(b.buffer);
  let equal = ua.length === ub.length && ua.length === 64 * 256;
  for (let i = 0; equal && i < ua.length; i++) equal = ua[i] === ub[i];
  const info = many.info();
  const result = { threads: info.threads, reason: info.threadsReason, build: info.build, jobs: many.pool ? many.pool.jobs : 0, equal, initMs };
  many.dispose();
  one.dispose();
  return result;
}
