/**
 * The ONNX protobuf decoder (onnx/onnx.proto3, the fields simdnn reads): ModelProto, GraphProto,
 * NodeProto, AttributeProto (every type, sub-graphs included), TensorProto (raw_data and the
 * typed fields), ValueInfoProto (symbolic dims), opset_import. Unknown fields are skipped.
 *
 * Our own ~300 lines instead of protobufjs + onnx-proto: the generated decoder bundles to 123 KB
 * minified (21 KB gzip) and gives int64 as Long objects; this one is a few KB, bounds-checks every
 * length against its enclosing message (hostile files fail with the field named), and returns
 * raw_data as a subarray of the file (no copy before the bytes go into wasm memory).
 *
 * Element types are stored as the engine's dtypes: float16/bfloat16/double become float32,
 * int8/int16/uint16 int32, uint32/uint64 int64 (the file's name is kept in `onnxType`). Strings,
 * complex and float8 types are rejected with an OnnxError saying which.
 */
import type { DType } from '../tensor.js';
import { DTYPE_BYTES } from '../tensor.js';
import { OnnxError } from '../runtime/errors.js';
import { f16ToF32Bits } from '../io/half.js';
import { OnnxNode, type AttrValue, type Dim, type OnnxGraph, type OnnxTensorData, type ValueType } from './node.js';
import { Reader, WIRE_I32, WIRE_I64, WIRE_LEN, WIRE_VARINT } from './wire.js';

export interface OnnxModelProto {
  irVersion: number;
  producer: string;
  /** domain ('' for ai.onnx) -> version. */
  opsets: Map<string, number>;
  graph: OnnxGraph;
  metadata: Record<string, string>;
}

/** ONNX TensorProto.DataType numbers -> [file name, stored dtype or null when unsupported]. */
const ELEM: Record<number, [string, DType | null]> = {
  1: ['float32', 'float32'],
  2: ['uint8', 'uint8'],
  3: ['int8', 'int32'],
  4: ['uint16', 'int32'],
  5: ['int16', 'int32'],
  6: ['int32', 'int32'],
  7: ['int64', 'int64'],
  8: ['string', null],
  9: ['bool', 'bool'],
  10: ['float16', 'float32'],
  11: ['double', 'float32'],
  12: ['uint32', 'int64'],
  13: ['uint64', 'int64'],
  14: ['complex64', null],
  15: ['complex128', null],
  16: ['bfloat16', 'float32'],
  17: ['float8e4m3fn', null],
  18: ['float8e4m3fnuz', null],
  19: ['float8e5m2', null],
  20: ['float8e5m2fnuz', null],
  21: ['uint4', null],
  22: ['int4', null],
};

/** Bytes per element of each file type (as stored in raw_data). */
const FILE_BYTES: Record<string, number> = { float32: 4, uint8: 1, int8: 1, uint16: 2, int16: 2, int32: 4, int64: 8, bool: 1, float16: 2, double: 8, uint32: 4, uint64: 8, bfloat16: 2 };

/** The largest element count a tensor may declare (2^31 - 1: more cannot fit in wasm32 memory anyway). */
export const MAX_ELEMENTS = 2 ** 31 - 1;

/** [file type name, dtype] of a DataType number, or an error naming `where`. */
export function elemType(code: number, where: string): { onnxType: string; dtype: DType } {
  const e = ELEM[code];
  if (!e) throw new OnnxError(`onnx: ${where}: unknown data_type ${code}`);
  if (!e[1]) throw new OnnxError(`onnx: ${where}: dtype ${e[0]} is not supported (supported: float32, float16, bfloat16, double, int64, int32, int16, int8, uint8, uint16, uint32, uint64, bool)`);
  return { onnxType: e[0], dtype: e[1] };
}

