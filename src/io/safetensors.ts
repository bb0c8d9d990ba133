/**
 * .safetensors in and out: PyTorch `state_dict`s saved with `safetensors.torch.save_file`.
 *
 * Loading validates the whole header first (safetensors-header.ts): a malformed or hostile file
 * is rejected with a SafetensorsError before anything is allocated. Then every tensor is
 * allocated in wasm memory and the data goes straight into it, F16/BF16 staged in the upper half
 * of their own float32 block and widened in place by a wasm kernel as it arrives; a stream is
 * never gathered into a second full copy. On any error the tensors made so
 * far are freed and the engine stays usable.
 *
 *   loadSafetensors(bytes)                  -> Record<name, Tensor>            (sync)
 *   await loadSafetensors(response | stream, { onProgress })                  (async)
 *   parseSafetensors(bytes) / await readSafetensors(source) -> { tensors, metadata }
 *   saveSafetensors(stateDict, { metadata, floatDtype }) -> Uint8Array<ArrayBuffer>
 */
import { Tensor, type DType } from '../tensor.js';
import { Engine, getEngine } from '../runtime/engine.js';
import { ArgumentError, SafetensorsError } from '../runtime/errors.js';
import { ALIGN, TAIL_PAD } from '../runtime/memory.js';
import { ST_DTYPES, SAVE_DTYPE, encodeHeader, headerLength, parseHeader, type Header, type StDType, type TensorEntry } from './safetensors-header.js';
import { f32BitsToBf16, f32BitsToF16 } from './half.js';

export interface SafetensorsFile {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

export interface SafetensorsProgress {
  /** Bytes of the file consumed so far (header included). */
  loadedBytes: number;
  /** Size of the whole file, known from the header. */
  totalBytes: number;
  /** Tensors completely written so far. */
  tensorsLoaded: number;
}

export interface LoadSafetensorsOptions {
  /** Called once the header is read, then after every chunk of data. */
  onProgress?: (p: SafetensorsProgress) => void;
  /** The engine whose memory receives the tensors (default: the current one). */
  engine?: Engine;
  /**
   * 'f16': F16 tensors stay float16 in memory (half the bytes; Linear packs them for the fp16-weight
   * GEMM, other layers widen them when they load). Default: F16 is widened to float32 on arrival.
   */
  keep?: 'f16';
}

export type SafetensorsBytes = Uint8Array | ArrayBuffer;
export type SafetensorsStream = Response | ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>;

export interface SaveSafetensorsOptions {
  /** `__metadata__` (string -> string). */
  metadata?: Record<string, string>;
  /** The file dtype of float32 tensors: 'F32' (default), 'F16' or 'BF16' (round to nearest even). */
  floatDtype?: 'F32' | 'F16' | 'BF16';
}

function opts(o: LoadSafetensorsOptions | Engine | undefined): LoadSafetensorsOptions {
  return o instanceof Engine ? { engine: o } : (o ?? {});
}

function asBytes(b: SafetensorsBytes): Uint8Array {
  if (b instanceof Uint8Array) return b;
  if (b instanceof ArrayBuffer) return new Uint8Array(b);
  throw new ArgumentError(`safetensors: expected a Uint8Array or ArrayBuffer, got ${describe(b)}`);
}

function describe(x: unknown): string {
  return x === null ? 'null' : typeof x === 'object' ? (x.constructor?.name ?? 'object') : typeof x;
}

/** Reads a whole .safetensors file held in memory: tensors and `__metadata__`. */
export function parseSafetensors(bytes: SafetensorsBytes, options?: LoadSafetensorsOptions | Engine): SafetensorsFile {
  const o = opts(options);
  const b = asBytes(bytes);
  const n = headerLength(b, b.byteLength);
  const header = parseHeader(b.subarray(8, 8 + n));
  const have = b.byteLength - 8 - n;
  for (const t of header.tensors) {
    if (t.end > have) throw new SafetensorsError(`safetensors: tensor ${t.name} data_offsets [${t.begin}, ${t.end}] lie outside the ${have}-byte data section`);
  }
  if (have > header.dataBytes) throw new SafetensorsError(`safetensors: ${have - header.dataBytes} bytes after the last tensor (the data section must be covered exactly)`);
  const w = new DataWriter(header, 8 + n, o.engine ?? getEngine(), o.onProgress, o.keep === 'f16');
  try {
    w.write(b.subarray(8 + n));
    return w.finish();
  } catch (e) {
    w.abort();
    throw e;
  }
}

/** Loads a state dict from .safetensors bytes, synchronously. */
export function loadSafetensorsSync(bytes: SafetensorsBytes, options?: LoadSafetensorsOptions | Engine): Record<string, Tensor> {
  return parseSafetensors(bytes, options).tensors;
}

/**
 * Reads a .safetensors file from a stream (a fetch Response, a ReadableStream or any async
 * iterable of byte chunks): the header first, then each tensor's bytes straight into its place in
 * wasm memory. Bytes are accepted too.
 */
export async function readSafetensors(source: SafetensorsBytes | SafetensorsStream, options?: LoadSafetensorsOptions | Engine): Promise<SafetensorsFile> {
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) return parseSafetensors(source, options);
  const o = opts(options);
  const chunks = openStream(source);
  let w: DataWriter | undefined;
  try {
    // Header: gather chunks until 8 + N bytes (N is checked as soon as 8 bytes are in).
    const head: Uint8Array[] = [];
    let got = 0;
    let n = -1;
    let rest: Uint8Array | undefined;
    for (;;) {
      const r = await chunks.next();
      if (r.done) {
        if (n < 0) headerLength(concat(head, got), got);
        throw new SafetensorsError(`safetensors: the stream ended after ${got} bytes, inside the ${n}-byte header`);
      }
      const c = chunkBytes(r.value);
      head.push(c);
      got += c.byteLength;
      if (n < 0 && got >= 8) n = headerLength(concat(head, 8));
      if (n >= 0 && got >= 8 + n) {
        const all = concat(head, got);
        rest = all.subarray(8 + n);
        w = new DataWriter(parseHeader(all.subarray(8, 8 + n)), 8 + n, o.engine ?? getEngine(), o.onProgress, o.keep === 'f16');
        break;
      }
    }
    w.write(rest);
    for (;;) {
      const r = await chunks.next();
      if (r.done) break;
      w.write(chunkBytes(r.value));
    }
    return w.finish();
  } catch (e) {
    w?.abort();
    await chunks.return?.().catch(() => undefined);
    throw e;
  }
}

