/**
 * Decoding a .onnx file as it streams in, so a model's weights are never held twice: every
 * initializer of STREAM_MIN_BYTES or more has its raw_data written straight into its tensor's
 * wasm memory chunk by chunk (float16/bfloat16 staged in the upper half of the float32 block and
 * widened in place by the wasm kernels); everything else (nodes, small constants, value infos) is
 * gathered and decoded by proto.ts. Peak memory is the weights plus one chunk plus the small
 * fields. A raw_data that comes before its dims/data_type (non-canonical field order) is gathered.
 * On any error the tensors made so far are freed.
 */
import { Tensor } from '../tensor.js';
import type { Engine } from '../runtime/engine.js';
import { OnnxError } from '../runtime/errors.js';
import type { OnnxTensorData } from './node.js';
import { checkDims, decodeModel, elemType, fileBytesToDtype, fileElementBytes, finishTensor, readTensorFields, type OnnxModelProto } from './proto.js';
import { Reader } from './wire.js';

/** Initializers at least this large are streamed into wasm memory. */
export const STREAM_MIN_BYTES = 64 * 1024;

/** Pulls bytes from async chunks with a one-chunk look-ahead; `pos` counts bytes consumed. */
export class ByteStream {
  private chunk: Uint8Array = new Uint8Array(0);
  private off = 0;
  pos = 0;

  constructor(
    private readonly next: () => Promise<Uint8Array | null>,
    private readonly onChunk?: (pos: number) => void,
  ) {}

  /** True at the end of the stream. */
  async atEnd(): Promise<boolean> {
    return this.off >= this.chunk.byteLength && !(await this.fill());
  }

  private async fill(): Promise<boolean> {
    while (this.off >= this.chunk.byteLength) {
      const c = await this.next();
      if (!c) return false;
      this.chunk = c;
      this.off = 0;
      this.onChunk?.(this.pos + c.byteLength);
    }
    return true;
  }

  private truncated(what: string): OnnxError {
    return new OnnxError(`onnx: ${what}: the file ends after ${this.pos} bytes (truncated)`);
  }

  /** The bytes of one varint, as in the file. */
  async varintBytes(what: string): Promise<number[]> {
    const out: number[] = [];
    for (;;) {
      if (this.off >= this.chunk.byteLength && !(await this.fill())) throw this.truncated(what);
      const b = this.chunk[this.off++];
      this.pos++;
      out.push(b);
      if (b < 0x80) return out;
      if (out.length >= 10) throw new OnnxError(`onnx: ${what}: varint longer than 10 bytes (at byte ${this.pos})`);
    }
  }

  async varint(what: string): Promise<number> {
    return new Reader(new Uint8Array(await this.varintBytes(what)), what).varint(what);
  }

  /** Feeds the next n bytes to sink(bytes, offset) chunk by chunk (no gathering). */
  async pipe(n: number, what: string, sink: (b: Uint8Array, at: number) => void): Promise<void> {
    let done = 0;
    while (done < n) {
      if (this.off >= this.chunk.byteLength && !(await this.fill())) throw this.truncated(what);
      const k = Math.min(n - done, this.chunk.byteLength - this.off);
      sink(this.chunk.subarray(this.off, this.off + k), done);
      this.off += k;
      this.pos += k;
      done += k;
    }
  }

  /** The next n bytes, gathered into one array. */
  async take(n: number, what: string): Promise<Uint8Array> {
    const out = new Uint8Array(n);
    await this.pipe(n, what, (b, at) => out.set(b, at));
    return out;
  }
}

const enc = (v: number) => {
  const out: number[] = [];
  do {
    let b = v % 128;
    v = Math.floor(v / 128);
    if (v) b |= 0x80;
    out.push(b);
  } while (v);
  return out;
};

