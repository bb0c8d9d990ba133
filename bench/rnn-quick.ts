/**
 * Quick timings of the recurrent layers (preliminary; not the benchmark.js suite):
 *   node --experimental-wasm-relaxed-simd dist/bench/rnn-quick.js [simd|relaxed]
 * seq 128, input 256, hidden 256, batch 1 and 16, RNN(tanh)/GRU/LSTM, one layer, one direction:
 * the whole forward, and the time loop alone (the sequence kernel, input projection excluded);
 * then the latency of one LSTM step() frame and the bytes it allocates. Times are CPU time of this
 * process per call (process.cpuUsage), median of batches: on a loaded machine wall time mostly
 * measures the wait for a core.
 */
import { createEngine, setEngine, nn, Tensor } from '../src/internal.js';
import { runScratchBytes, scan } from '../src/ops/rnn.js';

/** CPU milliseconds of this process per call (the machine is shared: wall time waits for a core). */
function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Median over batches of calls of the CPU time per call. */
function median(fn: () => void, minMs = 300, minRuns = 5): number {
  const times: number[] = [];
  fn();
  const start = cpuMs();
  while (times.length < minRuns || cpuMs() - start < minMs) {
    const t0 = cpuMs();
    let n = 0;
    do {
      fn();
      n++;
    } while (cpuMs() - t0 < 20);
    times.push((cpuMs() - t0) / n);
  }
  times.sort((a, b) => a - b);
  return times[times.length >> 1];
}

async function main(): Promise<void> {
  const build = (process.argv[2] ?? 'simd') as 'simd' | 'relaxed';
  const e = await createEngine({ simd: build });
  setEngine(e);
  const T = 128;
  const I = 256;
  const H = 256;
  console.log(`simdnn rnn quick bench: ${e.info().build} build, node ${process.version}, T=${T} I=${I} H=${H}`);
  for (const B of [1, 16]) {
    for (const kind of ['RNN', 'GRU', 'LSTM'] as const) {
      const m = kind === 'RNN' ? new nn.RNN(I, H) : kind === 'GRU' ? new nn.GRU(I, H) : new nn.LSTM(I, H);
      const x = Tensor.from(new Float32Array(T * B * I).map(() => Math.random() * 2 - 1), [T, B, I]);
      const full = median(() => {
        e.scope(() => {
          m.forward(x);
        });
      });
      // The time loop alone: one sequence-kernel call over preset projections.
      const mode = m.mode;
      const G = mode === 'lstm' ? 4 : mode === 'gru' ? 3 : 1;
      const a = e.arena;
      const xp = a.alloc(T * B * G * H * 4);
      a.f32(xp, T * B * G * H).fill(0.01);
      const y = a.alloc(T * B * H * 4);
      const c = a.alloc(B * H * 4);
      const ws = a.alloc(runScratchBytes(mode, H, 1, 1, T, B).ws);
      const whh = (m as unknown as { packs: { recurrent(d: number): number }[] }).packs[0].recurrent(0);
      const loop = median(() => {
        scan(e, mode, H, whh, { T, B, xp, xsT: B * G * H, xsB: G * H, h0: 0, c, y, ysT: B * H, ysB: H, hn: 0, reverse: false, ws });
      });
      for (const p of [xp, y, c, ws]) a.free(p);
      console.log(`${kind.padEnd(4)} B=${String(B).padEnd(2)}  forward ${full.toFixed(2)} ms   time loop only ${loop.toFixed(2)} ms`);
      x.dispose();
      m.dispose();
    }
  }
  const lstm = new nn.LSTM(I, H);
  const st = lstm.initState(1);
  const frame = Tensor.from(new Float32Array(I).map(() => Math.random() * 2 - 1), [1, I]);
  for (let i = 0; i < 50; i++) lstm.step(frame, st);
  const before = e.memoryStats();
  const n = 2000;
  const t0 = cpuMs();
  for (let i = 0; i < n; i++) lstm.step(frame, st);
  const us = ((cpuMs() - t0) / n) * 1000;
  const after = e.memoryStats();
  // The recurrent half of a step alone (one T = 1 kernel call; the rest is the input-projection gemm).
  const a = e.arena;
  const xp1 = a.alloc(4 * H * 4);
  a.f32(xp1, 4 * H).fill(0.01);
  const ws1 = a.alloc(runScratchBytes('lstm', H, 1, 1, 1, 1).ws);
  const whh1 = (lstm as unknown as { packs: { recurrent(d: number): number }[] }).packs[0].recurrent(0);
  const kernelUs =
    median(() => {
      for (let i = 0; i < 100; i++) {
        scan(e, 'lstm', H, whh1, { T: 1, B: 1, xp: xp1, xsT: 4 * H, xsB: 4 * H, h0: st.h.ptr, c: st.c!.ptr, y: st.output.ptr, ysT: H, ysB: H, hn: st.h.ptr, reverse: false, ws: ws1 });
      }
    }) * 10;
  a.free(xp1);
  a.free(ws1);
  console.log(
    `LSTM step() I=${I} H=${H} B=1: ${us.toFixed(1)} us/frame (recurrent kernel alone ${kernelUs.toFixed(1)} us); ` +
      `inUseBytes ${before.inUseBytes} -> ${after.inUseBytes}, blocks ${before.blocks} -> ${after.blocks}`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
