/**
 * Internal entry, for this repository's tests, tools, benches and examples only: the node entry
 * plus what the public API (src/api.ts) deliberately leaves out. Not in package.json `exports`,
 * so users cannot import it; nothing here is stable.
 */
export * from './entries/node.js';
export { Engine, getEngine, setEngine, hasEngine } from './runtime/engine.js';
export { Arena } from './runtime/memory.js';
export { fmtShape } from './runtime/errors.js';
export { fuseConvBnEval, planFoldedForward, disposeFoldedPlan, type FoldOptions, type FoldedPlan } from './nn/fusion.js';
export { makeRecurrentParams } from './nn/rnn.js';
export { parseSafetensors, loadSafetensorsSync } from './io/safetensors.js';
