/**
 * Quick timings of the recurrent layers (preliminary; not the benchmark.js suite):
 *   node --experimental-wasm-relaxed-simd dist/bench/rnn-quick.js [simd|relaxed]
 * seq 128, input 256, hidden 256, batch 1 and 16, RNN(tanh)/GRU/LSTM, one layer, one direction:
 * the whole forward, and the time loop alone (the sequence kernel, input projection excluded);
 * then the latency of one LSTM step() frame and the bytes it allocates.
 */
import { createEngine, setEngine, nn, Tensor } from '../src/entries/node.js';
import { runScratchBytes, scan } from '../src/ops/rnn.js';

function median(fn: () => void, minMs = 300, minRuns = 5): number {
  const times: number[] = [];
  fn();
  const start = performance.now();
  while (times.length < minRuns || performance.now() - start < minMs) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
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
  const t0 = performance.now();
  for (let i = 0; i < n; i++) lstm.step(frame, st);
  const us = ((performance.now() - t0) / n) * 1000;
  const after = e.memoryStats();
  console.log(
    `LSTM step() I=${I} H=${H} B=1: ${us.toFixed(1)} us/frame; inUseBytes ${before.inUseBytes} -> ${after.inUseBytes}, blocks ${before.blocks} -> ${after.blocks}`,
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
