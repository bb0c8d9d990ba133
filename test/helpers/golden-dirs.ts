/**
 * The PyTorch golden case folders of test/fixtures/ that the conformance runner runs (test/nn/golden.test.ts,
 * test/threads/golden-threads.test.ts): every folder except those in other formats, run by their own tests.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** onnx*: ONNX files (test/onnx/); int8: torch quantize_dynamic models (test/nn/quantize.test.ts). */
const NOT_GOLDEN = new Set(['onnx', 'onnx-models', 'int8']);

/**
 * realmodel.<torchvision factory>: the vision zoo cases, run by test/models/vision.test.ts until
 * the conformance runner builds zoo models from the constructor in the case metadata.
 */
const byOwnTest = (d: string) => d.startsWith('realmodel.');

export function goldenOps(root: string): string[] {
  return readdirSync(root)
    .filter((d) => statSync(join(root, d)).isDirectory() && !NOT_GOLDEN.has(d) && !byOwnTest(d))
    .sort();
}
