/**
 * The public surface shared by every entry point. Re-exports on purpose only.
 */
export { Tensor, type DType, type TensorData } from './tensor.js';
export { Engine, getEngine, setEngine, type BuildName, type EngineInfo } from './runtime/engine.js';
export type { InitOptions, WasmSource } from './runtime/loader.js';
export type { MemoryStats } from './runtime/memory.js';
export { detectFeatures, type Features } from './runtime/detect.js';
export * from './runtime/errors.js';
export * as nn from './nn/index.js';
export * as functional from './nn/functional.js';
export * as F from './nn/functional.js';
export { scope, keep, memoryStats } from './scope.js';
export { loadSafetensors, parseSafetensors, type SafetensorsFile } from './io/safetensors.js';
export const version = '0.1.0';
export { loadSafetensorsSync, readSafetensors, saveSafetensors, type SafetensorsProgress, type LoadSafetensorsOptions, type SaveSafetensorsOptions } from './io/safetensors.js';
export { loadOnnx, loadOnnxSync, type LoadOnnxOptions, type OnnxProgress, type OnnxSource } from './onnx/load.js';
export { OnnxModel, type OnnxValueInfo, type OnnxFeed } from './onnx/model.js';
export { InferenceSession, type OrtLikeTensor } from './onnx/session.js';
export { supportedOps } from './onnx/ops/index.js';
export { cat, stack } from './ops/cat.js';
export { arange, eye, type FactoryOptions, type EyeOptions } from './ops/factories.js';
export { tril, triu } from './ops/tri.js';
export { gather, indexSelect, take, scatter, nonzero, type ScatterOptions, type ScatterReduce } from './ops/gather.js';
export { type IndexItem } from './tensor.js';
