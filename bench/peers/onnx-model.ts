/**
 * Builds ONNX models in memory at bench time (no committed model files), with the ONNX protobuf
 * schema from the `onnx-proto` package (protobufjs inside). Float32 tensors only.
 *
 *   const g = new OnnxGraph();
 *   g.input('x', [2048, 1024]).node('Softmax', ['x'], ['y'], { axis: int(-1) }).output('y', [2048, 1024]);
 *   const bytes = g.encode();
 */
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;
const AT = onnx.AttributeProto.AttributeType;
const FLOAT = onnx.TensorProto.DataType.FLOAT;

export type Attr = onnxProto.onnx.IAttributeProto;
export const int = (i: number): Attr => ({ type: AT.INT, i });
export const float = (f: number): Attr => ({ type: AT.FLOAT, f });
export const ints = (v: number[]): Attr => ({ type: AT.INTS, ints: v });
export const str = (s: string): Attr => ({ type: AT.STRING, s: new TextEncoder().encode(s) });

function valueInfo(name: string, dims: readonly number[]): onnxProto.onnx.IValueInfoProto {
  return { name, type: { tensorType: { elemType: FLOAT, shape: { dim: dims.map((d) => ({ dimValue: d })) } } } };
}

export class OnnxGraph {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly inits: onnxProto.onnx.ITensorProto[] = [];
  private readonly domains = new Map<string, number>([['', 17]]);

  input(name: string, dims: readonly number[]): this {
    this.inputs.push(valueInfo(name, dims));
    return this;
  }

  output(name: string, dims: readonly number[]): this {
    this.outputs.push(valueInfo(name, dims));
    return this;
  }

  /** A constant tensor (weights, masks, scalars): ONNX Runtime may pre-pack it at load. */
  constant(name: string, dims: readonly number[], data: Float32Array): this {
    const n = dims.reduce((a, b) => a * b, 1);
    if (data.length !== n) throw new Error(`OnnxGraph.constant ${name}: ${data.length} values for dims [${dims}]`);
    const rawData = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.inits.push({ name, dims: [...dims], dataType: FLOAT, rawData });
    return this;
  }

  /** An int8 constant (quantized weights and zero points of QDQ models). */
  constantInt8(name: string, dims: readonly number[], data: Int8Array): this {
    const rawData = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
    this.inits.push({ name, dims: [...dims], dataType: 3, rawData });
    return this;
  }

  node(opType: string, input: string[], output: string[], attrs: Record<string, Attr> = {}, domain = ''): this {
    if (domain && !this.domains.has(domain)) this.domains.set(domain, 1);
    const attribute = Object.entries(attrs).map(([name, a]) => ({ ...a, name }));
    this.nodes.push({ opType, input, output, attribute, domain, name: `${opType}_${this.nodes.length}` });
    return this;
  }

  /** The serialized ModelProto (IR version 8, default opset 17). */
  encode(): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: 8,
      producerName: 'simdnn-bench',
      opsetImport: [...this.domains].map(([domain, version]) => ({ domain, version })),
      graph: { name: 'bench', node: this.nodes, input: this.inputs, output: this.outputs, initializer: this.inits },
    });
    return onnx.ModelProto.encode(model).finish();
  }
}