/** Decodes a whole .onnx file. */
export function decodeModel(bytes: Uint8Array): OnnxModelProto {
  const r = new Reader(bytes, 'ModelProto');
  let irVersion = 0;
  let producer = '';
  const opsets = new Map<string, number>();
  let graph: OnnxGraph | null = null;
  const metadata: Record<string, string> = {};
  while (!r.done) {
    const [f, w] = r.tag();
    if (f === 1 && w === WIRE_VARINT) irVersion = r.varint('ir_version');
    else if (f === 2 && w === WIRE_LEN) producer = r.string('producer_name');
    else if (f === 8 && w === WIRE_LEN) {
      const m = r.message('opset_import', 'OperatorSetIdProto');
      let domain = '';
      let version = 1;
      while (!m.done) {
        const [g, v] = m.tag();
        if (g === 1 && v === WIRE_LEN) domain = m.string('domain');
        else if (g === 2 && v === WIRE_VARINT) version = m.varint('version');
        else m.skip(g, v);
      }
      opsets.set(normDomain(domain), version);
    } else if (f === 7 && w === WIRE_LEN) graph = decodeGraph(r.message('graph', 'GraphProto'));
    else if (f === 14 && w === WIRE_LEN) {
      const [k, v] = stringEntry(r.message('metadata_props', 'StringStringEntryProto'));
      metadata[k] = v;
    } else r.skip(f, w);
  }
  if (!graph) throw new OnnxError('onnx: ModelProto.graph is missing (not an ONNX model, or an empty file)');
  if (!opsets.has('')) opsets.set('', 1);
  return { irVersion, producer, opsets, graph, metadata };
}

function normDomain(d: string): string {
  return d === 'ai.onnx' ? '' : d;
}

function stringEntry(m: Reader): [string, string] {
  let k = '';
  let v = '';
  while (!m.done) {
    const [f, w] = m.tag();
    if (f === 1 && w === WIRE_LEN) k = m.string('key');
    else if (f === 2 && w === WIRE_LEN) v = m.string('value');
    else m.skip(f, w);
  }
  return [k, v];
}

export function decodeGraph(r: Reader): OnnxGraph {
  const g: OnnxGraph = { name: '', nodes: [], inputs: [], outputs: [], initializers: [] };
  const valueInfo: { name: string; type: ValueType | null }[] = [];
  while (!r.done) {
    const [f, w] = r.tag();
    if (w !== WIRE_LEN) {
      r.skip(f, w);
      continue;
    }
    if (f === 1) g.nodes.push(decodeNode(r.message('node', `GraphProto ${JSON.stringify(g.name)} node ${g.nodes.length}`)));
    else if (f === 2) g.name = r.string('name');
    else if (f === 5) g.initializers.push(decodeTensor(r.message('initializer', 'TensorProto')));
    else if (f === 11) g.inputs.push(decodeValueInfo(r.message('input', 'ValueInfoProto')));
    else if (f === 12) g.outputs.push(decodeValueInfo(r.message('output', 'ValueInfoProto')));
    else if (f === 13) valueInfo.push(decodeValueInfo(r.message('value_info', 'ValueInfoProto')));
    else if (f === 15) throw r.fail('sparse_initializer', 'sparse initializers are not supported');
    else r.skip(f, w);
  }
  if (valueInfo.length) g.valueInfo = valueInfo;
  return g;
}

function decodeNode(r: Reader): OnnxNode {
  const inputs: string[] = [];
  const outputs: string[] = [];
  let name = '';
  let opType = '';
  let domain = '';
  const attrs = new Map<string, AttrValue>();
  while (!r.done) {
    const [f, w] = r.tag();
    if (w !== WIRE_LEN) {
      r.skip(f, w);
      continue;
    }
    if (f === 1) inputs.push(r.string('input'));
    else if (f === 2) outputs.push(r.string('output'));
    else if (f === 3) name = r.string('name');
    else if (f === 4) opType = r.string('op_type');
    else if (f === 7) domain = r.string('domain');
    else if (f === 5) {
      const a = decodeAttr(r.message('attribute', `${r.what} attribute ${attrs.size}`));
      if (!a) continue; // a sparse-tensor or type-proto attribute: not readable by any op here
      if (attrs.has(a[0])) throw r.fail('attribute', `attribute ${JSON.stringify(a[0])} is given twice`);
      attrs.set(a[0], a[1]);
    } else r.skip(f, w);
  }
  if (!opType) throw new OnnxError(`onnx: ${r.what} (${JSON.stringify(name)}): op_type is empty`);
  return new OnnxNode(name, opType, normDomain(domain), inputs, outputs, attrs);
}

