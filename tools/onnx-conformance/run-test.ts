/**
 * Runs one ONNX backend test directory (model.onnx + test_data_set_N/{input,output}_K.pb, the
 * onnx/backend/test/data layout) through loadOnnxSync and compares every output with the backend
 * runner's tolerance (|got - want| <= atol + rtol * |want|, rtol 1e-3, atol 1e-7; NaN matches
 * NaN; integers and bools exactly). Never throws: problems are FAIL results with the reason.
 * Memory must be back where it was after each test (a leak is a FAIL).
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Engine } from '../../src/runtime/engine.js';
import type { Tensor } from '../../src/tensor.js';
import { decodeModel, decodeTensorFile, type OnnxModelProto } from '../../src/onnx/proto.js';
import { opTypes } from '../../src/onnx/graph.js';
import { lookupOp } from '../../src/onnx/ops/index.js';
import { loadOnnxSync } from '../../src/onnx/load.js';
import type { OnnxGraph, OnnxTensorData } from '../../src/onnx/node.js';
import type { OnnxModel } from '../../src/onnx/model.js';
import { f16ToF32Bits, f32BitsToF16 } from '../../src/io/half.js';
import { ALLOWED_DTYPES, SUPPORTED_OPS } from './supported.js';

export const RTOL = 1e-3;
export const ATOL = 1e-7;

export type Status = 'PASS' | 'FAIL' | 'SKIP';

export interface TestResult {
  status: Status;
  /** suite/test, e.g. node/test_conv_with_strides_padding. */
  name: string;
  maxError: number;
  detail?: string;
  /** Op types the model uses (sub-graphs included). */
  ops: string[];
  /** Ops of the supported list that the registry lacks (a FAIL for that reason is 'not implemented'). */
  missing: string[];
}

const SUPPORTED = new Set(SUPPORTED_OPS);

/** Element types used by a graph's inputs, outputs and constants (sub-graphs included). */
function graphTypes(g: OnnxGraph, out = new Set<string>()): Set<string> {
  for (const v of [...g.inputs, ...g.outputs]) out.add(v.type ? (v.type.onnxType ?? v.type.dtype) : 'unknown type');
  for (const t of g.initializers) out.add(t.onnxType ?? t.dtype);
  for (const n of g.nodes) {
    for (const a of n.attrs.values()) {
      if (a.type === 'graph') graphTypes(a.value, out);
      else if (a.type === 'graphs') a.value.forEach((s) => graphTypes(s, out));
    }
  }
  return out;
}

function numbered(dir: string, prefix: string): string[] {
  return readdirSync(dir)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.pb'))
    .sort((a, b) => Number(a.slice(prefix.length, -3)) - Number(b.slice(prefix.length, -3)))
    .map((f) => join(dir, f));
}

/** The typed data of a decoded TensorProto, as a feed. */
function feedOf(t: OnnxTensorData): { data: Float32Array | Int32Array | BigInt64Array | Uint8Array; dims: number[] } {
  const copy = new Uint8Array(t.bytes.byteLength);
  copy.set(t.bytes);
  const data = t.dtype === 'float32' ? new Float32Array(copy.buffer) : t.dtype === 'int32' ? new Int32Array(copy.buffer) : t.dtype === 'int64' ? new BigInt64Array(copy.buffer) : copy;
  return { data, dims: t.dims };
}

const roundF16 = (v: number) => {
  const f = new Float32Array([v]);
  const u = new Uint32Array(f.buffer);
  u[0] = f16ToF32Bits(f32BitsToF16(u[0]));
  return f[0];
};

/** Compares one output; returns [max abs error, first mismatch or null]. */
export function compare(name: string, got: Tensor, want: OnnxTensorData): [number, string | null] {
  const gs = got.shape.join(', ');
  const ws = want.dims.join(', ');
  if (gs !== ws) return [Infinity, `${name}: shape [${gs}], expected [${ws}]`];
  if (got.dtype !== want.dtype) return [Infinity, `${name}: dtype ${got.dtype}, expected ${want.dtype}${want.onnxType ? ` (${want.onnxType})` : ''}`];
  const g = got.toTypedArray();
  const w = feedOf(want).data;
  let max = 0;
  let bad: string | null = null;
  const f16 = want.onnxType === 'float16';
  for (let i = 0; i < g.length; i++) {
    if (got.dtype !== 'float32') {
      if (g[i] !== w[i] && !bad) bad = `${name}[${i}]: got ${g[i]}, expected ${w[i]}`;
      continue;
    }
    const a = f16 ? roundF16(g[i] as number) : (g[i] as number);
    const e = w[i] as number;
    if (Number.isNaN(e) || Number.isNaN(a)) {
      if (!(Number.isNaN(e) && Number.isNaN(a)) && !bad) bad = `${name}[${i}]: got ${a}, expected ${e}`;
      continue;
    }
    if (a === e) continue;
    const err = Math.abs(a - e);
    if (Number.isFinite(err)) max = Math.max(max, err);
    else max = Infinity;
    if (!(err <= ATOL + RTOL * Math.abs(e)) && !bad) bad = `${name}[${i}]: got ${a}, expected ${e} (|diff| ${err.toPrecision(3)} > ${ATOL} + ${RTOL} * |expected|)`;
  }
  return [max, bad];
}

