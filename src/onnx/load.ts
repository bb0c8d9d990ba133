/**
 * Loading .onnx files: `loadOnnxSync(bytes)` and `await loadOnnx(source, options)` where source
 * is bytes, a fetch Response, a ReadableStream, a URL (fetched; file: URLs and paths are read
 * with node:fs where the runtime has it) or a path. External data (data_location = EXTERNAL)
 * comes from `options.externalData`: a map location -> bytes | Response, or a resolver callback;
 * for a URL or path source, locations the map does not name are read next to the model.
 * Decoding and validation happen before any wasm memory is taken; on any error what was
 * allocated is freed and the error is an OnnxError naming the field and node.
 */
import { getEngine, type Engine } from '../runtime/engine.js';
import { ArgumentError, OnnxError } from '../runtime/errors.js';
import type { OnnxGraph, OnnxTensorData } from './node.js';
import { decodeModel, fileBytesToDtype } from './proto.js';
import { ByteStream, decodeModelStream } from './stream.js';
import { compileGraph } from './compile.js';
import { OnnxModel } from './model.js';

export interface OnnxProgress {
  /** Bytes of the model file read so far. */
  loadedBytes: number;
  /** Size of the file when known (Content-Length, bytes), else 0. */
  totalBytes: number;
  /** 'read' while the file arrives, 'compile' once it is decoded and its weights go into wasm memory, 'done'. */
  phase: 'read' | 'compile' | 'done';
}

export type ExternalBytes = Uint8Array | ArrayBuffer;
export type ExternalSource = ExternalBytes | Response;
export type ExternalResolver = (location: string) => ExternalSource | Promise<ExternalSource>;

export interface LoadOnnxOptions {
  onProgress?: (p: OnnxProgress) => void;
  /** External weights: location (as the model names it) -> bytes | Response, or a resolver. */
  externalData?: Record<string, ExternalSource> | ExternalResolver;
  /** The engine whose memory holds the weights (default: the current one). */
  engine?: Engine;
}

export type OnnxSource = Uint8Array | ArrayBuffer | Response | ReadableStream<Uint8Array> | URL | string;

function asBytes(b: unknown, what: string): Uint8Array {
  if (b instanceof Uint8Array) return b;
  if (b instanceof ArrayBuffer) return new Uint8Array(b);
  if (ArrayBuffer.isView(b)) return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  throw new ArgumentError(`onnx: ${what} must be a Uint8Array or ArrayBuffer, got ${b === null ? 'null' : typeof b === 'object' ? b.constructor?.name : typeof b}`);
}

/** Every tensor with external data, in the graph, its attributes and sub-graphs. */
function externalTensors(g: OnnxGraph, out: OnnxTensorData[] = []): OnnxTensorData[] {
  for (const t of g.initializers) if (t.external) out.push(t);
  for (const n of g.nodes) {
    for (const a of n.attrs.values()) {
      if (a.type === 'tensor' && a.value.external) out.push(a.value);
      else if (a.type === 'tensors') out.push(...a.value.filter((t) => t.external));
      else if (a.type === 'graph') externalTensors(a.value, out);
      else if (a.type === 'graphs') a.value.forEach((sg) => externalTensors(sg, out));
    }
  }
  return out;
}

function locations(ext: OnnxTensorData[]): string[] {
  return [...new Set(ext.map((t) => t.external!.location))];
}

/** Fills every external tensor from the bytes of its file, checking the ranges; returns the bytes of the files. */
function fillExternal(ext: OnnxTensorData[], files: Map<string, Uint8Array>): number {
  for (const t of ext) {
    const { location, offset, length } = t.external!;
    const file = files.get(location)!;
    const n = length ?? file.byteLength - offset;
    if (offset + n > file.byteLength) throw new OnnxError(`onnx: TensorProto ${JSON.stringify(t.name)}: external data ${location} [${offset}, ${offset + n}) lies past the end of the ${file.byteLength}-byte file`);
    t.bytes = fileBytesToDtype(t.onnxType ?? t.dtype, file.subarray(offset, offset + n));
  }
  let total = 0;
  for (const f of files.values()) total += f.byteLength;
  return total;
}

