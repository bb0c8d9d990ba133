/**
 * .safetensors reading and writing. The header is validated before any tensor is allocated.
 * (First version: F32, I64, I32, U8, BOOL; hardening, F16/BF16 and streaming come with the
 * loader issue.)
 */
import { Tensor, type DType } from '../tensor.js';
import { SafetensorsError } from '../runtime/errors.js';
import { getEngine, type Engine } from '../runtime/engine.js';

export interface SafetensorsFile {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

const DTYPES: Record<string, { bytes: number; dtype: DType }> = {
  F32: { bytes: 4, dtype: 'float32' },
  I64: { bytes: 8, dtype: 'int64' },
  I32: { bytes: 4, dtype: 'int32' },
  U8: { bytes: 1, dtype: 'bool' },
  BOOL: { bytes: 1, dtype: 'bool' },
};

/** Parses a whole .safetensors file held in memory. */
export function parseSafetensors(bytes: Uint8Array, engine: Engine = getEngine()): SafetensorsFile {
  if (bytes.byteLength < 8) throw new SafetensorsError(`safetensors: file is ${bytes.byteLength} bytes, shorter than the 8-byte header length`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(dv.getBigUint64(0, true));
  if (n > bytes.byteLength - 8 || n > 100 * 1024 * 1024) {
    throw new SafetensorsError(`safetensors: header length ${n} does not fit in a file of ${bytes.byteLength} bytes`);
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(8, 8 + n)));
  } catch (e) {
    throw new SafetensorsError(`safetensors: header is not valid UTF-8 JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw new SafetensorsError('safetensors: header is not a JSON object');
  const metadata = (header.__metadata__ ?? {}) as Record<string, string>;
  const base = 8 + n;
  const dataLen = bytes.byteLength - base;
  const plan: [string, DType, number[], number, number][] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') continue;
    const { dtype, shape, data_offsets: off } = (info ?? {}) as { dtype?: string; shape?: number[]; data_offsets?: number[] };
    const dt = dtype ? DTYPES[dtype] : undefined;
    if (!dt) throw new SafetensorsError(`safetensors: tensor ${name} has unsupported dtype ${JSON.stringify(dtype)}`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) throw new SafetensorsError(`safetensors: tensor ${name} has an invalid shape ${JSON.stringify(shape)}`);
    if (!Array.isArray(off) || off.length !== 2 || !off.every((d) => Number.isInteger(d) && d >= 0) || off[0] > off[1] || off[1] > dataLen) {
      throw new SafetensorsError(`safetensors: tensor ${name} has data_offsets ${JSON.stringify(off)} outside the ${dataLen}-byte data section`);
    }
    const numel = shape.reduce((a, d) => a * d, 1);
    if (off[1] - off[0] !== numel * dt.bytes) throw new SafetensorsError(`safetensors: tensor ${name} of shape [${shape}] ${dtype} needs ${numel * dt.bytes} bytes, data_offsets span ${off[1] - off[0]}`);
    plan.push([name, dt.dtype, shape, base + off[0], numel]);
  }
  const tensors: Record<string, Tensor> = {};
  for (const [name, dtype, shape, start, numel] of plan) {
    const t = Tensor.empty(shape, dtype, engine);
    t.bytes().set(bytes.subarray(start, start + numel * (dtype === 'int64' ? 8 : dtype === 'bool' ? 1 : 4)));
    tensors[name] = t;
  }
  return { tensors, metadata };
}

/** Loads a state dict (name -> tensor) from .safetensors bytes. */
export function loadSafetensors(bytes: Uint8Array | ArrayBuffer, engine: Engine = getEngine()): Record<string, Tensor> {
  return parseSafetensors(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes), engine).tensors;
}