const ATTR_TYPES: Record<number, AttrValue['type']> = { 1: 'float', 2: 'int', 3: 'string', 4: 'tensor', 5: 'graph', 6: 'floats', 7: 'ints', 8: 'strings', 9: 'tensors', 10: 'graphs' };

/** An attribute, or null for the types no op reads (SPARSE_TENSOR(S), TYPE_PROTO(S)). */
function decodeAttr(r: Reader): [string, AttrValue] | null {
  let name = '';
  let type = 0;
  let f1: number | undefined;
  let i1: number | undefined;
  let s1: string | undefined;
  let t1: OnnxTensorData | undefined;
  let g1: OnnxGraph | undefined;
  const floats: number[] = [];
  const ints: number[] = [];
  const strings: string[] = [];
  const tensors: OnnxTensorData[] = [];
  const graphs: OnnxGraph[] = [];
  while (!r.done) {
    const [f, w] = r.tag();
    switch (f) {
      case 1: name = expectLen(r, w, 'name') && r.string('name'); break;
      case 20: type = r.varint('type'); break;
      case 2: f1 = r.float('f', w); break;
      case 3: i1 = r.varint('i'); break;
      case 4: s1 = expectLen(r, w, 's') && r.string('s'); break;
      case 5: t1 = expectLen(r, w, 't') && decodeTensor(r.message('t', 'TensorProto')); break;
      case 6: g1 = expectLen(r, w, 'g') && decodeGraph(r.message('g', 'GraphProto')); break;
      case 7: r.repeated('floats', w, WIRE_I32, floats); break;
      case 8: r.repeated('ints', w, WIRE_VARINT, ints); break;
      case 9: strings.push(expectLen(r, w, 'strings') && r.string('strings')); break;
      case 10: tensors.push(expectLen(r, w, 'tensors') && decodeTensor(r.message('tensors', 'TensorProto'))); break;
      case 11: graphs.push(expectLen(r, w, 'graphs') && decodeGraph(r.message('graphs', 'GraphProto'))); break;
      default: r.skip(f, w);
    }
  }
  const at = `attribute ${JSON.stringify(name)}`;
  // Old files (IR < 3) leave `type` unset: infer it from the field present.
  if (type === 0) {
    type = f1 !== undefined ? 1 : i1 !== undefined ? 2 : s1 !== undefined ? 3 : t1 ? 4 : g1 ? 5 : floats.length ? 6 : ints.length ? 7 : strings.length ? 8 : tensors.length ? 9 : graphs.length ? 10 : 0;
  }
  if (type === 11 || type === 12 || type === 13 || type === 14) return null;
  const kind = ATTR_TYPES[type];
  if (!kind) throw new OnnxError(`onnx: ${r.what}: ${at} has unknown type ${type}`);
  switch (kind) {
    case 'float': return [name, { type: kind, value: f1 ?? 0 }];
    case 'int': return [name, { type: kind, value: i1 ?? 0 }];
    case 'string': return [name, { type: kind, value: s1 ?? '' }];
    case 'tensor':
      if (!t1) throw new OnnxError(`onnx: ${r.what}: ${at} of type TENSOR has no tensor`);
      return [name, { type: kind, value: t1 }];
    case 'graph':
      if (!g1) throw new OnnxError(`onnx: ${r.what}: ${at} of type GRAPH has no graph`);
      return [name, { type: kind, value: g1 }];
    case 'floats': return [name, { type: kind, value: floats }];
    case 'ints': return [name, { type: kind, value: ints }];
    case 'strings': return [name, { type: kind, value: strings }];
    case 'tensors': return [name, { type: kind, value: tensors }];
    default: return [name, { type: 'graphs', value: graphs }];
  }
}

