/**
 * The PyTorch golden case folders of test/fixtures/ that the conformance runner runs (test/nn/golden.test.ts,
 * test/threads/golden-threads.test.ts): every folder except those in other formats, run by their own tests.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** onnx*: ONNX files (test/onnx/); int8: torch quantize_dynamic models (test/nn/quantize.test.ts). */
const NOT_GOLDEN = new Set(['onnx', 'onnx-models', 'int8']);

export function goldenOps(root: string): string[] {
  return readdirSync(root)
    .filter((d) => statSync(join(root, d)).isDirectory() && !NOT_GOLDEN.has(d))
    .sort();
}