/**
 * Loads a state dict (name -> Tensor) from a .safetensors file: synchronously from bytes, or
 * asynchronously (a Promise) from a fetch Response, a ReadableStream or an async iterable.
 */
export function loadSafetensors(source: SafetensorsBytes, options?: LoadSafetensorsOptions | Engine): Record<string, Tensor>;
export function loadSafetensors(source: SafetensorsStream, options?: LoadSafetensorsOptions | Engine): Promise<Record<string, Tensor>>;
export function loadSafetensors(
  source: SafetensorsBytes | SafetensorsStream,
  options?: LoadSafetensorsOptions | Engine,
): Record<string, Tensor> | Promise<Record<string, Tensor>>;
export function loadSafetensors(
  source: SafetensorsBytes | SafetensorsStream,
  options?: LoadSafetensorsOptions | Engine,
): Record<string, Tensor> | Promise<Record<string, Tensor>> {
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) return loadSafetensorsSync(source, options);
  return readSafetensors(source, options).then((f) => f.tensors);
}

/**
 * Serialises a state dict (e.g. `module.stateDict()`) to .safetensors bytes that
 * `safetensors.torch.load_file` reads. Tensors are stored by decreasing element size (8-byte,
 * 4-byte, 2-byte, 1-byte), in insertion order within a size. The bytes are a fresh
 * `Uint8Array<ArrayBuffer>` (not a view of wasm memory), usable as is as a `Response`/`Blob` body
 * or written to a file.
 */