function expectLen(r: Reader, w: number, field: string): true {
  if (w !== WIRE_LEN) throw r.fail(field, `wire type ${w} where a length-delimited field was expected`);
  return true;
}

function decodeValueInfo(r: Reader): { name: string; type: ValueType | null } {
  let name = '';
  let type: ValueType | null = null;
  while (!r.done) {
    const [f, w] = r.tag();
    if (f === 1 && w === WIRE_LEN) name = r.string('name');
    else if (f === 2 && w === WIRE_LEN) type = decodeType(r.message('type', `ValueInfoProto ${JSON.stringify(name)}.type`));
    else r.skip(f, w);
  }
  return { name, type };
}

/** TypeProto: tensor types only (sequences, maps and optionals give null with onnxType saying so). */
function decodeType(r: Reader): ValueType | null {
  let out: ValueType | null = null;
  while (!r.done) {
    const [f, w] = r.tag();
    if (f === 1 && w === WIRE_LEN) {
      const t = r.message('tensor_type', r.what);
      let code = 0;
      let shape: Dim[] | null = null;
      while (!t.done) {
        const [g, v] = t.tag();
        if (g === 1 && v === WIRE_VARINT) code = t.varint('elem_type');
        else if (g === 2 && v === WIRE_LEN) shape = decodeShape(t.message('shape', r.what));
        else t.skip(g, v);
      }
      const e = ELEM[code];
      out = { dtype: e?.[1] ?? 'float32', shape, onnxType: e ? e[0] : code === 0 ? 'undefined' : `data_type ${code}` };
    } else if ((f === 4 || f === 5 || f === 9 || f === 8) && w === WIRE_LEN) {
      r.bytes('type');
      out = { dtype: 'float32', shape: null, onnxType: f === 4 ? 'sequence' : f === 5 ? 'map' : f === 9 ? 'optional' : 'sparse_tensor' };
    } else r.skip(f, w);
  }
  return out;
}

function decodeShape(r: Reader): Dim[] {
  const dims: Dim[] = [];
  while (!r.done) {
    const [f, w] = r.tag();
    if (f !== 1 || w !== WIRE_LEN) {
      r.skip(f, w);
      continue;
    }
    const d = r.message('dim', r.what);
    let dim: Dim = '?';
    while (!d.done) {
      const [g, v] = d.tag();
      if (g === 1 && v === WIRE_VARINT) dim = d.varint('dim_value');
      else if (g === 2 && v === WIRE_LEN) dim = d.string('dim_param') || '?';
      else d.skip(g, v);
    }
    if (typeof dim === 'number' && dim < 0) dim = '?';
    dims.push(dim);
  }
  return dims;
}

/** The fields of a TensorProto as read, before any check. */
export interface TensorFields {
  dims: number[];
  code: number;
  name: string;
  raw: Uint8Array | null;
  nums: number[];
  numField: number;
  location: number;
  ext: Record<string, string>;
  segment: boolean;
  strings: number;
}

