/**
 * A tiny protobuf encoder for hand-made ONNX models in tests (independent of src/onnx: field
 * numbers written out from onnx.proto3). Messages are byte arrays; fields are appended in order.
 */
type Bytes = Uint8Array;

export const FLOAT = 1, UINT8 = 2, INT8 = 3, INT32 = 6, INT64 = 7, STRING = 8, BOOL = 9, FLOAT16 = 10, DOUBLE = 11, BFLOAT16 = 16;

export function varint(v: number | bigint): number[] {
  let x = BigInt.asUintN(64, BigInt(v));
  const out: number[] = [];
  do {
    let b = Number(x & 0x7fn);
    x >>= 7n;
    if (x) b |= 0x80;
    out.push(b);
  } while (x);
  return out;
}

export function cat(...parts: (Bytes | number[])[]): Bytes {
  const n = parts.reduce((a, p) => a + p.length, 0);
  const out = new Uint8Array(n);
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

const tag = (f: number, w: number) => varint(f * 8 + w);
export const vInt = (f: number, v: number | bigint) => cat(tag(f, 0), varint(v));
export const vLen = (f: number, b: Bytes | number[]) => cat(tag(f, 2), varint(b.length), b);
export const vStr = (f: number, s: string) => vLen(f, new TextEncoder().encode(s));
export const vF32 = (f: number, v: number) => {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, v, true);
  return cat(tag(f, 5), b);
};
export const packed = (f: number, vals: (number | bigint)[]) => vLen(f, vals.flatMap((v) => varint(v)));
export const packedF32 = (f: number, vals: number[]) => vLen(f, new Uint8Array(new Float32Array(vals).buffer));

export interface TensorSpec {
  name?: string;
  dims: number[];
  type: number;
  raw?: Bytes;
  floats?: number[];
  int32s?: number[];
  int64s?: (number | bigint)[];
  external?: { location: string; offset?: number; length?: number };
}

export function tensor(t: TensorSpec): Bytes {
  const parts: Bytes[] = [];
  if (t.dims.length) parts.push(packed(1, t.dims));
  parts.push(vInt(2, t.type));
  if (t.name !== undefined) parts.push(vStr(8, t.name));
  if (t.floats) parts.push(packedF32(4, t.floats));
  if (t.int32s) parts.push(packed(5, t.int32s));
  if (t.int64s) parts.push(packed(7, t.int64s));
  if (t.raw) parts.push(vLen(9, t.raw));
  if (t.external) {
    const kv = (k: string, v: string) => vLen(13, cat(vStr(1, k), vStr(2, v)));
    parts.push(kv('location', t.external.location));
    if (t.external.offset !== undefined) parts.push(kv('offset', String(t.external.offset)));
    if (t.external.length !== undefined) parts.push(kv('length', String(t.external.length)));
    parts.push(vInt(14, 1));
  }
  return cat(...parts);
}

export const f32raw = (v: number[]) => new Uint8Array(new Float32Array(v).buffer);
export const i64raw = (v: number[]) => new Uint8Array(BigInt64Array.from(v, (x) => BigInt(x)).buffer);

/** AttributeProto: name + typed value (type numbers from AttributeProto.AttributeType). */
export const attr = {
  float: (name: string, v: number) => cat(vStr(1, name), vF32(2, v), vInt(20, 1)),
  int: (name: string, v: number | bigint) => cat(vStr(1, name), vInt(3, v), vInt(20, 2)),
  string: (name: string, v: string) => cat(vStr(1, name), vStr(4, v), vInt(20, 3)),
  tensor: (name: string, t: Bytes) => cat(vStr(1, name), vLen(5, t), vInt(20, 4)),
  graph: (name: string, g: Bytes) => cat(vStr(1, name), vLen(6, g), vInt(20, 5)),
  floats: (name: string, v: number[]) => cat(vStr(1, name), packedF32(7, v), vInt(20, 6)),
  ints: (name: string, v: (number | bigint)[]) => cat(vStr(1, name), packed(8, v), vInt(20, 7)),
  strings: (name: string, v: string[]) => cat(vStr(1, name), ...v.map((s) => vStr(9, s)), vInt(20, 8)),
  tensors: (name: string, v: Bytes[]) => cat(vStr(1, name), ...v.map((t) => vLen(10, t)), vInt(20, 9)),
  graphs: (name: string, v: Bytes[]) => cat(vStr(1, name), ...v.map((g) => vLen(11, g)), vInt(20, 10)),
};

export function node(opType: string, inputs: string[], outputs: string[], attrs: Bytes[] = [], name = '', domain?: string): Bytes {
  return cat(...inputs.map((i) => vStr(1, i)), ...outputs.map((o) => vStr(2, o)), vStr(3, name), vStr(4, opType), ...(domain !== undefined ? [vStr(7, domain)] : []), ...attrs.map((a) => vLen(5, a)));
}

/** ValueInfoProto of a tensor: dims are sizes or symbolic names. */
export function value(name: string, elemType: number, dims: (number | string)[] | null): Bytes {
  const shape = dims ? vLen(2, cat(...dims.map((d) => vLen(1, typeof d === 'number' ? vInt(1, d) : vStr(2, d))))) : new Uint8Array(0);
  return cat(vStr(1, name), vLen(2, vLen(1, cat(vInt(1, elemType), shape))));
}

export interface GraphSpec {
  name?: string;
  nodes: Bytes[];
  inputs?: Bytes[];
  outputs: Bytes[];
  initializers?: Bytes[];
}

export function graph(g: GraphSpec): Bytes {
  return cat(...g.nodes.map((n) => vLen(1, n)), vStr(2, g.name ?? 'g'), ...(g.initializers ?? []).map((t) => vLen(5, t)), ...(g.inputs ?? []).map((i) => vLen(11, i)), ...g.outputs.map((o) => vLen(12, o)));
}

export function model(g: Bytes, opset = 17, extraOpsets: [string, number][] = []): Bytes {
  const op = (d: string, v: number) => vLen(8, cat(vStr(1, d), vInt(2, v)));
  return cat(vInt(1, 8), vStr(2, 'simdnn-test'), op('', opset), ...extraOpsets.map(([d, v]) => op(d, v)), vLen(7, g));
}
