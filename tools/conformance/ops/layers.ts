/**
 * Runners for the layer family: maxpool1d, avgpool1d, adaptive_avg_pool1d, adaptive_max_pool2d,
 * batchnorm1d, group_norm, instance_norm1d/2d, conv_transpose1d/2d, interpolate, transformer,
 * transformer_decoder, weight_norm (cases by tools/gen-golden-layers.py).
 * adaptive_avg_pool2d (any size) is run by the conv family's runner.
 */
import { F, nn, type Tensor } from '../../../src/api.js';
import { Unsupported, stateDictOf, type GoldenCase, type OpRunner } from '../types.js';

/** Loads the case's state dict into m, runs forward on `input`, disposes m. */
function withModule<M extends nn.Module>(c: GoldenCase, m: M, run: (m: M) => Tensor): Record<string, Tensor> {
  try {
    m.loadStateDict(stateDictOf(c));
    return { output: run(m) };
  } finally {
    m.dispose();
  }
}

function convTranspose(c: GoldenCase, M: typeof nn.ConvTranspose1d | typeof nn.ConvTranspose2d): Record<string, Tensor> {
  const p = c.params;
  const m = new M(p.in_channels, p.out_channels, p.kernel_size, {
    stride: p.stride, padding: p.padding, outputPadding: p.output_padding, groups: p.groups, bias: p.bias, dilation: p.dilation,
  });
  return withModule(c, m, (mod) => mod.forward(c.tensors.input));
}

/** The layer options of a transformer case's params. */
const layerOptions = (p: GoldenCase['params']) => ({
  dimFeedforward: p.dim_feedforward, dropout: p.dropout, activation: p.activation, layerNormEps: p.layer_norm_eps, batchFirst: p.batch_first, normFirst: p.norm_first,
});

/** The torch.nn modules weight_norm cases wrap, by class name: (args, camelCase kwargs). */
const WEIGHT_NORMED: Record<string, (a: number[], kw: Record<string, unknown>) => nn.Module & { forward(x: Tensor): Tensor }> = {
  Conv1d: (a, kw) => new nn.Conv1d(a[0], a[1], a[2], kw),
  Conv2d: (a, kw) => new nn.Conv2d(a[0], a[1], a[2], kw),
  Linear: (a, kw) => new nn.Linear(a[0], a[1], kw),
};

export const runners: Record<string, OpRunner> = {
  weight_norm: (c) => {
    const p = c.params;
    const make = WEIGHT_NORMED[p.module];
    if (!make) throw new Unsupported(`weight_norm of ${p.module}`);
    return withModule(c, nn.utils.weightNorm(make(p.args, p.kwargs), p.name, p.dim), (m) => m.forward(c.tensors.input));
  },
  transformer_decoder: (c) => {
    const p = c.params;
    const t = c.tensors;
    const layer = new nn.TransformerDecoderLayer(p.d_model, p.nhead, layerOptions(p));
    let m: nn.TransformerDecoder;
    try {
      m = new nn.TransformerDecoder(layer, p.num_layers, { norm: p.norm ? new nn.LayerNorm(p.d_model, { eps: p.layer_norm_eps }) : null });
    } finally {
      layer.dispose();
    }
    return withModule(c, m, (mod) => mod.forward(t.input, t.memory, { tgtMask: t.tgt_mask ?? null, memoryKeyPaddingMask: t.memory_key_padding_mask ?? null }));
  },
  transformer: (c) => {
    const p = c.params;
    const t = c.tensors;
    const m = new nn.Transformer({ dModel: p.d_model, nhead: p.nhead, numEncoderLayers: p.num_encoder_layers, numDecoderLayers: p.num_decoder_layers, ...layerOptions(p) });
    return withModule(c, m, (mod) => mod.forward(t.input, t.tgt, {
      tgtMask: t.tgt_mask ?? null, srcKeyPaddingMask: t.src_key_padding_mask ?? null, memoryKeyPaddingMask: t.memory_key_padding_mask ?? null,
    }));
  },
  interpolate: (c) => {
    const p = c.params;
    const o = { size: p.size, scaleFactor: p.scale_factor, mode: p.mode, alignCorners: p.align_corners, recomputeScaleFactor: p.recompute_scale_factor };
    return { output: F.interpolate(c.tensors.input, o) };
  },
  conv_transpose1d: (c) => convTranspose(c, nn.ConvTranspose1d),
  conv_transpose2d: (c) => convTranspose(c, nn.ConvTranspose2d),
  maxpool1d: (c) => {
    const p = c.params;
    return { output: new nn.MaxPool1d(p.kernel_size, { stride: p.stride, padding: p.padding, dilation: p.dilation, ceilMode: p.ceil_mode }).forward(c.tensors.input) };
  },
  avgpool1d: (c) => {
    const p = c.params;
    return { output: new nn.AvgPool1d(p.kernel_size, { stride: p.stride, padding: p.padding, ceilMode: p.ceil_mode, countIncludePad: p.count_include_pad }).forward(c.tensors.input) };
  },
  adaptive_avg_pool1d: (c) => ({ output: new nn.AdaptiveAvgPool1d(c.params.output_size).forward(c.tensors.input) }),
  adaptive_max_pool2d: (c) => ({ output: new nn.AdaptiveMaxPool2d(c.params.output_size).forward(c.tensors.input) }),
  batchnorm1d: (c) => {
    const p = c.params;
    return withModule(c, new nn.BatchNorm1d(p.num_features, { eps: p.eps, momentum: p.momentum, affine: p.affine }), (m) => m.forward(c.tensors.input));
  },
  group_norm: (c) => {
    const p = c.params;
    return withModule(c, new nn.GroupNorm(p.num_groups, p.num_channels, { eps: p.eps, affine: p.affine }), (m) => m.forward(c.tensors.input));
  },
  instance_norm1d: (c) => {
    const p = c.params;
    return withModule(c, new nn.InstanceNorm1d(p.num_features, { eps: p.eps, momentum: p.momentum, affine: p.affine, trackRunningStats: p.track_running_stats }), (m) => m.forward(c.tensors.input));
  },
  instance_norm2d: (c) => {
    const p = c.params;
    return withModule(c, new nn.InstanceNorm2d(p.num_features, { eps: p.eps, momentum: p.momentum, affine: p.affine, trackRunningStats: p.track_running_stats }), (m) => m.forward(c.tensors.input));
  },
};