/** Reads a TensorProto's fields. */
export function readTensorFields(r: Reader): TensorFields {
  const t: TensorFields = { dims: [], code: 0, name: '', raw: null, nums: [], numField: 0, location: 0, ext: {}, segment: false, strings: 0 };
  while (!r.done) {
    const [f, w] = r.tag();
    switch (f) {
      case 1: r.repeated('dims', w, WIRE_VARINT, t.dims); break;
      case 2: t.code = r.varint('data_type'); break;
      case 3: t.segment = true; r.skip(f, w); break;
      case 4: t.numField = 4; r.repeated('float_data', w, WIRE_I32, t.nums); break;
      case 5: t.numField = 5; r.repeated('int32_data', w, WIRE_VARINT, t.nums); break;
      case 6: t.strings++; r.skip(f, w); break;
      case 7: t.numField = 7; r.repeated('int64_data', w, WIRE_VARINT, t.nums); break;
      case 8: t.name = expectLen(r, w, 'name') && r.string('name'); break;
      case 9: t.raw = expectLen(r, w, 'raw_data') && r.bytes('raw_data'); break;
      case 10: t.numField = 10; r.repeated('double_data', w, WIRE_I64, t.nums); break;
      case 11: t.numField = 11; r.repeated('uint64_data', w, WIRE_VARINT, t.nums); break;
      case 13: {
        const [k, v] = stringEntry(r.message('external_data', 'StringStringEntryProto'));
        t.ext[k] = v;
        break;
      }
      case 14: t.location = r.varint('data_location'); break;
      default: r.skip(f, w);
    }
  }
  return t;
}

/** Bytes per element of a file type in raw_data. */
export function fileElementBytes(onnxType: string): number {
  return FILE_BYTES[onnxType];
}

/** Decodes a TensorProto (initializers, attribute values, test-data .pb files). */
export function decodeTensor(r: Reader): OnnxTensorData {
  return finishTensor(readTensorFields(r));
}

/** Checks the fields read and makes the tensor's data. */
export function finishTensor({ dims, code, name, raw, nums, numField, location, ext, segment, strings }: TensorFields): OnnxTensorData {
  const where = `TensorProto ${JSON.stringify(name)}`;
  if (segment) throw new OnnxError(`onnx: ${where}: segmented tensors are not supported`);
  const { onnxType, dtype } = elemType(code, `${where}.data_type`);
  const numel = checkDims(dims, where);
  if (strings) throw new OnnxError(`onnx: ${where}: string_data given for a ${onnxType} tensor`);
  if (location === 1) {
    const offset = ext.offset !== undefined ? Number(ext.offset) : 0;
    const length = ext.length !== undefined ? Number(ext.length) : null;
    if (!ext.location) throw new OnnxError(`onnx: ${where}: data_location is EXTERNAL but external_data has no "location"`);
    if (!(Number.isSafeInteger(offset) && offset >= 0) || (length !== null && !(Number.isSafeInteger(length) && length >= 0))) {
      throw new OnnxError(`onnx: ${where}: external_data offset ${ext.offset} / length ${ext.length} must be integers >= 0`);
    }
    const want = numel * FILE_BYTES[onnxType];
    if (length !== null && length !== want) throw new OnnxError(`onnx: ${where}: external_data length ${length} does not match dims [${dims.join(', ')}] of ${onnxType} (${want} bytes)`);
    return { name, dtype, dims, bytes: new Uint8Array(0), onnxType, external: { location: ext.location, offset, length: want } };
  }
  let bytes: Uint8Array;
  if (raw) {
    const want = numel * FILE_BYTES[onnxType];
    if (raw.byteLength !== want) throw new OnnxError(`onnx: ${where}.raw_data: ${raw.byteLength} bytes do not match dims [${dims.join(', ')}] of ${onnxType} (${want} bytes expected)`);
    bytes = fileBytesToDtype(onnxType, raw);
  } else {
    if (nums.length !== numel) {
      throw new OnnxError(`onnx: ${where}: ${nums.length} values in ${numField ? FIELD_NAMES[numField] : 'the data fields'} do not match dims [${dims.join(', ')}] (${numel} elements)`);
    }
    bytes = typedToBytes(onnxType, dtype, nums, where);
  }
  const t: OnnxTensorData = { name, dtype, dims, bytes };
  if (onnxType !== dtype) t.onnxType = onnxType;
  return t;
}

const FIELD_NAMES: Record<number, string> = { 4: 'float_data', 5: 'int32_data', 7: 'int64_data', 10: 'double_data', 11: 'uint64_data' };

