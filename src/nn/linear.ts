/**
 * nn.Linear(inFeatures, outFeatures, { bias }): y = x W^T + b over the last dimension of inputs of
 * any leading shape [..., in]. State keys `weight` [out, in] and `bias` [out], as PyTorch. The
 * weights are packed for the GEMM on construction and again whenever they are loaded (onLoad).
 */
import { Module } from './module.js';
import { Tensor } from '../tensor.js';
import { getEngine, type Engine } from '../runtime/engine.js';
import { ArgumentError } from '../runtime/errors.js';
import { PackedWeights, gemm, type Activation } from '../ops/gemm.js';
import { linearPacked, linearRows } from '../ops/linear.js';
import { QPackedWeights, qgemm, qlinearPacked } from '../ops/qgemm.js';
import { HPackedWeights, hgemm } from '../ops/hgemm.js';
import { quantizeParameter, type DynamicQuantizable } from './quantize.js';

export interface LinearOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
}

/** PyTorch's default init: U(-1/sqrt(in), 1/sqrt(in)) for weight and bias. */
function uniformInit(t: Tensor, bound: number): void {
  const d = t.data<'float32'>();
  for (let i = 0; i < d.length; i++) d[i] = (Math.random() * 2 - 1) * bound;
}

export class Linear extends Module implements DynamicQuantizable {
  /** [out, in] float32, or int8 after nn.quantizeDynamic (then `weight_scale` [out] holds the scales). */
  readonly weight: Tensor;
  readonly bias: Tensor | null;
  private packed: PackedWeights | null = null;
  private qpacked: QPackedWeights | null = null;
  private hpacked: HPackedWeights | null = null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
    engine: Engine = getEngine(),
  ) {
    super(engine);
    for (const [name, v] of [['inFeatures', inFeatures], ['outFeatures', outFeatures]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ArgumentError(`Linear: ${name} must be an integer >= 1, got ${String(v)}`);
    }
    const bound = 1 / Math.sqrt(inFeatures);
    this.weight = this.registerParameter('weight', Tensor.empty([outFeatures, inFeatures], 'float32', engine));
    uniformInit(this.weight, bound);
    this.bias = options.bias ?? true ? this.registerParameter('bias', Tensor.empty([outFeatures], 'float32', engine)) : null;
    if (this.bias) uniformInit(this.bias, bound);
    this.repack();
  }

  /** `out` (optional, not in torch.nn): a preallocated [..., out] float32 result, e.g. in a decoding loop. */
  forward(x: Tensor, out?: Tensor): Tensor {
    this.checkLive();
    this.freshPacks();
    return this.forwardFused(x, 'none', out);
  }

  /**
   * act(x W^T + b) with the activation fused into the GEMM epilogue (for layers that follow a
   * Linear by an activation, e.g. the Transformer feed-forward block). Not part of torch.nn.
   */
  forwardFused(x: Tensor, act: Activation, out?: Tensor): Tensor {
    this.checkLive();
    this.freshPacks();
    if (this.qpacked) return qlinearPacked('Linear', x, this.qpacked, act, out);
    if (this.hpacked) {
      const h = this.hpacked;
      return linearRows('Linear', x, h, (m, a, c) => hgemm(this.engine, { m, a, c, act }, h), out);
    }
    return linearPacked('Linear', x, this.packed!, act, out);
  }

  /**
   * C[m, out] = act(A[m, in] W^T + b) on raw operands in the engine's memory (byte addresses,
   * leading dimensions in elements), for layers built on a Linear (e.g. attention projections
   * reading strided rows). Not part of torch.nn.
   */
  project(m: number, a: number, lda: number, c: number, ldc: number, act: Activation = 'none'): void {
    this.checkLive();
    this.freshPacks();
    if (this.qpacked) qgemm(this.engine, { m, a, lda, c, ldc, act }, this.qpacked);
    else if (this.hpacked) hgemm(this.engine, { m, a, lda, c, ldc, act }, this.hpacked);
    else gemm(this.engine, { m, a, lda, c, ldc, act }, this.packed!);
  }

  /** Internal (nn.quantizeDynamic): weight becomes int8 per output channel + `weight_scale`, in place. */
  _quantizeDynamic(): void {
    this.checkLive();
    if (this.weight.dtype === 'int8') return;
    (this as { weight: Tensor }).weight = quantizeParameter(this, 'weight', (n, t) => this.registerParameter(n, t));
    this.repack();
  }

  /** True once quantized (int8 weights, int8 GEMM). */
  get quantized(): boolean {
    return this.weight.dtype === 'int8';
  }

  protected onLoad(): void {
    this.onDispose();
    if (this.weight.dtype === 'int8') this.qpacked = QPackedWeights.fromTensors(this.weight, this.param('weight_scale'), this.bias);
    else if (this.weight.dtype === 'float16') {
      const [n, k] = this.weight.shape;
      this.hpacked = HPackedWeights.fromHalf(this.engine, n, k, this.weight.toTypedArray() as Uint16Array, this.bias?.toFloat32Array());
      if (!this.hpacked) this.packed = this.engine.scope(() => PackedWeights.fromTensor(Tensor.from(this.weight.toFloat32Array(), [n, k], 'float32', this.engine), this.bias)); // Inf/NaN weights: widened f32 panels
    } else this.packed = PackedWeights.fromTensor(this.weight, this.bias);
  }

  protected onDispose(): void {
    this.packed?.dispose();
    this.packed = null;
    this.qpacked?.dispose();
    this.qpacked = null;
    this.hpacked?.dispose();
    this.hpacked = null;
  }

  /** The weight may stay float16 (loadSafetensors(..., { keep: 'f16' })): the fp16-weight GEMM runs. */
  protected override halfParams(): readonly string[] {
    return ['weight'];
  }

  protected override onParamReplaced(name: string, t: Tensor): void {
    if (name === 'weight') (this as { weight: Tensor }).weight = t;
  }

  protected extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias ? 'True' : 'False'}${this.quantized ? ', dtype=int8' : ''}`;
  }
}
