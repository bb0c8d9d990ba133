/**
 * Runners for the layer family: maxpool1d, avgpool1d, adaptive_avg_pool1d, adaptive_max_pool2d,
 * batchnorm1d, group_norm, instance_norm1d/2d, conv_transpose1d/2d (cases by tools/gen-golden-layers.py).
 * adaptive_avg_pool2d (any size) is run by the conv family's runner.
 */
import { nn, type Tensor } from '../../../src/api.js';
import { stateDictOf, type GoldenCase, type OpRunner } from '../types.js';

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

export const runners: Record<string, OpRunner> = {
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