function checkLocation(location: string): void {
  if (location.includes('..') || location.startsWith('/') || /^[a-z]+:/i.test(location)) {
    throw new OnnxError(`onnx: external data location ${JSON.stringify(location)} must be a relative path inside the model's directory`);
  }
}

/** Loads a model from its bytes, synchronously (external data only as bytes in options.externalData). */
export function loadOnnxSync(bytes: Uint8Array | ArrayBuffer, options: LoadOnnxOptions = {}): OnnxModel {
  const b = asBytes(bytes, 'loadOnnxSync(bytes)');
  const engine = options.engine ?? getEngine();
  const proto = decodeModel(b);
  const ext = externalTensors(proto.graph);
  const files = new Map<string, Uint8Array>();
  if (ext.length) {
    const map = options.externalData;
    if (!map || typeof map === 'function') throw new OnnxError(`onnx: the model has external data (${ext[0].external!.location}): loadOnnxSync needs options.externalData as a map of bytes (or use loadOnnx)`);
    for (const loc of locations(ext)) {
      const src = Object.prototype.hasOwnProperty.call(map, loc) ? map[loc] : undefined;
      if (src === undefined) throw new OnnxError(`onnx: external data ${JSON.stringify(loc)} is not in options.externalData`);
      files.set(loc, asBytes(src, `externalData[${JSON.stringify(loc)}]`));
    }
  }
  const extra = fillExternal(ext, files);
  options.onProgress?.({ loadedBytes: b.byteLength, totalBytes: b.byteLength, phase: 'compile' });
  const m = new OnnxModel(compileGraph(proto.graph, proto.opsets, engine), proto, b.byteLength + extra);
  options.onProgress?.({ loadedBytes: b.byteLength, totalBytes: b.byteLength, phase: 'done' });
  return m;
}

/**
 * Loads a model from bytes, a Response, a ReadableStream, a URL or a path (Node, Deno, Bun).
 * Streams (and files, where the runtime can stream them) are decoded as they arrive, large
 * initializers written straight into wasm memory (stream.ts): the file is never held whole.
 */
export async function loadOnnx(source: OnnxSource, options: LoadOnnxOptions = {}): Promise<OnnxModel> {
  const engine = options.engine ?? getEngine();
  const onProgress = options.onProgress;
  const src = await openSource(source);
  let proto: ReturnType<typeof decodeModel>;
  let fileBytes: number;
  if (src.bytes) {
    proto = decodeModel(src.bytes);
    fileBytes = src.bytes.byteLength;
    onProgress?.({ loadedBytes: fileBytes, totalBytes: fileBytes, phase: 'read' });
  } else {
    const reader = src.stream!.getReader();
    const bs = new ByteStream(
      async () => {
        const r = await reader.read();
        return r.done ? null : asBytes(r.value, 'a stream chunk');
      },
      (pos) => onProgress?.({ loadedBytes: pos, totalBytes: src.total, phase: 'read' }),
    );
    try {
      proto = await decodeModelStream(bs, engine);
    } catch (e) {
      await reader.cancel().catch(() => undefined);
      throw e;
    }
    fileBytes = bs.pos;
  }
  try {
    const ext = externalTensors(proto.graph);
    const files = new Map<string, Uint8Array>();
    for (const loc of locations(ext)) files.set(loc, await externalFile(loc, options.externalData, src.base));
    const extra = fillExternal(ext, files);
    onProgress?.({ loadedBytes: fileBytes, totalBytes: fileBytes, phase: 'compile' });
    const m = new OnnxModel(compileGraph(proto.graph, proto.opsets, engine), proto, fileBytes + extra);
    onProgress?.({ loadedBytes: fileBytes, totalBytes: fileBytes, phase: 'done' });
    return m;
  } catch (e) {
    for (const t of proto.graph.initializers) t.preloaded?.dispose(); // the ones compile did not take over
    throw e;
  }
}

