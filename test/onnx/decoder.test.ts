/**
 * The protobuf decoder against hand-encoded messages (test/onnx/pb.ts writes them from the
 * field numbers of onnx.proto3): every attribute type, raw and typed tensor data, float16 and
 * bfloat16 widening, negative and INT64_MAX varints, symbolic dims, opsets, metadata.
 */
import { describe, expect, it } from 'vitest';
import { decodeModel, decodeTensorFile } from '../../dist/src/onnx/proto.js';
import { OnnxError } from '../../dist/src/entries/node.js';
import { BFLOAT16, BOOL, DOUBLE, FLOAT, FLOAT16, INT32, INT64, INT8, STRING, UINT8, attr, cat, f32raw, graph, i64raw, model, node, tensor, vLen, vStr, value } from './pb.js';

const floats = (b: Uint8Array) => Array.from(new Float32Array(b.slice().buffer));
const int64s = (b: Uint8Array) => Array.from(new BigInt64Array(b.slice().buffer));

describe('TensorProto', () => {
  it('raw_data keeps the file bytes (a subarray, no copy) for float32/int64/int32/uint8/bool', () => {
    const file = tensor({ name: 'w', dims: [2, 2], type: FLOAT, raw: f32raw([1, 2, 3, 4]) });
    const t = decodeTensorFile(file);
    expect(t).toMatchObject({ name: 'w', dtype: 'float32', dims: [2, 2] });
    expect(floats(t.bytes)).toEqual([1, 2, 3, 4]);
    expect(t.bytes.buffer).toBe(file.buffer);
  });

  it('typed fields: float_data, int32_data (int8 sign-extended, bool), int64_data with negatives and INT64_MAX', () => {
    expect(floats(decodeTensorFile(tensor({ dims: [3], type: FLOAT, floats: [1.5, -2, 0] })).bytes)).toEqual([1.5, -2, 0]);
    const i8 = decodeTensorFile(tensor({ dims: [3], type: INT8, int32s: [-1, 127, -128] }));
    expect(i8.dtype).toBe('int32');
    expect(i8.onnxType).toBe('int8');
    expect(Array.from(new Int32Array(i8.bytes.slice().buffer))).toEqual([-1, 127, -128]);
    expect(Array.from(decodeTensorFile(tensor({ dims: [3], type: BOOL, int32s: [1, 0, 1] })).bytes)).toEqual([1, 0, 1]);
    const i64 = decodeTensorFile(tensor({ dims: [4], type: INT64, int64s: [-1, 5, -9007199254740993n, 9223372036854775807n] }));
    expect(int64s(i64.bytes)).toEqual([-1n, 5n, -9007199254740992n, 9223372036854775807n]);
    expect(Array.from(decodeTensorFile(tensor({ dims: [2], type: UINT8, raw: new Uint8Array([7, 255]) })).bytes)).toEqual([7, 255]);
  });

  it('float16 and bfloat16 (raw and int32_data) and double widen to float32; a scalar has dims []', () => {
    const h = new Uint8Array(new Uint16Array([0x3c00, 0xc000, 0x7c00, 0x0001]).buffer);
    expect(floats(decodeTensorFile(tensor({ dims: [4], type: FLOAT16, raw: h })).bytes)).toEqual([1, -2, Infinity, 2 ** -24]);
    expect(floats(decodeTensorFile(tensor({ dims: [2], type: FLOAT16, int32s: [0x3c00, 0x3800] })).bytes)).toEqual([1, 0.5]);
    const bf = new Uint8Array(new Uint16Array([0x3f80, 0x4040]).buffer);
    expect(floats(decodeTensorFile(tensor({ dims: [2], type: BFLOAT16, raw: bf })).bytes)).toEqual([1, 3]);
    const d = new Uint8Array(new Float64Array([0.25, -1e3]).buffer);
    const t = decodeTensorFile(tensor({ dims: [], type: DOUBLE, raw: d.subarray(0, 8) }));
    expect(t.dims).toEqual([]);
    expect(floats(t.bytes)).toEqual([0.25]);
  });

  it('rejects sizes that do not match, absurd or negative dims, unknown and string dtypes, naming the tensor and field', () => {
    const bad = (spec: Parameters<typeof tensor>[0]) => () => decodeTensorFile(tensor(spec));
    expect(bad({ name: 'w', dims: [3], type: FLOAT, raw: f32raw([1, 2]) })).toThrow(/TensorProto "w".raw_data: 8 bytes do not match dims \[3\] of float32 \(12 bytes/);
    expect(bad({ name: 'w', dims: [3], type: FLOAT, floats: [1] })).toThrow(/1 values in float_data do not match dims \[3\]/);
    expect(bad({ name: 'w', dims: [1 << 20, 1 << 20], type: FLOAT, raw: f32raw([1]) })).toThrow(/more than the 2147483647 a tensor may hold/);
    expect(bad({ name: 'w', dims: [-2], type: FLOAT })).toThrow(/-2 is not a size/);
    expect(bad({ name: 'w', dims: [1], type: 99 })).toThrow(/unknown data_type 99/);
    expect(bad({ name: 's', dims: [1], type: STRING })).toThrow(/dtype string is not supported/);
    expect(bad({ name: 'w', dims: [1], type: FLOAT })).toThrow(OnnxError);
  });

  it('external data is a reference until the loader fills it', () => {
    const t = decodeTensorFile(tensor({ name: 'w', dims: [2], type: FLOAT, external: { location: 'w.bin', offset: 8, length: 8 } }));
    expect(t.external).toEqual({ location: 'w.bin', offset: 8, length: 8 });
    expect(() => decodeTensorFile(tensor({ name: 'w', dims: [2], type: FLOAT, external: { location: 'w.bin', length: 4 } }))).toThrow(/external_data length 4 does not match/);
  });
});

describe('ModelProto', () => {
  const sub = graph({ name: 'then', nodes: [node('Identity', ['x'], ['y'])], outputs: [value('y', FLOAT, [2])] });
  const allAttrs = [
    attr.float('f', 0.5),
    attr.int('i', -3),
    attr.string('s', 'héllo'),
    attr.tensor('t', tensor({ dims: [1], type: INT32, int32s: [9] })),
    attr.graph('g', sub),
    attr.floats('fs', [1, 2.5]),
    attr.ints('is', [-1, 0, 9223372036854775807n]),
    attr.strings('ss', ['a', 'b']),
    attr.tensors('ts', [tensor({ dims: [], type: FLOAT, floats: [2] })]),
    attr.graphs('gs', [sub, sub]),
  ];
  const m = model(
    graph({
      name: 'main',
      nodes: [node('Custom', ['x', ''], ['y'], allAttrs, 'n0', 'ai.onnx')],
      inputs: [value('x', FLOAT, ['batch', 3]), value('w', FLOAT16, [1])],
      outputs: [value('y', INT64, null)],
      initializers: [tensor({ name: 'w', dims: [1], type: FLOAT16, int32s: [0x3c00] })],
    }),
    13,
    [['com.microsoft', 1]],
  );

  it('decodes graphs, nodes, every attribute type, value infos and opsets', () => {
    const p = decodeModel(m);
    expect(p.irVersion).toBe(8);
    expect(p.producer).toBe('simdnn-test');
    expect([...p.opsets]).toEqual([['', 13], ['com.microsoft', 1]]);
    const g = p.graph;
    expect(g.name).toBe('main');
    expect(g.inputs).toEqual([
      { name: 'x', type: { dtype: 'float32', shape: ['batch', 3], onnxType: 'float32' } },
      { name: 'w', type: { dtype: 'float32', shape: [1], onnxType: 'float16' } },
    ]);
    expect(g.outputs[0].type).toEqual({ dtype: 'int64', shape: null, onnxType: 'int64' });
    const n = g.nodes[0];
    expect([n.name, n.opType, n.domain, n.inputs, n.outputs]).toEqual(['n0', 'Custom', '', ['x', ''], ['y']]);
    expect(n.float('f')).toBe(0.5);
    expect(n.int('i')).toBe(-3);
    expect(n.string('s')).toBe('héllo');
    expect(n.attr('t', 'tensor').dims).toEqual([1]);
    expect(n.attr('g', 'graph').nodes[0].opType).toBe('Identity');
    expect(n.floats('fs')).toEqual([1, 2.5]);
    expect(n.ints('is')).toEqual([-1, 0, 9223372036854775807]);
    expect(n.strings('ss')).toEqual(['a', 'b']);
    expect(n.attr('ts', 'tensors')).toHaveLength(1);
    expect(n.attr('gs', 'graphs')).toHaveLength(2);
    expect(() => n.int('f')).toThrow(/attribute "f" must be of type int, got float/);
    expect(n.label).toBe('node "n0" (Custom)');
  });

  it('every truncation of the file is an OnnxError (never another error, never a hang)', () => {
    for (let k = 0; k < m.length; k++) {
      try {
        decodeModel(m.subarray(0, k));
      } catch (e) {
        expect(e, `truncated at ${k}`).toBeInstanceOf(OnnxError);
        continue;
      }
      // A cut at a field boundary can still be a well-formed (smaller) model: that is fine.
    }
  });

  it('lengths past the end name the field; a file without a graph says so', () => {
    const g = graph({ nodes: [], outputs: [] });
    const lying = cat([0x3a], [0x7f], g); // field 7 (graph), length 127 > what follows
    expect(() => decodeModel(lying)).toThrow(/ModelProto.graph: length 127 runs past the end/);
    expect(() => decodeModel(new Uint8Array(0))).toThrow(/ModelProto.graph is missing/);
    expect(() => decodeModel(new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]))).toThrow(/varint longer than 10 bytes/);
    expect(() => decodeModel(vLen(7, vLen(1, vStr(1, 'a'))))).toThrow(/op_type is empty/);
  });
});