/** Checks dims (integers >= 0, at most MAX_ELEMENTS elements) and returns the element count. */
export function checkDims(dims: readonly number[], where: string): number {
  let n = 1;
  for (const d of dims) {
    if (!Number.isSafeInteger(d) || d < 0) throw new OnnxError(`onnx: ${where}.dims [${dims.join(', ')}]: ${d} is not a size (sizes are integers >= 0)`);
    n *= d;
  }
  if (n > MAX_ELEMENTS) throw new OnnxError(`onnx: ${where}.dims [${dims.join(', ')}]: ${n} elements is more than the ${MAX_ELEMENTS} a tensor may hold`);
  return n;
}

/** Bytes in the file's element type -> bytes in the stored dtype (no copy when they are the same). */
export function fileBytesToDtype(onnxType: string, raw: Uint8Array): Uint8Array {
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const size = FILE_BYTES[onnxType];
  const n = raw.byteLength / size;
  switch (onnxType) {
    case 'float32': case 'uint8': case 'int32': case 'int64': case 'bool':
      return raw;
    case 'float16': case 'bfloat16': {
      const out = new Uint32Array(n);
      const bf = onnxType === 'bfloat16';
      for (let i = 0; i < n; i++) {
        const h = dv.getUint16(2 * i, true);
        out[i] = bf ? (h << 16) >>> 0 : f16ToF32Bits(h);
      }
      return new Uint8Array(out.buffer);
    }
    case 'double': {
      const out = new Float32Array(n);
      for (let i = 0; i < n; i++) out[i] = dv.getFloat64(8 * i, true);
      return new Uint8Array(out.buffer);
    }
    case 'int8': case 'int16': case 'uint16': {
      const out = new Int32Array(n);
      for (let i = 0; i < n; i++) out[i] = onnxType === 'int8' ? dv.getInt8(i) : onnxType === 'int16' ? dv.getInt16(2 * i, true) : dv.getUint16(2 * i, true);
      return new Uint8Array(out.buffer);
    }
    case 'uint32': {
      const out = new BigInt64Array(n);
      for (let i = 0; i < n; i++) out[i] = BigInt(dv.getUint32(4 * i, true));
      return new Uint8Array(out.buffer);
    }
    default: // uint64: values past int64 wrap (as a reinterpretation)
      return raw;
  }
}

/** An int64 from a varint-decoded number, saturating at the int64 range (INT64_MAX appears as 'to the end' in Slice). */
export function toInt64(v: number): bigint {
  if (v >= 9223372036854775807) return 9223372036854775807n;
  if (v <= -9223372036854775808) return -9223372036854775808n;
  return BigInt(Math.trunc(v));
}

function typedToBytes(onnxType: string, dtype: DType, nums: number[], where: string): Uint8Array {
  const n = nums.length;
  const out = new Uint8Array(n * DTYPE_BYTES[dtype]);
  const dv = new DataView(out.buffer);
  for (let i = 0; i < n; i++) {
    const v = nums[i];
    switch (dtype) {
      case 'float32':
        if (onnxType === 'float16') dv.setUint32(4 * i, f16ToF32Bits(v & 0xffff), true);
        else if (onnxType === 'bfloat16') dv.setUint32(4 * i, ((v & 0xffff) << 16) >>> 0, true);
        else dv.setFloat32(4 * i, v, true);
        break;
      case 'int32':
        dv.setInt32(4 * i, onnxType === 'int8' ? (v << 24) >> 24 : onnxType === 'int16' ? (v << 16) >> 16 : v, true);
        break;
      case 'int64':
        dv.setBigInt64(8 * i, toInt64(v), true);
        break;
      case 'uint8':
      case 'bool':
        out[i] = dtype === 'bool' ? (v ? 1 : 0) : v & 0xff;
        break;
      default:
        throw new OnnxError(`onnx: ${where}: cannot store ${onnxType}`);
    }
  }
  return out;
}

/** Decodes one TensorProto file (the backend tests' input_N.pb / output_N.pb). */
export function decodeTensorFile(bytes: Uint8Array): OnnxTensorData {
  return decodeTensor(new Reader(bytes, 'TensorProto'));
}
