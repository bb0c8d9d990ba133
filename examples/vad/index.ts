/** Streaming Silero VAD on simdnn's ONNX runtime (see silero-vad.ts) and a 16-bit PCM WAV reader. */
export { SileroVad, speechSegments, SAMPLE_RATE } from './silero-vad.js';
export type { SileroVadOptions, SpeechSegment } from './silero-vad.js';
export { readWav } from './wav.js';
export type { Wav } from './wav.js';