export function saveSafetensors(stateDict: Record<string, Tensor>, options: SaveSafetensorsOptions = {}): Uint8Array<ArrayBuffer> {
  const floatDtype = options.floatDtype ?? 'F32';
  if (!['F32', 'F16', 'BF16'].includes(floatDtype)) throw new ArgumentError(`saveSafetensors: floatDtype must be 'F32', 'F16' or 'BF16', got ${JSON.stringify(floatDtype)}`);
  const items = Object.entries(stateDict).map(([name, t]) => {
    if (!(t instanceof Tensor)) throw new ArgumentError(`saveSafetensors: ${name} must be a Tensor, got ${describe(t)}`);
    t.ptr; // throws DisposedError with the shape if disposed
    const stDtype: StDType = t.dtype === 'float32' ? floatDtype : SAVE_DTYPE[t.dtype];
    return { name, t, stDtype, shape: t.shape };
  });
  items.sort((a, b) => ST_DTYPES[b.stDtype].size - ST_DTYPES[a.stDtype].size);
  const head = encodeHeader(items, options.metadata);
  const total = head.byteLength + items.reduce((a, it) => a + it.t.numel * ST_DTYPES[it.stDtype].size, 0);
  const out = new Uint8Array(total);
  out.set(head);
  let pos = head.byteLength;
  for (const { t, stDtype } of items) {
    const size = ST_DTYPES[stDtype].size;
    if (ST_DTYPES[stDtype].half && t.dtype === 'float32') {
      const bits = new Uint32Array(t.engine.memory.buffer, t.ptr, t.numel);
      const dv = new DataView(out.buffer, pos, t.numel * 2);
      const narrow = stDtype === 'F16' ? f32BitsToF16 : f32BitsToBf16;
      for (let i = 0; i < t.numel; i++) dv.setUint16(2 * i, narrow(bits[i]), true);
    } else {
      out.set(t.bytes(), pos);
    }
    pos += t.numel * size;
  }
  return out;
}

/** The arena block size of a request (alignment and tail padding included). */
function blockBytes(bytes: number): number {
  return Math.ceil(Math.max(bytes, 1) / ALIGN) * ALIGN + TAIL_PAD;
}

/**
 * Receives the data section in chunks of any size and writes each tensor in place. Created only
 * after the header is valid: it reserves all the memory at once (one grow, a typed
 * OutOfMemoryError before any tensor exists if it cannot), then allocates the tensors.
 */
class DataWriter {
  private readonly tensors: Tensor[] = [];
  private readonly entries: TensorEntry[];
  private i = 0;
  private pos = 0;
  private readonly totalBytes: number;

  constructor(
    private readonly header: Header,
    private readonly headBytes: number,
    private readonly engine: Engine,
    private readonly onProgress?: (p: SafetensorsProgress) => void,
    /** F16 tensors stay float16 (no widening). */
    private readonly keepF16 = false,
  ) {
    this.entries = header.tensors;
    this.totalBytes = headBytes + header.dataBytes;
    const outBytes = (e: TensorEntry) => e.numel * (this.halfOf(e) ? 4 : ST_DTYPES[e.stDtype].size);
    const need = this.entries.reduce((a, e) => a + blockBytes(outBytes(e)), 0);
    if (need > 0) engine.arena.free(engine.arena.alloc(need - TAIL_PAD));
    try {
      for (const e of this.entries) this.tensors.push(Tensor.empty(e.shape, this.keepF16 && e.stDtype === 'F16' ? 'float16' : (ST_DTYPES[e.stDtype].dtype as DType), engine));
    } catch (err) {
      this.abort();
      throw err;
    }
    this.skipEmpty();
    this.progress();
  }

  write(chunk: Uint8Array): void {
    let off = 0;
    while (off < chunk.byteLength) {
      if (this.i >= this.entries.length) {
        throw new SafetensorsError(`safetensors: more data than the header describes (the file should be ${this.totalBytes} bytes)`);
      }
      const e = this.entries[this.i];
      const n = Math.min(chunk.byteLength - off, e.end - this.pos);
      const half = this.halfOf(e);
      if (half) this.writeHalf(half, this.tensors[this.i], this.pos - e.begin, chunk, off, n);
      else this.tensors[this.i].bytes().set(chunk.subarray(off, off + n), this.pos - e.begin);
      off += n;
      this.pos += n;
      if (this.pos === e.end) {
        this.i++;
        this.skipEmpty();
      }
    }
    if (chunk.byteLength) this.progress();
  }

  /** The widening an entry needs on arrival (none for F16 kept as float16). */
  private halfOf(e: TensorEntry): 'f16' | 'bf16' | undefined {
    const h = ST_DTYPES[e.stDtype].half;
    return h === 'f16' && this.keepF16 ? undefined : h;
  }

