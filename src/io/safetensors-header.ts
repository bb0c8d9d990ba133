/**
 * The .safetensors header: validation (everything a hostile file can get wrong is checked here,
 * before a single tensor is allocated) and encoding.
 *
 * Format: [0,8) u64 LE header length N; [8,8+N) UTF-8 JSON object
 * `{ "__metadata__"?: {string: string}, name: { dtype, shape, data_offsets: [begin, end) } }`;
 * then the data section, which the tensors must cover exactly: no gap, no overlap, nothing after.
 */
import type { DType } from '../tensor.js';
import { SafetensorsError } from '../runtime/errors.js';

/** The largest header accepted (the reference implementation's limit). */
export const MAX_HEADER_BYTES = 100_000_000;

export type StDType = 'F32' | 'F16' | 'BF16' | 'I64' | 'I32' | 'U8' | 'I8' | 'BOOL';

/** Per file dtype: bytes per element in the file, and the tensor dtype it loads as. */
export const ST_DTYPES: Record<StDType, { size: number; dtype: DType; half?: 'f16' | 'bf16' }> = {
  F32: { size: 4, dtype: 'float32' },
  F16: { size: 2, dtype: 'float32', half: 'f16' },
  BF16: { size: 2, dtype: 'float32', half: 'bf16' },
  I64: { size: 8, dtype: 'int64' },
  I32: { size: 4, dtype: 'int32' },
  U8: { size: 1, dtype: 'uint8' },
  I8: { size: 1, dtype: 'int8' },
  BOOL: { size: 1, dtype: 'bool' },
};

/** The file dtype each tensor dtype is saved as. */
export const SAVE_DTYPE: Record<DType, StDType> = { float32: 'F32', int32: 'I32', int64: 'I64', bool: 'BOOL', uint8: 'U8', int8: 'I8', float16: 'F16' };

export interface TensorEntry {
  name: string;
  stDtype: StDType;
  shape: number[];
  numel: number;
  /** [begin, end) in bytes, relative to the start of the data section. */
  begin: number;
  end: number;
}

export interface Header {
  metadata: Record<string, string>;
  /** Sorted by begin: the order of the data. */
  tensors: TensorEntry[];
  /** Bytes of the data section the tensors cover (= the file size - 8 - N). */
  dataBytes: number;
}

const fail = (msg: string): never => {
  throw new SafetensorsError(`safetensors: ${msg}`);
};

/** N from the first 8 bytes, checked against the bounds (and the file size when known). */
export function headerLength(first8: Uint8Array, fileBytes?: number): number {
  if (first8.byteLength < 8) fail(`file is ${first8.byteLength} bytes, shorter than the 8-byte header length`);
  const n = new DataView(first8.buffer, first8.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_BYTES)) fail(`header length ${n} is absurd (the limit is ${MAX_HEADER_BYTES} bytes)`);
  const len = Number(n);
  if (len < 2) fail(`header length ${len} is too short for a JSON object`);
  if (fileBytes !== undefined && len > fileBytes - 8) fail(`header length ${len} does not fit in a file of ${fileBytes} bytes`);
  return len;
}

