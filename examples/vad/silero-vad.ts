/**
 * SileroVad: streaming voice-activity detection with a Silero VAD .onnx model loaded by
 * loadOnnx / loadOnnxSync. Feed 16 kHz mono float32 PCM in chunks of any length; every complete
 * frame gives one speech probability (returned, and passed to `onFrame`). The recurrent state and
 * the context (the tail of the previous frame) are kept between calls, as onnxruntime-web users
 * (vad-web, silero's OnnxWrapper) do.
 *
 * Two model families are recognised by their inputs:
 *  - v5 / v6 (silero_vad.onnx, silero_vad_v5.onnx, _v6, _16k_op15, _op18_ifless, _half): `input`
 *    [1, 64 + 512] (64 samples of context + 512 new), `state` [2, 1, 128], `sr` int64 (absent in
 *    the half model) -> `output` [1, 1], `stateN`.
 *  - legacy v4 (silero_vad_legacy.onnx): `input` [1, 1536] (no context), `sr`, `h` / `c`
 *    [2, 1, 64] -> `output`, `hn`, `cn`.
 *
 * Steady state allocates no engine memory of its own: the feeds (input, state, sr) are Tensors
 * made once and rewritten in place (OnnxModel.run takes a Tensor feed as a view, no copy); the
 * returned state is copied into the state feed and the outputs are disposed. What still allocates
 * per frame is run() itself: its output tensors (and its intermediates, freed before it returns)
 * and the small JS typed-array views data() hands out.
 */
import { Tensor } from '../../src/tensor.js';
import { ArgumentError } from '../../src/runtime/errors.js';
import type { OnnxModel } from '../../src/onnx/model.js';

export const SAMPLE_RATE = 16000;

export interface SileroVadOptions {
  /** Called once per frame with its speech probability and its index since the last reset(). */
  onFrame?: (probability: number, frame: number) => void;
}

/** A stretch of speech, in frames [start, end) and seconds. */
export interface SpeechSegment {
  startFrame: number;
  endFrame: number;
  start: number;
  end: number;
}

export class SileroVad {
  /** New samples per frame (512 for v5/v6, 1536 for legacy v4). */
  readonly frameSamples: number;
  /** Samples of the previous frame fed in front of each frame (64 for v5/v6, 0 for v4). */
  readonly contextSamples: number;
  readonly legacy: boolean;
  private readonly onFrame?: (probability: number, frame: number) => void;
  private readonly input: Tensor;
  /** The recurrent state feeds by input name (state, or h and c) and the output each is renewed from. */
  private readonly states: { feed: Tensor; input: string; output: string }[];
  private readonly sr: Tensor | null;
  private readonly feeds: Record<string, Tensor> = {};
  /** Context + frame being filled, and how many of its samples are there. */
  private readonly buffer: Float32Array;
  private fill: number;
  private frames = 0;
  private disposed = false;

  constructor(
    readonly model: OnnxModel,
    options: SileroVadOptions = {},
  ) {
    const names = new Set(model.inputs.map((i) => i.name));
    this.legacy = names.has('h') && names.has('c');
    if (!names.has('input') || (!this.legacy && !names.has('state'))) {
      throw new ArgumentError(`SileroVad: model must take input + state (v5/v6) or input + h + c (v4), its inputs are ${[...names].join(', ')}`);
    }
    this.frameSamples = this.legacy ? 1536 : 512;
    this.contextSamples = this.legacy ? 0 : 64;
    this.onFrame = options.onFrame;
    const e = model.engine;
    const made: Tensor[] = [];
    const keep = (t: Tensor) => (made.push(t), t);
    try {
      this.input = keep(Tensor.zeros([1, this.contextSamples + this.frameSamples], 'float32', e));
      this.states = this.legacy
        ? [
            { feed: keep(Tensor.zeros([2, 1, 64], 'float32', e)), input: 'h', output: 'hn' },
            { feed: keep(Tensor.zeros([2, 1, 64], 'float32', e)), input: 'c', output: 'cn' },
          ]
        : [{ feed: keep(Tensor.zeros([2, 1, 128], 'float32', e)), input: 'state', output: 'stateN' }];
      const srInfo = model.inputs.find((i) => i.name === 'sr');
      // sr is a scalar in the v5/v6 exports, [1] in some; follow the declared shape.
      this.sr = srInfo ? keep(Tensor.from(BigInt64Array.of(BigInt(SAMPLE_RATE)), srInfo.shape?.length === 1 ? [1] : [], 'int64', e)) : null;
    } catch (err) {
      for (const t of made) t.dispose();
      throw err;
    }
    this.feeds.input = this.input;
    for (const s of this.states) this.feeds[s.input] = s.feed;
    if (this.sr) this.feeds.sr = this.sr;
    this.buffer = new Float32Array(this.contextSamples + this.frameSamples);
    this.fill = this.contextSamples;
  }

