/**
 * What a workload is: one shape of one operator, with a setup per engine. A setup does all the
 * work that must stay out of the timed call (tensors, packed weights, ONNX sessions) and returns
 * a Prepared: the timed call plus its cleanup. A setup that cannot run (our op not merged yet,
 * a peer op missing from its wasm build) throws NotAvailable with the reason, which becomes the
 * row's status instead of a crash.
 */
import type { Engine } from '../../src/entries/node.js';
import type { OrtPeer } from '../peers/ort.js';
import type { TfPeer } from '../peers/tfjs.js';

export class NotAvailable extends Error {
  override name = 'NotAvailable';
}

export interface Prepared {
  /** The timed call: one whole operator. Returns a Promise for onnxruntime-web. */
  run(): void | Promise<unknown>;
  /** True when run() returns a Promise (onnxruntime-web). */
  async?: boolean;
  /**
   * One untimed call that returns the output in PyTorch's layout (NCHW, [B, h, S, d], ...), so the
   * bench can check that every engine computes the same thing before timing it.
   */
  output?(): Float32Array | Promise<Float32Array>;
  /** Frees tensors, weights, sessions. */
  dispose(): void | Promise<void>;
  /** Scratch memory the call needs beyond inputs, weights and outputs (bytes), when measured. */
  workspaceBytes?: number;
  /** One short remark shown in the table (e.g. "composed from core ops"). */
  note?: string;
}

/** The engines a workload can be run on. 'ours' runs once per simdnn build (simd, relaxed). */
export interface Sides<D> {
  ours?: (engine: Engine, data: D) => Prepared;
  ort?: (ort: OrtPeer, data: D) => Promise<Prepared>;
  /** onnxruntime-web with a fused contrib op instead of a graph of primitives. */
  'ort-fused'?: (ort: OrtPeer, data: D) => Promise<Prepared>;
  tfjs?: (tf: TfPeer, data: D) => Prepared;
}

export interface Workload<D = unknown> {
  /** `<family>/<shape>`, e.g. `gemm/M=512,N=512,K=512`; --filter matches it. */
  name: string;
  /** Floating-point operations per call (GFLOP/s column). */
  flops?: number;
  /** Bytes of memory traffic per call (GB/s column), for memory-bound operators. */
  bytes?: number;
  /** Worst max|y - y_ref| / max|y_ref| the output check accepts (default 2e-3, bench/run.ts). */
  checkTol?: number;
  /** False: left out of --quick (very slow peers). Default true. */
  quick?: boolean;
  /** Inputs and weights, made once per workload and shared by every engine. */
  data(): D;
  sides: Sides<D>;
}

/** Erases the data type so workloads of different families fit in one list. */
export function workload<D>(w: Workload<D>): Workload<unknown> {
  return w as unknown as Workload<unknown>;
}
