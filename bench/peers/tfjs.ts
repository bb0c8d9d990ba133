/**
 * @tensorflow/tfjs-backend-wasm 4.22.0 (XNNPACK inside) on @tensorflow/tfjs-core 4.22.0, one
 * thread, in the bench process.
 *
 * Loading in Node 20: the package's `main` is the CommonJS build dist/tf-backend-wasm.node.js,
 * whose named exports Node's ESM loader finds. It must be told where its .wasm files are
 * (setWasmPaths with the package's dist/ directory, a plain file path works in Node) and the
 * thread count must be set before the backend initializes. In Node it picks
 * tfjs-backend-wasm-simd.wasm: the threaded binary needs Web Workers, which Node lacks.
 * Kernels run synchronously on call, so a timed call is the op(s) plus dispose() of the result.
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs-core';
import type { Prepared } from '../workloads/types.js';
import { setThreadsCount, setWasmPaths, version_wasm } from '@tensorflow/tfjs-backend-wasm';

export type TfPeer = typeof tf;

export interface TfInfo {
  tf: TfPeer;
  version: string;
  simd: boolean;
  threads: boolean;
}

export async function loadTfjs(): Promise<TfInfo> {
  const require = createRequire(import.meta.url);
  const wasmFile = require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm');
  setThreadsCount(1);
  setWasmPaths(wasmFile.slice(0, wasmFile.lastIndexOf('/') + 1));
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: the wasm backend failed to initialize');
  await tf.ready();
  return {
    tf,
    version: `core ${tf.version_core}, backend-wasm ${version_wasm}`,
    simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT') as boolean,
    threads: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT') as boolean,
  };
}

/**
 * A tfjs timed call: `compute` (inside tf.tidy, so intermediates are freed) and dispose() of its
 * result. `canonical` converts the output to PyTorch's layout for the cross-engine check.
 */
export function tfCase(
  compute: () => tf.Tensor,
  inputs: tf.Tensor[],
  note?: string,
  canonical: (y: Float32Array) => Float32Array = (y) => y,
): Prepared {
  return {
    run: () => tf.tidy(compute).dispose(),
    output: () => {
      const y = tf.tidy(compute);
      const data = y.dataSync() as Float32Array;
      y.dispose();
      return canonical(data);
    },
    dispose: () => tf.dispose(inputs),
    note,
  };
}