  /** Frames run since the last reset(). */
  get frameCount(): number {
    return this.frames;
  }

  /**
   * Appends samples (16 kHz mono float32, any length) and runs every frame they complete.
   * Returns the probabilities of those frames (empty while a frame is still filling); pass `out`
   * to collect them into an existing array instead of a new one.
   */
  process(samples: Float32Array, out: number[] = []): number[] {
    if (this.disposed) throw new ArgumentError('SileroVad: process() after dispose()');
    const buf = this.buffer;
    let i = 0;
    while (i < samples.length) {
      const n = Math.min(samples.length - i, buf.length - this.fill);
      buf.set(samples.subarray(i, i + n), this.fill);
      this.fill += n;
      i += n;
      if (this.fill === buf.length) out.push(this.runFrame());
    }
    return out;
  }

  /** A copy of the recurrent state by input name (`state`, or `h` and `c` for v4). */
  stateSnapshot(): Record<string, Float32Array> {
    return Object.fromEntries(this.states.map((s) => [s.input, s.feed.toFloat32Array()]));
  }

  /** Forgets the state, the context and any partial frame (a new stream starts). */
  reset(): void {
    for (const s of this.states) s.feed.data<'float32'>().fill(0);
    this.buffer.fill(0);
    this.fill = this.contextSamples;
    this.frames = 0;
  }

  /** Frees the feeds (not the model). Idempotent. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.input.dispose();
    for (const s of this.states) s.feed.dispose();
    this.sr?.dispose();
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  private runFrame(): number {
    const buf = this.buffer;
    this.input.data<'float32'>().set(buf);
    const outs = this.model.run(this.feeds);
    let p: number;
    try {
      p = outs.output.data<'float32'>()[0];
      for (const s of this.states) s.feed.data<'float32'>().set(outs[s.output].data<'float32'>());
    } finally {
      for (const t of Object.values(outs)) t.dispose();
    }
    // The last contextSamples of this frame lead the next one.
    buf.copyWithin(0, buf.length - this.contextSamples);
    this.fill = this.contextSamples;
    this.onFrame?.(p, this.frames);
    this.frames++;
    return p;
  }
}

/**
 * Speech segments from per-frame probabilities: runs of frames with p >= threshold, joined
 * across gaps shorter than `minSilenceFrames`, dropped when shorter than `minSpeechFrames`.
 */
export function speechSegments(
  probs: ArrayLike<number>,
  { threshold = 0.5, frameSamples = 512, minSilenceFrames = 0, minSpeechFrames = 1 }: { threshold?: number; frameSamples?: number; minSilenceFrames?: number; minSpeechFrames?: number } = {},
): SpeechSegment[] {
  const runs: [number, number][] = [];
  for (let i = 0; i < probs.length; i++) {
    if (probs[i] < threshold) continue;
    const last = runs.at(-1);
    if (last && i - last[1] <= minSilenceFrames) last[1] = i + 1;
    else runs.push([i, i + 1]);
  }
  const sec = frameSamples / SAMPLE_RATE;
  return runs
    .filter(([a, b]) => b - a >= minSpeechFrames)
    .map(([a, b]) => ({ startFrame: a, endFrame: b, start: a * sec, end: b * sec }));
}
