// Child process of engine-dispose.test.ts, run as `node --expose-gc memory-return.mjs`: load ->
// run -> engine.dispose() of a ~105 MB model (4 x Linear(2560, 2560) from a .safetensors file),
// 10 times, printing the process RSS (after a full gc) as one JSON line. The engines, models and
// tensors stay referenced on purpose: dispose() alone must let the wasm memory go.
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, nn, Tensor, loadSafetensors } from '../../dist/src/entries/node.js';

const D = 2560;
const LAYERS = 4;
const ROUNDS = Number(process.env.ROUNDS ?? 10);

function writeModel(file) {
  const header = {};
  let off = 0;
  for (let i = 0; i < LAYERS; i++) {
    header[`${i}.weight`] = { dtype: 'F32', shape: [D, D], data_offsets: [off, (off += D * D * 4)] };
    header[`${i}.bias`] = { dtype: 'F32', shape: [D], data_offsets: [off, (off += D * 4)] };
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const len = new Uint8Array(8);
  new DataView(len.buffer).setUint32(0, json.length, true);
  const w = Float32Array.from({ length: D * D }, (_, i) => ((i % 13) - 6) * 1e-3);
  const b = Float32Array.from({ length: D }, (_, i) => ((i % 5) - 2) * 1e-2);
  const fd = openSync(file, 'w');
  writeSync(fd, len);
  writeSync(fd, Buffer.from(json));
  for (let i = 0; i < LAYERS; i++) {
    writeSync(fd, new Uint8Array(w.buffer));
    writeSync(fd, new Uint8Array(b.buffer));
  }
  closeSync(fd);
  return off;
}

/** RSS after a full gc. V8 frees a collected wasm memory's pages in a later task, hence the turns of the event loop. */
async function rss() {
  for (let i = 0; i < 3; i++) {
    globalThis.gc();
    await new Promise((r) => setTimeout(r, 20));
  }
  return process.memoryUsage().rss;
}

async function round(file, kept) {
  const e = await createEngine({ simd: 'simd' });
  const startBytes = e.memoryStats().capacityBytes;
  const model = new nn.Sequential(...Array.from({ length: LAYERS }, () => new nn.Linear(D, D, {}, e)));
  const dict = loadSafetensors(readFileSync(file), e);
  model.loadStateDict(dict);
  for (const t of Object.values(dict)) t.dispose();
  const x = Tensor.from(Float32Array.from({ length: D }, (_, i) => Math.sin(i)), [1, D], 'float32', e);
  const y = model.forward(x);
  const out = y.toFloat32Array();
  const peakCapacity = e.memoryStats().capacityBytes;
  const peakRss = process.memoryUsage().rss;
  e.dispose();
  kept.push({ e, model, x, y });
  return { startBytes, peakCapacity, peakRss, after: await rss(), out0: out[0], finite: out.every(Number.isFinite) };
}

const dir = mkdtempSync(join(tmpdir(), 'simdnn-memret-'));
try {
  const file = join(dir, 'model.safetensors');
  const dataBytes = writeModel(file);
  // Warm-up (a tiny engine) so the baseline holds the library, the compiled wasm and the JIT.
  const warm = await createEngine({ simd: 'simd' });
  new nn.Linear(8, 8, {}, warm).forward(Tensor.from(new Float32Array(8), [1, 8], 'float32', warm));
  warm.dispose();
  const baseline = await rss();
  const kept = [];
  const rounds = [];
  for (let i = 0; i < ROUNDS; i++) rounds.push(await round(file, kept));
  console.log(JSON.stringify({ dataBytes, baseline, rounds, kept: kept.length }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
