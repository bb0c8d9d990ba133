/**
 * nn.quantizeDynamic(module, { dtype: 'int8' }): dynamic quantization in the manner of
 * torch.ao.quantization.quantize_dynamic, IN PLACE: the module passed in (and every supported
 * submodule) is changed and returned; nothing is copied, the float32 weights are freed.
 *
 * Supported layers: Linear (and so Transformer feed-forwards), MultiheadAttention (input and
 * output projections), RNN / GRU / LSTM (W_ih and W_hh), Conv1d / Conv2d (im2col or 1x1 rows
 * through the int8 GEMM: ops/qconv.ts). Not: the RNN cells (RNNCell/GRUCell/LSTMCell), Embedding,
 * depthwise-heavy models gain nothing (their GEMMs are tiny). TinyCNN's BatchNorm folding reads
 * float weights: quantize a model built with foldBatchNorm: false. Each weight becomes int8 per output channel, symmetric
 * (zero point 0, codes -127..127, scale = max|row| / 127, src/ops/qgemm.ts), and its scales a
 * float32 parameter next to it. Activations are quantized per row at run time (7-bit codes with a
 * per-row zero point); the GEMM accumulates in int32 and writes float32.
 *
 * State dict (safetensors-ready, saveSafetensors writes I8 + F32): the weight key keeps its
 * PyTorch name and its shape, now int8, and the scales take the key `<weight key>_scale`:
 *   Linear, Conv1d/Conv2d: `weight` I8 (PyTorch's shape), `weight_scale` F32 [out], `bias` F32 [out]
 *   MultiheadAttention: `in_proj_weight` I8 [3E, E] + `in_proj_weight_scale` F32 [3E] (or
 *     q/k/v_proj_weight + `_scale` when kdim/vdim differ), `out_proj.weight` + `out_proj.weight_scale`
 *   RNN/GRU/LSTM: `weight_ih_l{k}[_reverse]` I8 [G*H, in] + `weight_ih_l{k}[_reverse]_scale` F32 [G*H],
 *     `weight_hh_l{k}...` I8 + `..._scale` F32, biases F32 unchanged.
 * A quantized module loads such a dict with loadStateDict (the scales may also be [1]: per
 * tensor, as PyTorch's default qint8 weights); quantize the freshly built module first so its
 * keys and dtypes match. PyTorch's own quantized state dicts hold packed C++ objects in a pickle;
 * tools/torch-qdynamic-to-safetensors.py turns a quantize_dynamic'ed model into this layout:
 * supported are its dynamic Linear layers with qint8 weights, per tensor or per channel (axis 0),
 * zero points 0 (torch's defaults); not its dynamic RNN modules (packed params with no int8 view)
 * nor float16 dynamic weights. The codes load unchanged; the activations are then quantized by our
 * rule (7-bit, per row), so outputs differ from torch's int8 output by about 1.5-1.9% of the
 * output scale (test/fixtures/int8, tools/gen-int8-fixtures.py).
 */
import { Module } from './module.js';
import { Tensor } from '../tensor.js';
import { ArgumentError } from '../runtime/errors.js';
import { quantizePerChannel } from '../ops/qgemm.js';

export interface QuantizeDynamicOptions {
  /** Only 'int8' (default). */
  dtype?: 'int8';
}

/** A module that can swap its float32 weights for int8 ones in place (called by quantizeDynamic). */
export interface DynamicQuantizable {
  _quantizeDynamic(): void;
}

function isQuantizable(m: Module): m is Module & DynamicQuantizable {
  return typeof (m as Partial<DynamicQuantizable>)._quantizeDynamic === 'function';
}

/** Quantizes every supported layer of `module` (itself included) in place; returns `module`. */
export function quantizeDynamic<M extends Module>(module: M, options: QuantizeDynamicOptions = {}): M {
  if (!(module instanceof Module)) throw new ArgumentError(`quantizeDynamic: module must be an nn.Module, got ${module === null ? 'null' : typeof module}`);
  const dtype = options.dtype ?? 'int8';
  if (dtype !== 'int8') throw new ArgumentError(`quantizeDynamic: dtype must be 'int8', got ${JSON.stringify(dtype)}`);
  const visit = (m: Module) => {
    if (isQuantizable(m)) m._quantizeDynamic();
    else for (const [, c] of m.namedChildren()) visit(c);
  };
  visit(module);
  return module;
}

/**
 * Replaces the float32 parameter `name` of `owner` by its per-channel int8 quantization (same
 * shape; channels = the first dimension) and registers `<name>_scale` [channels]; frees the float
 * weight. `register` is the owner's registerParameter. Returns the int8 tensor.
 */
export function quantizeParameter(owner: Module, name: string, register: (name: string, t: Tensor) => Tensor): Tensor {
  const w = owner.stateDict()[name];
  if (!w || w.dtype !== 'float32') throw new ArgumentError(`quantizeDynamic: ${owner.constructor.name}.${name} must be a float32 parameter, got ${w ? w.dtype : 'none'}`);
  const n = w.shape[0];
  const { q, scales } = quantizePerChannel(w.data<'float32'>(), n, w.numel / n);
  const qt = Tensor.from(q, w.shape, 'int8', w.engine);
  let st: Tensor;
  try {
    st = Tensor.from(scales, [n], 'float32', w.engine);
  } catch (e) {
    qt.dispose();
    throw e;
  }
  register(name, qt);
  register(`${name}_scale`, st);
  w.dispose();
  return qt;
}
