/**
 * The output projection of nn.MultiheadAttention, named as PyTorch names its class
 * (`NonDynamicallyQuantizableLinear`, a Linear) so the module tree prints the same and its keys
 * come out as `out_proj.weight` / `out_proj.bias`. y = x W^T + b through the GEMM operator, with
 * the weights packed once per load.
 */
import { Module } from './module.js';
import { Tensor } from '../tensor.js';
import type { Engine } from '../runtime/engine.js';
import { gemm, PackedWeights } from '../ops/gemm.js';

export class NonDynamicallyQuantizableLinear extends Module {
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  private packed: PackedWeights | null = null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    bias = true,
    engine?: Engine,
  ) {
    super(engine);
    // PyTorch's Linear init: kaiming_uniform(a=sqrt(5)) = U(-1/sqrt(in), 1/sqrt(in)); MHA then
    // zeroes the bias.
    const w = Tensor.empty([outFeatures, inFeatures], 'float32', this.engine);
    const bound = 1 / Math.sqrt(inFeatures);
    const wd = w.data<'float32'>();
    for (let i = 0; i < wd.length; i++) wd[i] = (Math.random() * 2 - 1) * bound;
    this.weight = this.registerParameter('weight', w);
    this.bias = bias ? this.registerParameter('bias', Tensor.zeros([outFeatures], 'float32', this.engine)) : null;
  }

  /** C[m, out] = A[m, in] W^T + b, A and C strided (leading dims in elements). */
  project(m: number, a: number, lda: number, c: number, ldc: number): void {
    this.checkLive();
    if (!this.packed) this.packed = PackedWeights.fromTensor(this.weight, this.bias);
    gemm(this.engine, { m, a, lda, c, ldc }, this.packed);
  }

  protected onLoad(): void {
    this.packed?.dispose();
    this.packed = null;
  }

  protected onDispose(): void {
    this.packed?.dispose();
    this.packed = null;
  }

  protected extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias !== null ? 'True' : 'False'}`;
  }
}