function cat(parts: (Uint8Array | number[])[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((a, p) => a + p.length, 0));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

/** Copies one field (its tag already read as `tagBytes`) as file bytes; LEN payloads must end by `end`. */
async function copyField(s: ByteStream, tagBytes: number[], wire: number, end: number, what: string): Promise<Uint8Array> {
  if (wire === 0) return cat([tagBytes, await s.varintBytes(what)]);
  if (wire === 1 || wire === 5) return cat([tagBytes, await s.take(wire === 1 ? 8 : 4, what)]);
  if (wire !== 2) throw new OnnxError(`onnx: ${what}: unsupported wire type ${wire} (at byte ${s.pos})`);
  const lenBytes = await s.varintBytes(what);
  const n = new Reader(new Uint8Array(lenBytes), what).varint(what);
  if (s.pos + n > end) throw new OnnxError(`onnx: ${what}: length ${n} runs past the end of the message (${end - s.pos} bytes left)`);
  return cat([tagBytes, lenBytes, await s.take(n, what)]);
}

async function readTag(s: ByteStream, what: string): Promise<[number[], number, number]> {
  const tb = await s.varintBytes(what);
  const t = new Reader(new Uint8Array(tb), what).varint(what);
  return [tb, Math.floor(t / 8), t & 7];
}

/** Decodes a model from a stream; large initializers land in wasm memory as they arrive. */
export async function decodeModelStream(s: ByteStream, engine: Engine): Promise<OnnxModelProto> {
  const streamed: OnnxTensorData[] = [];
  try {
    const top: Uint8Array[] = [];
    while (!(await s.atEnd())) {
      const [tb, f, w] = await readTag(s, 'ModelProto');
      if (f === 7 && w === 2) {
        const n = await s.varint('ModelProto.graph');
        const g = await streamGraph(s, s.pos + n, engine, streamed);
        top.push(cat([tb, enc(g.byteLength), g]));
      } else top.push(await copyField(s, tb, w, Infinity, 'ModelProto'));
    }
    const proto = decodeModel(cat(top));
    const names = new Set(proto.graph.initializers.map((t) => t.name));
    for (const t of streamed) {
      if (names.has(t.name)) throw new OnnxError(`onnx: graph ${JSON.stringify(proto.graph.name)}: initializer ${JSON.stringify(t.name)} is given twice`);
      names.add(t.name);
      proto.graph.initializers.push(t);
    }
    return proto;
  } catch (e) {
    for (const t of streamed) t.preloaded?.dispose();
    throw e;
  }
}

/** The main GraphProto without its large initializers (those go to `streamed`). */
async function streamGraph(s: ByteStream, end: number, engine: Engine, streamed: OnnxTensorData[]): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  while (s.pos < end) {
    const [tb, f, w] = await readTag(s, 'GraphProto');
    if (f === 5 && w === 2) {
      const lenBytes = await s.varintBytes('GraphProto.initializer');
      const n = new Reader(new Uint8Array(lenBytes), 'GraphProto.initializer').varint('initializer');
      if (s.pos + n > end) throw new OnnxError(`onnx: GraphProto.initializer: length ${n} runs past the end of the message (${end - s.pos} bytes left)`);
      if (n >= STREAM_MIN_BYTES) {
        streamed.push(await streamTensor(s, s.pos + n, engine));
        continue;
      }
      parts.push(cat([tb, lenBytes, await s.take(n, 'GraphProto.initializer')]));
    } else parts.push(await copyField(s, tb, w, end, 'GraphProto'));
  }
  if (s.pos !== end) throw new OnnxError(`onnx: GraphProto: a field runs ${s.pos - end} bytes past the end of the graph`);
  return cat(parts);
}

/** One TensorProto whose raw_data goes straight into a new tensor's memory. */
async function streamTensor(s: ByteStream, end: number, engine: Engine): Promise<OnnxTensorData> {
  const head: Uint8Array[] = [];
  let t: Tensor | null = null;
  try {
    while (s.pos < end) {
      const [tb, f, w] = await readTag(s, 'TensorProto');
      if (f !== 9 || w !== 2 || t) {
        if (f === 9 && t) throw new OnnxError('onnx: TensorProto.raw_data is given twice');
        head.push(await copyField(s, tb, w, end, 'TensorProto'));
        continue;
      }
      const n = await s.varint('TensorProto.raw_data');
      if (s.pos + n > end) throw new OnnxError(`onnx: TensorProto.raw_data: length ${n} runs past the end of the message (${end - s.pos} bytes left)`);
      const fields = readTensorFields(new Reader(cat(head), 'TensorProto'));
      if (!fields.code) {
        head.push(cat([tb, enc(n), await s.take(n, 'TensorProto.raw_data')])); // dims/type come later: gather
        continue;
      }
      const where = `TensorProto ${JSON.stringify(fields.name)}`;
      const { onnxType, dtype } = elemType(fields.code, `${where}.data_type`);
      const numel = checkDims(fields.dims, where);
      const want = numel * fileElementBytes(onnxType);
      if (n !== want) throw new OnnxError(`onnx: ${where}.raw_data: ${n} bytes do not match dims [${fields.dims.join(', ')}] of ${onnxType} (${want} bytes expected)`);
      t = Tensor.empty(fields.dims, dtype, engine);
      await fillTensor(s, t, onnxType, n);
    }
    const fields = readTensorFields(new Reader(cat(head), 'TensorProto'));
    if (!t) return finishTensor(fields);
    if (fields.nums.length || fields.location) throw new OnnxError(`onnx: TensorProto ${JSON.stringify(fields.name)}: raw_data together with typed or external data`);
    const d: OnnxTensorData = { name: fields.name, dtype: t.dtype, dims: t.shape.slice(), bytes: new Uint8Array(0), preloaded: t };
    const { onnxType } = elemType(fields.code, 'TensorProto.data_type');
    if (onnxType !== t.dtype) d.onnxType = onnxType;
    return d;
  } catch (e) {
    t?.dispose();
    throw e;
  }
}

/** Streams n file bytes of `onnxType` into t (same dtype: in place; f16/bf16: staged and widened in wasm). */
async function fillTensor(s: ByteStream, t: Tensor, onnxType: string, n: number): Promise<void> {
  const e = t.engine;
  if (onnxType === t.dtype) return s.pipe(n, 'TensorProto.raw_data', (b, at) => e.arena.u8(t.ptr + at, b.byteLength).set(b));
  if (onnxType === 'float16' || onnxType === 'bfloat16') {
    const stage = t.ptr + 2 * t.numel;
    const cvt = onnxType === 'float16' ? e.k.f16_f32_vcvt_u8__wasmsimd_int32 : e.k.bf16_f32_vcvt_u8__wasmsimd;
    return s.pipe(n, 'TensorProto.raw_data', (b, at) => {
      e.arena.u8(stage + at, b.byteLength).set(b);
      const from = at >> 1; // first element not widened yet
      const to = (at + b.byteLength) >> 1; // elements complete now
      if (to > from) cvt(to - from, stage + 2 * from, t.ptr + 4 * from);
    });
  }
  // Other conversions (double, int8, ...) are gathered per tensor and converted in JS.
  const raw = await s.take(n, 'TensorProto.raw_data');
  t.bytes().set(fileBytesToDtype(onnxType, raw));
}
