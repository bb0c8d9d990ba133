/**
 * The public surface shared by every entry point: this file is the one deliberate list of what
 * simdnn exports (each entry adds init, initSync and createEngine). Everything else is internal:
 * the tests, tools, benches and examples reach it through src/internal.ts, never through here.
 *
 * A change here changes api/simdnn.api.md (the API report, checked by test/api/api-report.test.ts):
 * after a deliberate change run `npm run api:update` and commit the report with it, so the
 * change of surface shows in review.
 */
export { Tensor, type DType, type TensorData } from './tensor.js';
import './tensor-methods.js'; // installs x.sub(), x.mean(), ... on Tensor (see the file for why not in the class)
import './tensor-data-methods.js'; // installs x.gather(), x.tril(), ... (same reason)
export type { Engine, BuildName, EngineInfo, Disposable } from './runtime/engine.js';
export type { InitOptions, WasmSource } from './runtime/loader.js';
export type { ThreadsOption } from './threads/plan.js';
export type { MemoryStats } from './runtime/memory.js';
export { detectFeatures, type Features } from './runtime/detect.js';
export {
  SimdnnError, ShapeError, DTypeError, ArgumentError, DisposedError, OutOfMemoryError, InitError,
  NotInitializedError, SafetensorsError, StateDictError, KernelAssertError, OnnxError, ThreadError,
} from './runtime/errors.js';
export * as nn from './nn/index.js';
export * as functional from './nn/functional.js';
export * as F from './nn/functional.js';
export { scope, keep, memoryStats } from './scope.js';
// Safetensors, one name per job: a state dict from bytes (sync) or a stream (async); the whole
// file with its metadata (async, bytes or stream); and writing one.
export { loadSafetensors, readSafetensors, saveSafetensors } from './io/safetensors.js';
export type { SafetensorsFile, SafetensorsProgress, LoadSafetensorsOptions, SaveSafetensorsOptions, SafetensorsBytes, SafetensorsStream } from './io/safetensors.js';
export const version = '0.1.0';
// ONNX, and tensor ops added beside the ONNX front end
export { loadOnnx, loadOnnxSync, type LoadOnnxOptions, type OnnxProgress, type OnnxSource } from './onnx/load.js';
export { OnnxModel, type OnnxValueInfo, type OnnxFeed } from './onnx/model.js';
export type { OnnxProfile, ProfileOptions, NodeTime, OpTypeTime } from './onnx/profile.js';
export { InferenceSession, type OrtLikeTensor } from './onnx/session.js';
export { supportedOps } from './onnx/ops/index.js';
export { cat, stack } from './ops/cat.js';
export { arange, eye, type FactoryOptions, type EyeOptions } from './ops/factories.js';
export { tril, triu } from './ops/tri.js';
export { gather, indexSelect, take, scatter, nonzero, type ScatterOptions, type ScatterReduce } from './ops/gather.js';
export { type IndexItem } from './tensor.js';
export * as models from './models/index.js';
