/**
 * Quick attention timings until the shared bench harness (bench/) takes these workloads over:
 *   node [--experimental-wasm-relaxed-simd] dist/tools/attn-quick-bench.js [simd|relaxed]
 * 1. the attention kernel at batch 1, 8 heads, d 64, S = 128/512/2048, non-causal and causal
 *    (GFLOP/s counted dense, 4·h·S²·d) and the arena high-water delta of the call;
 * 2. MultiheadAttention-shaped attention (q, k, v straight from a [S, 3E] projection) at E 512,
 *    S 512 for 1..32 heads;
 * 3. one decode step over a KVCache at context 1024 (d_model 512, 8 heads).
 * Times are process CPU time (median), which is steadier than wall time on a shared machine.
 */
import { createEngine, nn, setEngine, Tensor, type BuildName, type Engine } from '../src/internal.js';
import { attention, type AttnProblem, type AttnView } from '../src/ops/attention.js';

function cpuMs(fn: () => void, reps: number): number {
  fn();
  const ts: number[] = [];
  for (let r = 0; r < reps; r++) {
    const c0 = process.cpuUsage();
    fn();
    const c1 = process.cpuUsage(c0);
    ts.push((c1.user + c1.system) / 1000);
  }
  ts.sort((a, b) => a - b);
  return ts[ts.length >> 1];
}

function randomBuf(e: Engine, n: number): number {
  const p = e.arena.alloc(n * 4);
  const a = e.arena.f32(p, n);
  for (let i = 0; i < n; i++) a[i] = Math.random() * 2 - 1;
  return p;
}

function kernelWorkloads(e: Engine): void {
  const H = 8;
  const d = 64;
  for (const S of [128, 512, 2048]) {
    const n = H * S * d;
    const [q, k, v, o] = [randomBuf(e, n), randomBuf(e, n), randomBuf(e, n), randomBuf(e, n)];
    const view = (ptr: number): AttnView => ({ ptr, sb: 0, sh: S * d, sl: d });
    for (const causal of [false, true]) {
      const prob: AttnProblem = { batch: 1, heads: H, L: S, S, d, dv: d, q: view(q), k: view(k), v: view(v), causal };
      e.arena.resetHighWater();
      const before = e.memoryStats().highWaterBytes;
      attention(e, prob, view(o));
      const peak = e.memoryStats().highWaterBytes - before;
      const ms = cpuMs(() => attention(e, prob, view(o)), S === 2048 ? 3 : S === 512 ? 15 : 101);
      console.log(`attention h=8 d=64 S=${S} ${causal ? 'causal    ' : 'non-causal'} ${ms.toFixed(3)} ms  ${(4 * H * S * S * d / ms / 1e6).toFixed(1)} GFLOP/s  peak +${(peak / 1024).toFixed(0)} KiB`);
    }
    for (const p of [q, k, v, o]) e.arena.free(p);
  }
}

function headSweep(e: Engine): void {
  const E = 512;
  const S = 512;
  const buf = randomBuf(e, S * 3 * E);
  const o = e.arena.alloc(S * E * 4);
  for (const H of [1, 2, 4, 8, 16, 32]) {
    const d = E / H;
    const at = (off: number): AttnView => ({ ptr: buf + 4 * off, sb: 0, sh: d, sl: 3 * E });
    const prob: AttnProblem = { batch: 1, heads: H, L: S, S, d, dv: d, q: at(0), k: at(E), v: at(2 * E) };
    const ms = cpuMs(() => attention(e, prob, { ptr: o, sb: 0, sh: d, sl: E }), 7);
    console.log(`MHA attention core E=512 S=512 heads=${H} (d=${d}): ${ms.toFixed(2)} ms`);
  }
  e.arena.free(buf);
  e.arena.free(o);
}

function decode(e: Engine): void {
  const E = 512;
  const ctx = 1024;
  const mha = new nn.MultiheadAttention(E, 8, { batchFirst: true }, e);
  const cache = mha.createKVCache(1, ctx + 1);
  const pre = Tensor.from(Float32Array.from({ length: ctx * E }, () => Math.random() - 0.5), [1, ctx, E], 'float32', e);
  mha.forward(pre, pre, pre, { kvCache: cache, needWeights: false })[0].dispose();
  const x = Tensor.from(Float32Array.from({ length: E }, () => Math.random() - 0.5), [1, 1, E], 'float32', e);
  const ms = cpuMs(() => {
    cache.truncate(ctx);
    mha.forward(x, x, x, { kvCache: cache, needWeights: false })[0].dispose();
  }, 21);
  const q = randomBuf(e, E);
  const o = e.arena.alloc(E * 4);
  const core = cpuMs(() => attention(e, {
    batch: 1, heads: 8, L: 1, S: ctx + 1, d: 64, dv: 64,
    q: { ptr: q, sb: 0, sh: 64, sl: E }, k: cache.keyView, v: cache.valueView,
  }, { ptr: o, sb: 0, sh: 64, sl: E }), 51);
  console.log(`KV-cache decode, context ${ctx}, d_model ${E}, 8 heads: ${ms.toFixed(3)} ms/token (MHA forward with projections), attention core ${core.toFixed(3)} ms`);
  mha.dispose();
  cache.dispose();
}

const build = (process.argv[2] ?? 'simd') as BuildName;
const engine = await createEngine({ simd: build as 'simd' | 'relaxed' });
setEngine(engine);
console.log(`simdnn attention quick bench: ${engine.info().build} build, node ${process.version}; CPU-time medians (preliminary: shared machine)`);
kernelWorkloads(engine);
headSweep(engine);
decode(engine);
