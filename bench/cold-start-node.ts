/**
 * One Node cold start, run in a fresh process by bench/size-startup.ts: import argv[2] ('simdnn',
 * which this file, inside the package, resolves through the package's own exports; or a file
 * URL), init(), and a first small layer call; prints the times as JSON (wall clock, and the
 * process CPU time over the same span, which a loaded machine inflates less).
 */
const c0 = process.cpuUsage();
const t0 = performance.now();
const simdnn = await import(process.argv[2]);
const t1 = performance.now();
const engine = await simdnn.init();
const t2 = performance.now();
const x = simdnn.Tensor.from(Float32Array.from({ length: 256 }, (_, i) => i - 128), [256]);
simdnn.F.relu(x).toFloat32Array();
const t3 = performance.now();
const cpu = process.cpuUsage(c0);
console.log(
  JSON.stringify({ importMs: t1 - t0, initMs: t2 - t1, callMs: t3 - t2, totalMs: t3 - t0, cpuMs: (cpu.user + cpu.system) / 1000, sinceProcessStartMs: t3, build: engine.info().build }),
);
