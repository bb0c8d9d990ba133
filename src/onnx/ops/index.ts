/**
 * The registry: every supported ONNX op, merged from one table per op family. Add a family by
 * importing its table here; the runtime looks ops up only through `lookupOp`.
 */
import type { OpDef, OpTable } from '../node.js';
import { nnOps } from './nn.js';
import { graphOps } from './graph.js';
import { dataOps } from './data.js';
import { layerOps } from './layers.js';
import { elementwiseOps } from './elementwise.js';
import { reduceOps } from './reduce.js';
import { rnnOps } from './rnn.js';
import { einsumOps } from './einsum.js';
import { quantOps } from './quant.js';
import { matmulNBitsOps } from './matmul-nbits.js';

const tables: OpTable[] = [
  nnOps,
  graphOps,
  dataOps,
  layerOps,
  elementwiseOps,
  reduceOps,
  rnnOps,
  einsumOps,
  quantOps,
  matmulNBitsOps,
];

const registry: OpTable = Object.assign({}, ...tables);

/** The definition for (domain, opType), or undefined when unsupported. */
export function lookupOp(domain: string, opType: string): OpDef | undefined {
  return registry[domain ? `${domain}.${opType}` : opType];
}

/** Every supported op name, sorted (for the README list and error messages). */
export function supportedOps(): string[] {
  return Object.keys(registry).sort();
}