async function externalFile(loc: string, ext: LoadOnnxOptions['externalData'], base: URL | string | null): Promise<Uint8Array> {
  let src: ExternalSource | undefined;
  if (typeof ext === 'function') src = await ext(loc);
  else if (ext && Object.prototype.hasOwnProperty.call(ext, loc)) src = ext[loc];
  if (src === undefined) {
    if (base === null) throw new OnnxError(`onnx: external data ${JSON.stringify(loc)} is not in options.externalData`);
    checkLocation(loc);
    return readAll(await openSource(typeof base === 'string' ? joinPath(base, loc) : new URL(loc, base)));
  }
  if (typeof Response === 'function' && src instanceof Response) return readAll(await openSource(src));
  return asBytes(src, `externalData[${JSON.stringify(loc)}]`);
}

function joinPath(file: string, loc: string): string {
  const cut = Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\'));
  return cut >= 0 ? file.slice(0, cut + 1) + loc : loc;
}

interface NodeFs {
  promises: { readFile(p: string | URL): Promise<Uint8Array> };
  openAsBlob?(p: string | URL): Promise<Blob>;
}

function nodeFs(): NodeFs | null {
  const p = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return (p?.getBuiltinModule?.('node:fs') as NodeFs | undefined) ?? null;
}

interface Opened {
  bytes?: Uint8Array;
  stream?: ReadableStream<Uint8Array>;
  /** Announced size (Content-Length, file size), 0 when unknown. */
  total: number;
  /** Where relative external data lives (a URL, a path, or null). */
  base: URL | string | null;
}

/** Opens a source: bytes as they are, everything else as a stream. */
async function openSource(source: OnnxSource): Promise<Opened> {
  if (source instanceof Uint8Array || source instanceof ArrayBuffer) return { bytes: asBytes(source, 'source'), total: 0, base: null };
  if (typeof source === 'string' || source instanceof URL) {
    const url = typeof source === 'string' && /^(https?|blob|data):/i.test(source) ? new URL(source) : source;
    if (url instanceof URL && url.protocol !== 'file:') return { ...(await openSource(await fetch(url))), base: url };
    const fs = nodeFs();
    if (!fs) throw new ArgumentError(`onnx: cannot read ${String(source)}: this runtime has no file system (pass bytes, a Response or a URL to fetch)`);
    try {
      if (fs.openAsBlob) {
        const blob = await fs.openAsBlob(url);
        return { stream: blob.stream(), total: blob.size, base: url };
      }
      return { bytes: await fs.promises.readFile(url), total: 0, base: url };
    } catch (e) {
      throw new OnnxError(`onnx: cannot read ${String(source)}: ${(e as Error).message}`);
    }
  }
  if (typeof Response === 'function' && source instanceof Response) {
    if (!source.ok) throw new OnnxError(`onnx: HTTP ${source.status} ${source.statusText} for ${source.url || 'the response'}`);
    if (source.bodyUsed) throw new ArgumentError('onnx: the Response body was already read');
    const total = Number(source.headers.get('content-length') ?? 0) || 0;
    return source.body ? { stream: source.body, total, base: null } : { bytes: new Uint8Array(0), total: 0, base: null };
  }
  if (typeof ReadableStream === 'function' && source instanceof ReadableStream) return { stream: source, total: 0, base: null };
  throw new ArgumentError(`onnx: the source must be bytes, a Response, a ReadableStream, a URL or a path, got ${source === null ? 'null' : typeof source}`);
}

/** The whole content of an opened source (external data files). */
async function readAll(src: Opened): Promise<Uint8Array> {
  if (src.bytes) return src.bytes;
  let buf = new Uint8Array(src.total);
  let got = 0;
  const reader = src.stream!.getReader();
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    const c = asBytes(r.value, 'a stream chunk');
    if (got + c.byteLength > buf.byteLength) {
      const nb = new Uint8Array(Math.max(buf.byteLength * 2, got + c.byteLength));
      nb.set(buf.subarray(0, got));
      buf = nb;
    }
    buf.set(c, got);
    got += c.byteLength;
  }
  return buf.subarray(0, got);
}
