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
import { Sequential, type ForwardModule } from './container.js';
import { ReLU, ReLU6, Hardtanh, Hardsigmoid } from './activation.js';
import { Tensor } from '../tensor.js';
import type { Activation } from '../ops/gemm.js';
import { BatchNorm2d } from './batchnorm.js';
import { ArgumentError } from '../runtime/errors.js';
import { bnScaleShift } from '../ops/batchnorm.js';

/** @internal A new Conv2d computing bn(conv(x)) in eval mode. The inputs are not changed. */
export function fuseConvBnEval(conv: Conv2d, bn: BatchNorm2d): Conv2d {
  if (bn.numFeatures !== conv.outChannels) {
    throw new ArgumentError(`fuseConvBnEval: BatchNorm2d has ${bn.numFeatures} features, expected the conv's out_channels ${conv.outChannels}`);
  }
  const [scale, shift] = bnScaleShift(bn.runningMean, bn.runningVar, bn.weight, bn.bias, bn.eps);
  return foldConvAffine(conv, scale, shift);
}

/**
 * @internal A new Conv2d computing conv(x)[o] * scale[o] + shift[o] (W' = W * scale, b' = b *
 * scale + shift, in float64, rounded once). The input conv is not changed; the result has a bias.
 */
export function foldConvAffine(conv: Conv2d, scale: ArrayLike<number>, shift: ArrayLike<number>): Conv2d {
  if (scale.length !== conv.outChannels || shift.length !== conv.outChannels) {
    throw new ArgumentError(`foldConvAffine: scale and shift must have the conv's out_channels ${conv.outChannels} entries, got ${scale.length} and ${shift.length}`);
  }
  const fused = new Conv2d(conv.inChannels, conv.outChannels, conv.kernelSize, {
    stride: conv.stride, padding: conv.padding, dilation: conv.dilation, groups: conv.groups, bias: true,
  }, conv.weight.engine);
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

/**
 * @internal The convolution epilogue computing activation module `m` (ReLU: 'relu'; ReLU6 and
 * Hardtanh: their clamp), or null when it has none (SiLU, Hardswish, Sigmoid, ...: they run as a
 * separate pass). Hardsigmoid is handled by FoldedConv (an affine fold plus a clamp).
 */
export function epilogueOf(m: Module | null): Activation | null {
  if (m instanceof ReLU) return 'relu';
  if (m instanceof ReLU6 || m instanceof Hardtanh) return m.epilogue;
  return null;
}

/** @internal Whether FoldedConv can fuse activation module `m` into the convolution. */
export function fusableActivation(m: Module | null): boolean {
  return epilogueOf(m) !== null || m instanceof Hardsigmoid;
}

/**
 * conv -> [BatchNorm2d] -> [activation] run as one convolution: the BatchNorm (eval) is
 * folded into the weights and bias, the activation goes into the epilogue (see epilogueOf);
 * Hardsigmoid(y) = clamp(y/6 + 1/2, 0, 1) folds its affine part into the weights too (the
 * squeeze-excitation gates of MobileNetV3). An activation without an epilogue runs after the
 * convolution. The fused copy is rebuilt whenever a source tensor changed (loadStateDict or an
 * in-place write: Tensor.version), so the modules stay the state-dict owners. A quantized conv is
 * not folded (its modules run one after the other). dispose() frees the fused copy.
 */
export class FoldedConv {
  private fused: Conv2d | null = null;
  private key = '';
  private readonly act: Activation;
  private readonly hardsigmoid: boolean;
  private readonly post: ForwardModule | null;

  constructor(readonly conv: Conv2d, readonly bn: BatchNorm2d | null, readonly activation: ForwardModule | null = null) {
    if (bn && bn.numFeatures !== conv.outChannels) {
      throw new ArgumentError(`FoldedConv: BatchNorm2d has ${bn.numFeatures} features, expected the conv's out_channels ${conv.outChannels}`);
    }
    this.hardsigmoid = activation instanceof Hardsigmoid;
    const e = this.hardsigmoid ? { clamp: [0, 1] as [number, number] } : epilogueOf(activation);
    this.act = e ?? 'none';
    this.post = e ? null : activation;
  }

  /** The tensors the fused copy is computed from, and their versions (identity included: quantizeDynamic swaps the weight). */
  private sourceKey(): string {
    const ts = [this.conv.weight, this.conv.bias, this.bn?.weight, this.bn?.bias, this.bn?.runningMean, this.bn?.runningVar];
    return ts.map((t) => (t ? `${t.ptr}:${t.version}` : '-')).join(',');
  }

  private current(): Conv2d | null {
    if (this.conv.quantized) return null;
    if (!this.bn && !this.hardsigmoid) return this.conv;
    const key = this.sourceKey();
    if (this.fused && key === this.key) return this.fused;
    this.dispose();
    const c = this.conv.outChannels;
    let scale: Float64Array;
    let shift: Float64Array;
    if (this.bn) [scale, shift] = bnScaleShift(this.bn.runningMean, this.bn.runningVar, this.bn.weight, this.bn.bias, this.bn.eps);
    else [scale, shift] = [new Float64Array(c).fill(1), new Float64Array(c)];
    if (this.hardsigmoid) for (let o = 0; o < c; o++) [scale[o], shift[o]] = [scale[o] / 6, shift[o] / 6 + 0.5];
    this.fused = foldConvAffine(this.conv, scale, shift);
    this.key = key;
    return this.fused;
  }

  forward(x: Tensor): Tensor {
    const f = this.current();
    if (!f) {
      // Quantized: the modules as they are (a quantized conv applies no epilogue here).
      return x.engine.scope(() => {
        let y = this.conv.forward(x);
        if (this.bn) y = this.bn.forward(y);
        return this.activation ? this.activation.forward(y) : y;
      });
    }
    if (!this.post) return f.forwardFused(x, this.act);
    return x.engine.scope(() => this.post!.forward(f.forwardFused(x, this.act)));
  }

  dispose(): void {
    this.fused?.dispose();
    this.fused = null;
    this.key = '';
  }
}

/** A FoldedSequential step: a fused convolution chain or a child module run as it is. */
type Step = FoldedConv | ForwardModule;

/**
 * nn.Sequential whose forward runs every Conv2d -> [BatchNorm2d] -> [activation] run of
 * its children as one FoldedConv (BatchNorm folded, ReLU/ReLU6/Hardtanh/Hardsigmoid fused); the
 * children, their state_dict keys and repr are those of nn.Sequential. Used for torchvision's
 * Conv2dNormActivation and the model zoo's conv stacks.
 */
export class FoldedSequential extends Sequential {
  private plan: Step[] | null = null;
  private planned = 0;

  private steps(): Step[] {
    if (this.plan && this.planned === this.length) return this.plan;
    this.onDispose();
    const mods = [...this];
    const steps: Step[] = [];
    for (let i = 0; i < mods.length; i++) {
      const m = mods[i];
      if (!(m instanceof Conv2d)) {
        steps.push(m);
        continue;
      }
      const bn = mods[i + 1] instanceof BatchNorm2d && (mods[i + 1] as BatchNorm2d).numFeatures === m.outChannels ? (mods[i + 1] as BatchNorm2d) : null;
      const j = i + (bn ? 1 : 0);
      const act = fusableActivation(mods[j + 1] ?? null) ? mods[j + 1] : null;
      steps.push(new FoldedConv(m, bn, act));
      i = j + (act ? 1 : 0);
    }
    this.plan = steps;
    this.planned = this.length;
    return steps;
  }

  forward(input: Tensor): Tensor {
    this.checkLive();
    const steps = this.steps();
    const engine = input instanceof Tensor ? input.engine : this.engine;
    return engine.scope(() => {
      let x = input;
      for (const s of steps) x = s.forward(x);
      return x;
    });
  }

  protected onDispose(): void {
    for (const s of this.plan ?? []) if (s instanceof FoldedConv) s.dispose();
    this.plan = null;
  }
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
