/**
 * Reads one ONNX backend node test (a directory with model.onnx and test_data_set_0/*.pb, the
 * format of Debian's libonnx-testdata) into an OnnxNode and engine tensors, with the onnx-proto
 * schema, so an op family's OpDefs can be checked against the suite by unit tests without the
 * graph runtime. Only single-node models of float32 / int64 / int32 / uint8 / bool tensors.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { onnx } from 'onnx-proto';
import { Tensor } from '../../dist/src/entries/node.js';
import { OnnxNode, type AttrValue, type OnnxTensorData } from '../../dist/src/onnx/node.js';

export const NODE_TESTS = '/usr/share/libonnx-testdata/data/node';
export const HAVE_NODE_TESTS = existsSync(NODE_TESTS);

const num = (v: unknown): number => (typeof v === 'number' ? v : Number((v as { toString(): string }).toString()));

const DTYPES: Record<number, { dtype: 'float32' | 'int64' | 'int32' | 'uint8' | 'bool'; size: number }> = {
  1: { dtype: 'float32', size: 4 }, 2: { dtype: 'uint8', size: 1 }, 3: { dtype: 'int32', size: 1 }, 6: { dtype: 'int32', size: 4 }, 7: { dtype: 'int64', size: 8 }, 9: { dtype: 'bool', size: 1 },
};

/** A TensorProto's element values as a typed array of its dtype. */
export function decodeTensor(t: onnx.ITensorProto): { dtype: string; dims: number[]; data: Float32Array | BigInt64Array | Int32Array | Uint8Array } {
  const dt = DTYPES[t.dataType ?? 0];
  if (!dt) throw new Error(`tensor ${t.name}: data type ${t.dataType} is not supported by this helper`);
  const dims = (t.dims ?? []).map(num);
  const n = dims.reduce((a, b) => a * b, 1);
  const raw = t.rawData && t.rawData.length ? new Uint8Array(t.rawData).slice().buffer : null;
  let data: Float32Array | BigInt64Array | Int32Array | Uint8Array;
  if (dt.dtype === 'float32') data = raw ? new Float32Array(raw) : Float32Array.from(t.floatData ?? []);
  else if (dt.dtype === 'int64') data = raw ? new BigInt64Array(raw) : BigInt64Array.from((t.int64Data ?? []).map((v) => BigInt(num(v))));
  else if (t.dataType === 3) data = raw ? Int32Array.from(new Int8Array(raw)) : Int32Array.from(t.int32Data ?? []); // int8: stored as int32, as the loader does
  else if (dt.dtype === 'int32') data = raw ? new Int32Array(raw) : Int32Array.from(t.int32Data ?? []);
  else data = raw ? new Uint8Array(raw) : Uint8Array.from(t.int32Data ?? []);
  if (data.length !== n) throw new Error(`tensor ${t.name}: ${data.length} values for dims [${dims}]`);
  return { dtype: dt.dtype, dims, data };
}

function attrOf(a: onnx.IAttributeProto): AttrValue {
  switch (a.type) {
    case onnx.AttributeProto.AttributeType.FLOAT: return { type: 'float', value: a.f ?? 0 };
    case onnx.AttributeProto.AttributeType.INT: return { type: 'int', value: num(a.i ?? 0) };
    case onnx.AttributeProto.AttributeType.STRING: return { type: 'string', value: new TextDecoder().decode(a.s ?? new Uint8Array()) };
    case onnx.AttributeProto.AttributeType.FLOATS: return { type: 'floats', value: a.floats ?? [] };
    case onnx.AttributeProto.AttributeType.INTS: return { type: 'ints', value: (a.ints ?? []).map(num) };
    case onnx.AttributeProto.AttributeType.TENSOR: {
      const d = decodeTensor(a.t!);
      const value: OnnxTensorData = { name: a.t!.name ?? '', dtype: d.dtype as OnnxTensorData['dtype'], dims: d.dims, bytes: new Uint8Array(d.data.buffer, d.data.byteOffset, d.data.byteLength) };
      return { type: 'tensor', value };
    }
    default: throw new Error(`attribute ${a.name}: type ${a.type} is not supported by this helper`);
  }
}

