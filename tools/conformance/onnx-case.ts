/**
 * Golden cases converted from ONNX backend node tests (`__metadata__.format` = nn-golden-onnx/1):
 * one ONNX operator applied to the tensors named in `inputs`, compared on `outputs`. The case is
 * run through the ONNX front end's own operator table (src/onnx/ops), as a one-node graph would
 * be: the op type, its attributes and the opset are read from the metadata, whichever of the
 * usual spellings the file uses (params.op_type | params.opType | meta.onnx_op | meta.op;
 * params.attributes | params.attrs | the remaining params; params.opset | meta.opset, default 17).
 * JSON cannot tell an int from a float, so numeric attributes are read as either.
 */
import { OnnxNode, type AttrValue, type OpContext } from '../../src/onnx/node.js';
import { lookupOp } from '../../src/onnx/ops/index.js';
import { getEngine, type Tensor } from '../../src/internal.js';
import { Unsupported, type GoldenCase } from './types.js';

/** An OnnxNode whose numeric attributes answer both int() and float() (JSON has one number type). */
class JsonNode extends OnnxNode {
  private num(name: string): AttrValue | undefined {
    const a = this.attrs.get(name);
    return a && (a.type === 'int' || a.type === 'float' || a.type === 'ints' || a.type === 'floats') ? a : undefined;
  }
  override int(name: string, fallback?: number): number {
    const a = this.num(name);
    return a && !Array.isArray(a.value) ? (a.value as number) : super.int(name, fallback);
  }
  override float(name: string, fallback?: number): number {
    const a = this.num(name);
    return a && !Array.isArray(a.value) ? (a.value as number) : super.float(name, fallback);
  }
  override ints(name: string, fallback?: number[]): number[] {
    const a = this.num(name);
    return a && Array.isArray(a.value) ? (a.value as number[]) : super.ints(name, fallback);
  }
  override floats(name: string, fallback?: number[]): number[] {
    const a = this.num(name);
    return a && Array.isArray(a.value) ? (a.value as number[]) : super.floats(name, fallback);
  }
}

const META_KEYS = new Set(['op_type', 'opType', 'onnx_op', 'opset', 'opset_version', 'domain', 'attributes', 'attrs', 'test', 'source', 'input_shape', 'inputs', 'outputs']);

function attrOf(v: unknown): AttrValue | undefined {
  if (typeof v === 'number') return { type: Number.isInteger(v) ? 'int' : 'float', value: v };
  if (typeof v === 'string') return { type: 'string', value: v };
  if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return { type: v.every(Number.isInteger) ? 'ints' : 'floats', value: v as number[] };
  if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return { type: 'strings', value: v as string[] };
  return undefined;
}

/** Runs an nn-golden-onnx case; throws Unsupported (a SKIP) when its op is not in the table. */
export function runOnnxCase(c: GoldenCase): Record<string, Tensor> {
  const p = c.params;
  const opType = String(p.op_type ?? p.opType ?? c.meta.onnx_op ?? c.meta.op_type ?? c.op).replace(/^(ai\.)?onnx[._]/, '');
  const domain = String(p.domain ?? c.meta.domain ?? '').replace(/^ai\.onnx$/, '');
  const def = lookupOp(domain, opType);
  if (!def) throw new Unsupported(`ONNX op ${domain ? domain + '.' : ''}${opType} is not supported`);
  const raw: Record<string, unknown> = p.attributes ?? p.attrs ?? Object.fromEntries(Object.entries(p).filter(([k]) => !META_KEYS.has(k)));
  const attrs = new Map<string, AttrValue>();
  for (const [k, v] of Object.entries(raw)) {
    const a = attrOf(v);
    if (a) attrs.set(k, a);
  }
  const node = new JsonNode(c.name, opType, domain, c.inputs, c.outputs, attrs);
  const ctx: OpContext = { engine: getEngine(), opset: Number(p.opset ?? p.opset_version ?? c.meta.opset ?? 17) };
  def.check?.(node, ctx);
  const outs = def.run(node, c.inputs.map((n) => (n ? c.tensors[n] : null)), ctx);
  return Object.fromEntries(c.outputs.map((n, i) => [n, outs[i]]));
}