/** Runs the test in `dir` (named `suite/<dir name>`) on `engine`. */
export function runOnnxTest(dir: string, suite: string, engine: Engine): TestResult {
  const name = `${suite}/${basename(dir)}`;
  const res = (status: Status, detail: string | undefined, ops: string[] = [], missing: string[] = [], maxError = 0): TestResult => ({ status, name, maxError, detail, ops, missing });
  let proto: OnnxModelProto;
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(join(dir, 'model.onnx'));
    proto = decodeModel(bytes);
  } catch (e) {
    const m = /dtype (\w+) is not supported/.exec((e as Error).message);
    if (m && !ALLOWED_DTYPES.includes(m[1])) return res('SKIP', `dtype ${m[1]}`);
    return res('FAIL', `model.onnx: ${(e as Error).message}`);
  }
  const ops = [...opTypes(proto.graph)].sort();
  const outside = ops.filter((o) => !SUPPORTED.has(o));
  if (outside.length) return res('SKIP', `op ${outside.join(', ')}`, ops);
  const types = [...graphTypes(proto.graph)].filter((t) => !ALLOWED_DTYPES.includes(t));
  if (types.length) return res('SKIP', `dtype ${types.join(', ')}`, ops);
  const missing = ops.filter((o) => !lookupOp('', o));
  if (missing.length) return res('FAIL', `not implemented: ${missing.join(', ')}`, ops, missing);
  const before = engine.memoryStats().inUseBytes;
  let model: OnnxModel | null = null;
  let maxError = 0;
  try {
    model = loadOnnxSync(bytes, { engine });
    const sets = readdirSync(dir).filter((f) => f.startsWith('test_data_set_')).sort();
    if (!sets.length) return res('FAIL', 'no test_data_set_* directory', ops, missing);
    for (const s of sets) {
      const sd = join(dir, s);
      const ins = numbered(sd, 'input_').map((f) => decodeTensorFile(readFileSync(f)));
      const wants = numbered(sd, 'output_').map((f) => decodeTensorFile(readFileSync(f)));
      const feeds: Record<string, ReturnType<typeof feedOf>> = {};
      if (ins.length > model.inputs.length) throw new Error(`${s}: ${ins.length} input files for ${model.inputs.length} graph inputs`);
      ins.forEach((t, k) => (feeds[model!.inputs[k].name] = feedOf(t)));
      const outs = model.run(feeds);
      try {
        if (wants.length !== model.outputs.length) throw new Error(`${s}: ${wants.length} output files for ${model.outputs.length} graph outputs`);
        for (let k = 0; k < wants.length; k++) {
          const o = model.outputs[k].name;
          const inferred = model.typeOf(o)?.shape;
          if (inferred && (inferred.length !== outs[o].ndim || inferred.some((d, i) => typeof d === 'number' && d !== outs[o].shape[i]))) {
            return res('FAIL', `${s}/${o}: static inference says [${inferred.join(', ')}], the run gave [${outs[o].shape.join(', ')}]`, ops, missing, maxError);
          }
          const [err, bad] = compare(`${s}/${o}`, outs[o], wants[k]);
          maxError = Math.max(maxError, err);
          if (bad) return res('FAIL', bad, ops, missing, maxError);
        }
      } finally {
        for (const t of Object.values(outs)) t.dispose();
      }
    }
  } catch (e) {
    // The issue's list has Dropout (inference): a training-mode Dropout with ratio > 0 draws a random
    // mask (the suite's expected outputs come from numpy's RNG), which no engine can reproduce.
    if (/\(Dropout\): training_mode = true with ratio \S+ is not supported/.test((e as Error).message)) {
      return res('SKIP', 'op Dropout in training mode with ratio > 0 (random mask; the list has Dropout (inference))', ops);
    }
    return res('FAIL', (e as Error).message, ops, missing, maxError);
  } finally {
    model?.dispose();
    const after = engine.memoryStats().inUseBytes;
    if (after !== before) {
      // eslint-disable-next-line no-unsafe-finally
      return res('FAIL', `${after - before} bytes of wasm memory still in use after the test (leak)`, ops, missing, maxError);
    }
  }
  return res('PASS', undefined, ops, missing, maxError);
}

/** Test directories under `target`: a test itself, a suite of tests, or a root of suites. */
export function findTests(target: string): { dir: string; suite: string }[] {
  if (existsSync(join(target, 'model.onnx'))) return [{ dir: target, suite: basename(join(target, '..')) }];
  const out: { dir: string; suite: string }[] = [];
  for (const n of readdirSync(target).sort()) {
    const d = join(target, n);
    if (existsSync(join(d, 'model.onnx'))) out.push({ dir: d, suite: basename(target) });
    else if (n !== 'real' && existsSync(d) && !n.includes('.')) {
      try {
        if (readdirSync(d).some((c) => existsSync(join(d, c, 'model.onnx')))) out.push(...findTests(d));
      } catch {
        // not a directory
      }
    }
  }
  return out;
}