export interface NodeCase {
  name: string;
  node: OnnxNode;
  opset: number;
  /** Per node input: its tensor (null when absent). */
  inputs: (Tensor | null)[];
  expected: { dims: number[]; data: Float32Array | BigInt64Array | Int32Array | Uint8Array }[];
}

/** Loads test `name` (a directory under NODE_TESTS). */
export function loadNodeCase(name: string): NodeCase {
  const dir = join(NODE_TESTS, name);
  const model = onnx.ModelProto.decode(readFileSync(join(dir, 'model.onnx')));
  const g = model.graph!;
  // The op node, after any Constant nodes that feed it (their values become inputs).
  const nodes = g.node ?? [];
  const consts = nodes.filter((n) => n.opType === 'Constant');
  if (nodes.length - consts.length !== 1) throw new Error(`${name}: ${nodes.length - consts.length} non-Constant nodes, expected one`);
  const p = nodes.find((n) => n.opType !== 'Constant')!;
  const attrs = new Map<string, AttrValue>((p.attribute ?? []).map((a) => [a.name ?? '', attrOf(a)]));
  const domain = p.domain === 'ai.onnx' ? '' : p.domain ?? '';
  const node = new OnnxNode(p.name ?? '', p.opType ?? '', domain, p.input ?? [], p.output ?? [], attrs);
  const opset = num((model.opsetImport ?? []).find((o) => (o.domain ?? '') === domain || (domain === '' && o.domain === 'ai.onnx'))?.version ?? 0);
  const set = join(dir, 'test_data_set_0');
  const files = readdirSync(set);
  const read = (prefix: string, i: number) => decodeTensor(onnx.TensorProto.decode(readFileSync(join(set, `${prefix}_${i}.pb`))));
  const byName = new Map<string, Tensor>();
  (g.input ?? []).forEach((vi, i) => {
    const d = read('input', i);
    byName.set(vi.name ?? '', Tensor.from(d.data, d.dims, d.dtype as 'float32'));
  });
  for (const init of g.initializer ?? []) {
    const d = decodeTensor(init);
    byName.set(init.name ?? '', Tensor.from(d.data, d.dims, d.dtype as 'float32'));
  }
  for (const cn of consts) {
    const v = (cn.attribute ?? []).find((a) => a.name === 'value');
    if (!v?.t) throw new Error(`${name}: Constant node without a tensor value`);
    const d = decodeTensor(v.t);
    byName.set(cn.output?.[0] ?? '', Tensor.from(d.data, d.dims, d.dtype as 'float32'));
  }
  const inputs = node.inputs.map((n) => (n ? byName.get(n) ?? null : null));
  const nOut = files.filter((f) => f.startsWith('output_')).length;
  const expected = Array.from({ length: nOut }, (_, i) => read('output', i));
  return { name, node, opset, inputs, expected };
}

/** The backend runner's rule: |out - ref| <= atol + rtol * |ref| (NaN matches NaN); returns the max error or throws naming the index. */
export function compareOutput(label: string, got: Tensor, exp: NodeCase['expected'][number], rtol = 1e-3, atol = 1e-7): number {
  if (got.shape.length !== exp.dims.length || got.shape.some((d, i) => d !== exp.dims[i])) throw new Error(`${label}: shape [${got.shape}], expected [${exp.dims}]`);
  const g = got.toFloat32Array();
  let max = 0;
  for (let i = 0; i < g.length; i++) {
    const r = Number(exp.data[i]);
    if (Number.isNaN(r) && Number.isNaN(g[i])) continue;
    const e = Math.abs(g[i] - r);
    if (!(e <= atol + rtol * Math.abs(r)) && g[i] !== r) throw new Error(`${label} index=${i}: got ${g[i]}, expected ${r}`);
    if (Number.isFinite(e)) max = Math.max(max, e);
  }
  return max;
}

/** Every test directory of the suite whose name starts with one of `prefixes`. */
export function nodeTestsFor(prefixes: string[]): string[] {
  if (!HAVE_NODE_TESTS) return [];
  return readdirSync(NODE_TESTS).filter((d) => prefixes.some((p) => d.startsWith(p))).sort();
}
