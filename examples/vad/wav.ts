/**
 * A tiny WAV reader for the VAD example: RIFF/WAVE, PCM (format 1), 16-bit, mono. Returns the
 * samples as float32 in [-1, 1) (int16 / 32768) and the sample rate. Anything else (stereo,
 * 8/24/32-bit, float, compressed) throws an ArgumentError naming what came.
 */
import { ArgumentError } from '../../src/runtime/errors.js';

export interface Wav {
  sampleRate: number;
  samples: Float32Array;
}

export function readWav(bytes: Uint8Array): Wav {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tag = (o: number) => String.fromCharCode(bytes[o], bytes[o + 1], bytes[o + 2], bytes[o + 3]);
  if (bytes.length < 12 || tag(0) !== 'RIFF' || tag(8) !== 'WAVE') throw new ArgumentError('readWav: bytes is not a RIFF/WAVE file');
  let fmt: { format: number; channels: number; rate: number; bits: number } | null = null;
  for (let o = 12; o + 8 <= bytes.length; ) {
    const id = tag(o);
    const size = v.getUint32(o + 4, true);
    const body = o + 8;
    if (id === 'fmt ') {
      fmt = { format: v.getUint16(body, true), channels: v.getUint16(body + 2, true), rate: v.getUint32(body + 4, true), bits: v.getUint16(body + 14, true) };
      if (fmt.format !== 1 || fmt.channels !== 1 || fmt.bits !== 16) {
        throw new ArgumentError(`readWav: only 16-bit PCM mono is read, got format ${fmt.format}, ${fmt.channels} channel(s), ${fmt.bits} bits`);
      }
    } else if (id === 'data') {
      if (!fmt) throw new ArgumentError('readWav: the data chunk comes before the fmt chunk');
      const n = Math.floor(Math.min(size, bytes.length - body) / 2);
      const samples = new Float32Array(n);
      for (let i = 0; i < n; i++) samples[i] = v.getInt16(body + 2 * i, true) / 32768;
      return { sampleRate: fmt.rate, samples };
    }
    o = body + size + (size & 1);
  }
  throw new ArgumentError('readWav: no data chunk');
}