  /** The tensors by name, once all the data has arrived. */
  finish(): SafetensorsFile {
    if (this.pos !== this.header.dataBytes) {
      throw new SafetensorsError(`safetensors: the data ended after ${this.headBytes + this.pos} of ${this.totalBytes} bytes (tensor ${this.entries[this.i].name} is incomplete)`);
    }
    const tensors: Record<string, Tensor> = {};
    this.entries.forEach((e, k) => Object.defineProperty(tensors, e.name, { value: this.tensors[k], enumerable: true, writable: true, configurable: true }));
    return { tensors, metadata: this.header.metadata };
  }

  /** Frees every tensor allocated so far. */
  abort(): void {
    for (const t of this.tensors) t.dispose();
    this.tensors.length = 0;
  }

  private skipEmpty(): void {
    while (this.i < this.entries.length && this.entries[this.i].end === this.pos) this.i++;
  }

  private progress(): void {
    this.onProgress?.({ loadedBytes: this.headBytes + this.pos, totalBytes: this.totalBytes, tensorsLoaded: this.i });
  }

  /**
   * F16/BF16: the file bytes are staged in the upper half of the tensor's own float32 block
   * (bytes [2n, 4n)), and every element complete so far is widened in place by one wasm call
   * (the kernels allow x = y + 2n). `byte` file bytes of this tensor were already written.
   */
  private writeHalf(kind: 'f16' | 'bf16', t: Tensor, byte: number, src: Uint8Array, off: number, n: number): void {
    const stage = t.ptr + 2 * t.numel;
    this.engine.arena.u8(stage + byte, n).set(src.subarray(off, off + n));
    const from = byte >> 1; // first element not widened yet (complete or not)
    const to = (byte + n) >> 1; // elements complete now
    if (to > from) {
      const k = this.engine.k;
      const cvt = kind === 'f16' ? k.f16_f32_vcvt_u8__wasmsimd_int32 : k.bf16_f32_vcvt_u8__wasmsimd;
      cvt(to - from, stage + 2 * from, t.ptr + 4 * from);
    }
  }
}

function chunkBytes(v: unknown): Uint8Array {
  if (v instanceof Uint8Array) return v;
  if (v instanceof ArrayBuffer) return new Uint8Array(v);
  if (ArrayBuffer.isView(v)) return new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  throw new ArgumentError(`safetensors: the stream yielded ${describe(v)}, expected Uint8Array chunks`);
}

/** The first `len` bytes of the chunks, as one array (the header only, never the data). */
function concat(parts: Uint8Array[], len: number): Uint8Array {
  if (parts.length === 1 && parts[0].byteLength >= len) return parts[0].subarray(0, len);
  const out = new Uint8Array(len);
  let p = 0;
  for (const c of parts) {
    if (p >= len) break;
    const take = Math.min(c.byteLength, len - p);
    out.set(c.subarray(0, take), p);
    p += take;
  }
  return out;
}

function openStream(source: SafetensorsStream): AsyncIterator<unknown> {
  if (typeof Response === 'function' && source instanceof Response) {
    if (!source.ok) throw new SafetensorsError(`safetensors: HTTP ${source.status} ${source.statusText} for ${source.url || 'the response'}`);
    if (source.bodyUsed) throw new ArgumentError('safetensors: the Response body was already read');
    if (!source.body) return emptyIterator();
    return readerIterator(source.body.getReader());
  }
  if (typeof ReadableStream === 'function' && source instanceof ReadableStream) return readerIterator(source.getReader());
  if (source && typeof (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator] === 'function') {
    return (source as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
  }
  throw new ArgumentError(`safetensors: expected bytes, a Response, a ReadableStream or an async iterable, got ${describe(source)}`);
}

function readerIterator(reader: ReadableStreamDefaultReader<Uint8Array>): AsyncIterator<unknown> {
  return {
    next: () => reader.read() as Promise<IteratorResult<unknown>>,
    return: async () => {
      await reader.cancel();
      return { done: true, value: undefined };
    },
  };
}

function emptyIterator(): AsyncIterator<unknown> {
  return { next: async () => ({ done: true, value: undefined }) };
}
