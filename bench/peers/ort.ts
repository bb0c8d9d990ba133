/**
 * onnxruntime-web 1.30.0, wasm backend, one thread, in the bench process.
 *
 * Loading in Node 20: `import 'onnxruntime-web'` resolves through the package's `node` export
 * condition to dist/ort.node.min.mjs, which loads dist/ort-wasm-simd-threaded.{mjs,wasm} from its
 * own directory (no wasmPaths needed). With env.wasm.numThreads = 1 no worker is started, and
 * env.wasm.proxy stays false (the proxy worker is a browser feature). SIMD is always on in 1.30
 * (there is no non-SIMD binary any more); relaxed SIMD is not used.
 *
 * Every session.run copies its inputs into the wasm heap and its outputs back out to fresh JS
 * arrays: that is ONNX Runtime Web's API, so the copies are part of its time here.
 */
import * as ort from 'onnxruntime-web';
import type { Prepared } from '../workloads/types.js';
import { NotAvailable } from '../workloads/types.js';

export interface OrtPeer {
  ort: typeof ort;
  version: string;
  /** The file that was loaded, as documented above. */
  entry: string;
  /** Threads of the sessions this peer creates (intraOpNumThreads; default 1). */
  threads?: number;
}

/**
 * `maxThreads` > 1 starts onnxruntime-web's thread pool (env.wasm.numThreads, read once when its
 * wasm initializes); each session then takes its own intraOpNumThreads (1 for the `ort` rows).
 */
export async function loadOrt(maxThreads = 1): Promise<OrtPeer> {
  ort.env.wasm.numThreads = maxThreads;
  ort.env.wasm.proxy = false;
  ort.env.logLevel = 'error';
  return { ort, version: ort.env.versions.web ?? '?', entry: 'dist/ort.node.min.mjs + ort-wasm-simd-threaded.wasm' };
}

/** Inputs by name: float32 unless `type` says otherwise ('int64' takes a BigInt64Array, 'bool' a Uint8Array). */
export type Feeds = Record<string, { data: Float32Array | BigInt64Array | Int32Array | Uint8Array; dims: readonly number[]; type?: 'float32' | 'int64' | 'int32' | 'bool' }>;

/** A wasm session on `peer.threads` threads (default 1), every graph optimization on; NotAvailable if ORT refuses the model. */
export async function ortSession(peer: OrtPeer, model: Uint8Array): Promise<ort.InferenceSession> {
  try {
    return await peer.ort.InferenceSession.create(model, {
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'all',
      intraOpNumThreads: peer.threads ?? 1,
      interOpNumThreads: 1,
    });
  } catch (e) {
    throw new NotAvailable(`onnxruntime-web could not load the model: ${String((e as Error).message ?? e).slice(0, 160)}`);
  }
}

/** The feeds as ort.Tensors. */
export function ortTensors(peer: OrtPeer, feeds: Feeds): Record<string, ort.Tensor> {
  const tensors: Record<string, ort.Tensor> = {};
  for (const [name, f] of Object.entries(feeds)) tensors[name] = new peer.ort.Tensor(f.type ?? 'float32', f.data, [...f.dims]);
  return tensors;
}

/**
 * Creates a session for an in-memory model and returns session.run(feeds) as the timed call.
 * `canonical` converts the first output to PyTorch's layout for the cross-engine check.
 */
export async function ortCase(
  peer: OrtPeer,
  model: Uint8Array,
  feeds: Feeds,
  note?: string,
  canonical: (y: Float32Array) => Float32Array = (y) => y,
): Promise<Prepared> {
  const session = await ortSession(peer, model);
  const tensors = ortTensors(peer, feeds);
  return {
    run: () => session.run(tensors),
    async: true,
    output: async () => {
      const out = await session.run(tensors);
      return canonical(out[session.outputNames[0]].data as Float32Array);
    },
    dispose: () => session.release(),
    note,
  };
}
