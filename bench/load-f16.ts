/**
 * npm run bench:load -- [--mib 100] [--chunk-kib 64] [--json FILE]
 * Writes a ~100 MiB F16 .safetensors file (transformer-like tensor list, deterministic data) to
 * the temp dir, loads it through the streaming path (a ReadableStream over the file, as a
 * fetch Response body would be) into a fresh engine, and reports time, progress callbacks and
 * the wasm memory peak against the float32 size of the weights (issue 7: <= ~1.1x). The file is
 * deleted afterwards; it is never committed.
 */
import { closeSync, createReadStream, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { createEngine, loadSafetensors, type SafetensorsProgress } from '../src/entries/node.js';
import { encodeHeader, type EntrySpec } from '../src/io/safetensors-header.js';
import { f16ToF32Bits } from '../src/io/half.js';

const arg = (k: string, d: string) => {
  const i = process.argv.indexOf(k);
  return i >= 0 ? process.argv[i + 1] : d;
};
const MIB = Number(arg('--mib', '100'));
const CHUNK = Number(arg('--chunk-kib', '64')) * 1024;
const JSON_OUT = arg('--json', '');

/** A transformer-ish state dict: d x d projections and d x 4d MLPs, plus biases, ~MIB MiB of F16. */
function specs(): EntrySpec[] {
  const d = 1024;
  const out: EntrySpec[] = [];
  let bytes = 0;
  for (let l = 0; bytes < MIB * 1048576; l++) {
    for (const [n, shape] of [
      ['attn.in_proj_weight', [3 * d, d]],
      ['attn.in_proj_bias', [3 * d]],
      ['linear1.weight', [4 * d, d]],
      ['linear1.bias', [4 * d]],
    ] as const) {
      if (bytes >= MIB * 1048576) break;
      out.push({ name: `layers.${l}.${n}`, stDtype: 'F16', shape });
      bytes += shape.reduce((a: number, b: number) => a * b, 1) * 2;
    }
  }
  return out;
}

/** Deterministic F16 values with |x| < 2 (an LCG over sign, exponent and mantissa bits). */
function halfAt(i: number): number {
  const r = Math.imul(i ^ 0x9e3779b9, 0x85ebca6b) >>> 0;
  return (r & 0x8000) | (r & 0x3fff);
}

function writeFile(path: string, list: EntrySpec[]): number {
  const fd = openSync(path, 'w');
  const head = encodeHeader(list, { format: 'pt' });
  writeSync(fd, head);
  let total = head.byteLength;
  let k = 0;
  const buf = new Uint16Array(1 << 20);
  for (const s of list) {
    let left = s.shape.reduce((a, b) => a * b, 1);
    while (left > 0) {
      const n = Math.min(left, buf.length);
      for (let j = 0; j < n; j++) buf[j] = halfAt(k++);
      writeSync(fd, new Uint8Array(buf.buffer, 0, 2 * n));
      total += 2 * n;
      left -= n;
    }
  }
  closeSync(fd);
  return total;
}

async function main(): Promise<void> {
  const list = specs();
  const path = join(tmpdir(), `simdnn-load-f16-${process.pid}.safetensors`);
  const fileBytes = writeFile(path, list);
  const numel = list.reduce((a, s) => a + s.shape.reduce((x, y) => x * y, 1), 0);
  const f32Bytes = numel * 4;
  try {
    const engine = await createEngine({ simd: 'simd' });
    const base = engine.memoryStats();
    engine.arena.resetHighWater();
    let calls = 0;
    let last: SafetensorsProgress | undefined;
    const stream = Readable.toWeb(createReadStream(path, { highWaterMark: CHUNK })) as unknown as ReadableStream<Uint8Array>;
    const t0 = performance.now();
    const tensors = await loadSafetensors(stream, {
      engine,
      onProgress: (p) => {
        calls++;
        last = p;
      },
    });
    const ms = performance.now() - t0;
    const s = engine.memoryStats();
    // Spot check: the first and last element of every tensor against the F16 decode.
    let k = 0;
    for (const sp of list) {
      const n = sp.shape.reduce((a, b) => a * b, 1);
      const v = new Uint32Array(engine.memory.buffer, tensors[sp.name].ptr, n);
      if (v[0] !== f16ToF32Bits(halfAt(k)) || v[n - 1] !== f16ToF32Bits(halfAt(k + n - 1))) throw new Error(`bad value in ${sp.name}`);
      k += n;
    }
    const peak = s.highWaterBytes - base.inUseBytes;
    const result = {
      file: { bytes: fileBytes, tensors: list.length, dtype: 'F16' },
      chunkBytes: CHUNK,
      loadMs: Math.round(ms),
      mbPerS: Math.round(fileBytes / 1048576 / (ms / 1000)),
      progress: { calls, last },
      float32WeightBytes: f32Bytes,
      peakWasmBytes: peak,
      peakOverF32: Number((peak / f32Bytes).toFixed(4)),
      capacityBytes: s.capacityBytes,
      capacityOverF32: Number((s.capacityBytes / f32Bytes).toFixed(4)),
      node: process.version,
    };
    console.log(`loaded ${(fileBytes / 1048576).toFixed(1)} MiB F16 (${list.length} tensors) in ${result.loadMs} ms (${result.mbPerS} MiB/s), ${CHUNK / 1024} KiB chunks`);
    console.log(`progress: ${calls} callbacks, last ${JSON.stringify(last)}`);
    console.log(`wasm memory: peak ${(peak / 1048576).toFixed(1)} MiB in use = ${result.peakOverF32.toFixed(4)}x the float32 weights (${(f32Bytes / 1048576).toFixed(1)} MiB); capacity ${(s.capacityBytes / 1048576).toFixed(1)} MiB = ${result.capacityOverF32.toFixed(4)}x`);
    if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify(result, null, 2));
    if (result.peakOverF32 > 1.1) {
      console.error('FAIL: peak above 1.1x the float32 weight size');
      process.exitCode = 1;
    }
  } finally {
    rmSync(path, { force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
