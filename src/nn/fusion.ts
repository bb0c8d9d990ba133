/**
 * Folding an inference BatchNorm2d into the Conv2d before it (as torch.nn.utils.fusion.fuse_conv_bn_eval):
 *   W'[o] = W[o] * s[o],  b'[o] = (b[o] - mean[o]) * s[o] + beta[o],  s = gamma / sqrt(var + eps)
 * computed in float64 and rounded once. The fused convolution always has a bias.
 *
 * How model code uses it: keep the original modules (they own the state_dict keys and stay
 * loadable), and run a forward plan built by planFoldedForward(children, { foldBatchNorm })
 * (e.g. planFoldedForward([...sequential])),
 * which replaces every Conv2d immediately followed by a matching BatchNorm2d with one fused
 * Conv2d. Rebuild the plan after loadStateDict (the fused weights are a copy), dispose the plan's
 * fused modules with disposeFoldedPlan. foldBatchNorm: false keeps the modules as they are.
 */
import { Module } from './module.js';
import { Conv2d } from './conv.js';
import { BatchNorm2d } from './batchnorm.js';
import { ArgumentError } from '../runtime/errors.js';
import { bnScaleShift } from '../ops/batchnorm.js';

/** @internal A new Conv2d computing bn(conv(x)) in eval mode. The inputs are not changed. */
export function fuseConvBnEval(conv: Conv2d, bn: BatchNorm2d): Conv2d {
  if (bn.numFeatures !== conv.outChannels) {
    throw new ArgumentError(`fuseConvBnEval: BatchNorm2d has ${bn.numFeatures} features, expected the conv's out_channels ${conv.outChannels}`);
  }
  const fused = new Conv2d(conv.inChannels, conv.outChannels, conv.kernelSize, {
    stride: conv.stride, padding: conv.padding, dilation: conv.dilation, groups: conv.groups, bias: true,
  }, conv.weight.engine);
  const [scale, shift] = bnScaleShift(bn.runningMean, bn.runningVar, bn.weight, bn.bias, bn.eps);
  const w = conv.weight.toFloat32Array();
  const b = conv.bias ? conv.bias.toFloat32Array() : null;
  const per = w.length / conv.outChannels;
  const fw = new Float32Array(w.length);
  const fb = new Float32Array(conv.outChannels);
  for (let o = 0; o < conv.outChannels; o++) {
    for (let i = 0; i < per; i++) fw[o * per + i] = w[o * per + i] * scale[o];
    fb[o] = (b ? b[o] : 0) * scale[o] + shift[o];
  }
  (fused.weight.data() as Float32Array).set(fw);
  (fused.bias!.data() as Float32Array).set(fb);
  return fused;
}

/** @internal */
export interface FoldOptions {
  /** Fold Conv2d -> BatchNorm2d pairs (default true). */
  foldBatchNorm?: boolean;
}

/** @internal A forward plan: the modules to run in order, and the fused ones it owns. */
export interface FoldedPlan {
  steps: Module[];
  owned: Conv2d[];
}

/** @internal The modules to run in order, with each Conv2d -> BatchNorm2d pair folded into one fused Conv2d. */
export function planFoldedForward(modules: readonly Module[], options: FoldOptions = {}): FoldedPlan {
  const steps: Module[] = [];
  const owned: Conv2d[] = [];
  for (let i = 0; i < modules.length; i++) {
    const m = modules[i];
    const next = modules[i + 1];
    if ((options.foldBatchNorm ?? true) && m instanceof Conv2d && next instanceof BatchNorm2d && next.numFeatures === m.outChannels) {
      const f = fuseConvBnEval(m, next);
      owned.push(f);
      steps.push(f);
      i++;
    } else {
      steps.push(m);
    }
  }
  return { steps, owned };
}

/** @internal Disposes the fused modules a plan owns. */
export function disposeFoldedPlan(plan: FoldedPlan): void {
  for (const m of plan.owned) m.dispose();
  plan.owned.length = 0;
}
