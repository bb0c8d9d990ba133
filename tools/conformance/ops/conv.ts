/** Runners for the convolution family: conv2d, conv1d, maxpool2d, avgpool2d, adaptive_avg_pool2d, batchnorm2d. */
import { F, nn } from '../../../src/api.js';
import { stateDictOf, type GoldenCase, type OpRunner } from '../types.js';

function conv(c: GoldenCase, M: typeof nn.Conv2d | typeof nn.Conv1d) {
  const p = c.params;
  const m = new M(p.in_channels, p.out_channels, p.kernel_size, {
    stride: p.stride, padding: p.padding, dilation: p.dilation, groups: p.groups, bias: p.bias,
  });
  try {
    m.loadStateDict(stateDictOf(c));
    return { output: m.forward(c.tensors.input) };
  } finally {
    m.dispose();
  }
}

export const runners: Record<string, OpRunner> = {
  conv2d: (c) => conv(c, nn.Conv2d),
  conv1d: (c) => conv(c, nn.Conv1d),
  maxpool2d: (c) => {
    const p = c.params;
    const m = new nn.MaxPool2d(p.kernel_size, { stride: p.stride, padding: p.padding, dilation: p.dilation ?? 1, ceilMode: p.ceil_mode });
    return { output: m.forward(c.tensors.input) };
  },
  avgpool2d: (c) => {
    const p = c.params;
    const m = new nn.AvgPool2d(p.kernel_size, { stride: p.stride, padding: p.padding, ceilMode: p.ceil_mode, countIncludePad: p.count_include_pad });
    return { output: m.forward(c.tensors.input) };
  },
  adaptive_avg_pool2d: (c) => ({ output: F.adaptiveAvgPool2d(c.tensors.input, c.params.output_size) }),
  batchnorm2d: (c) => {
    const p = c.params;
    const m = new nn.BatchNorm2d(p.num_features, { eps: p.eps, momentum: p.momentum, affine: p.affine });
    try {
      m.loadStateDict(stateDictOf(c));
      return { output: m.forward(c.tensors.input) };
    } finally {
      m.dispose();
    }
  },
};