/** Parses and validates the JSON header bytes (exactly N bytes). Throws SafetensorsError. */
export function parseHeader(json: Uint8Array): Header {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(json);
  } catch {
    return fail('header is not valid UTF-8');
  }
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (e) {
    return fail(`header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) {
    fail(`header is not a JSON object (got ${header === null ? 'null' : Array.isArray(header) ? 'an array' : typeof header})`);
  }
  const dup = duplicateKey(text);
  if (dup !== undefined) fail(`header has the key ${JSON.stringify(dup)} twice`);
  const h = header as Record<string, unknown>;
  const metadata = checkMetadata(h.__metadata__);
  const tensors: TensorEntry[] = [];
  for (const [name, info] of Object.entries(h)) {
    if (name !== '__metadata__') tensors.push(checkEntry(name, info));
  }
  tensors.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let pos = 0;
  for (const t of tensors) {
    if (t.begin < pos) fail(`tensor ${t.name} data_offsets [${t.begin}, ${t.end}] overlap the previous tensor, which ends at ${pos}`);
    if (t.begin > pos) fail(`tensor ${t.name} data_offsets [${t.begin}, ${t.end}] leave a gap of ${t.begin - pos} bytes after offset ${pos}`);
    pos = t.end;
  }
  return { metadata, tensors, dataBytes: pos };
}

function checkMetadata(m: unknown): Record<string, string> {
  if (m === undefined) return {};
  if (typeof m !== 'object' || m === null || Array.isArray(m)) fail('__metadata__ must be an object of strings');
  for (const [k, v] of Object.entries(m as object)) {
    if (typeof v !== 'string') fail(`__metadata__.${k} must be a string, got ${JSON.stringify(v)}`);
  }
  return { ...(m as Record<string, string>) };
}

function checkEntry(name: string, info: unknown): TensorEntry {
  if (typeof info !== 'object' || info === null || Array.isArray(info)) fail(`tensor ${name}: entry must be an object with dtype, shape and data_offsets`);
  const { dtype, shape, data_offsets: off } = info as Record<string, unknown>;
  if (typeof dtype !== 'string' || !Object.hasOwn(ST_DTYPES, dtype)) {
    fail(`tensor ${name} has unsupported dtype ${JSON.stringify(dtype)} (supported: ${Object.keys(ST_DTYPES).join(', ')})`);
  }
  const st = ST_DTYPES[dtype as StDType];
  if (!Array.isArray(shape)) fail(`tensor ${name} has an invalid shape ${JSON.stringify(shape)}: expected an array of sizes`);
  let numel = 1;
  for (const d of shape as unknown[]) {
    if (typeof d !== 'number' || !Number.isSafeInteger(d) || d < 0) fail(`tensor ${name} has an invalid shape ${JSON.stringify(shape)}: sizes are integers >= 0`);
    numel *= d as number;
    if (numel * st.size > Number.MAX_SAFE_INTEGER) fail(`tensor ${name} has an absurd shape ${JSON.stringify(shape)}`);
  }
  if (!Array.isArray(off) || off.length !== 2 || !off.every((x) => typeof x === 'number' && Number.isSafeInteger(x) && x >= 0) || off[0] > off[1]) {
    fail(`tensor ${name} has invalid data_offsets ${JSON.stringify(off)}: expected [begin, end] with 0 <= begin <= end`);
  }
  const [begin, end] = off as number[];
  if (end - begin !== numel * st.size) {
    fail(`tensor ${name} of shape [${(shape as number[]).join(', ')}] ${dtype} needs ${numel * st.size} bytes, its data_offsets [${begin}, ${end}] span ${end - begin}`);
  }
  return { name, stDtype: dtype as StDType, shape: (shape as number[]).slice(), numel, begin, end };
}

/**
 * The first key that appears twice in one object of a JSON text already known to be valid
 * (JSON.parse silently keeps the last one), or undefined.
 */
function duplicateKey(s: string): string | undefined {
  const stack: (Set<string> | null)[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x7b) stack.push(new Set());
    else if (c === 0x5b) stack.push(null);
    else if (c === 0x7d || c === 0x5d) stack.pop();
    else if (c === 0x22) {
      let j = i + 1;
      let escaped = false;
      while (s.charCodeAt(j) !== 0x22) {
        if (s.charCodeAt(j) === 0x5c) {
          escaped = true;
          j++;
        }
        j++;
      }
      const keys = stack[stack.length - 1];
      if (keys) {
        let k = j + 1;
        while (s.charCodeAt(k) <= 0x20) k++;
        if (s.charCodeAt(k) === 0x3a) {
          const key = escaped ? (JSON.parse(s.slice(i, j + 1)) as string) : s.slice(i + 1, j);
          if (keys.has(key)) return key;
          keys.add(key);
        }
      }
      i = j;
    }
  }
  return undefined;
}

/** One tensor to write: its name, file dtype and shape (the data follows in the same order). */
export interface EntrySpec {
  name: string;
  stDtype: StDType;
  shape: readonly number[];
}

/**
 * The first 8+N bytes of a file holding `specs` in that order, contiguous from offset 0, with
 * the header padded by spaces so that the data section starts 8-byte aligned.
 */
export function encodeHeader(specs: readonly EntrySpec[], metadata?: Record<string, string>): Uint8Array {
  const obj: Record<string, unknown> = {};
  if (metadata && Object.keys(metadata).length) obj.__metadata__ = checkMetadata(metadata);
  let pos = 0;
  for (const s of specs) {
    if (s.name === '__metadata__') throw new SafetensorsError('safetensors: a tensor cannot be named __metadata__');
    const bytes = s.shape.reduce((a, d) => a * d, 1) * ST_DTYPES[s.stDtype].size;
    obj[s.name] = { dtype: s.stDtype, shape: [...s.shape], data_offsets: [pos, pos + bytes] };
    pos += bytes;
  }
  const json = new TextEncoder().encode(JSON.stringify(obj));
  const n = Math.ceil(json.byteLength / 8) * 8;
  const out = new Uint8Array(8 + n).fill(0x20, 8 + json.byteLength);
  new DataView(out.buffer).setBigUint64(0, BigInt(n), true);
  out.set(json, 8);
  return out;
}
