/**
 * nn.RNNCell, nn.GRUCell, nn.LSTMCell: one time step, PyTorch's arguments, keys (`weight_ih`,
 * `weight_hh`, `bias_ih`, `bias_hh`) and returns:
 *   RNNCell/GRUCell  forward(input, hx?)        -> h'            input [B, I] or [I]
 *   LSTMCell         forward(input, [h, c]?)    -> [h', c']
 * They run the same kernels as the sequence modules with T = 1 (one gemm + one fused call).
 */
import { Module } from './module.js';
import { Tensor } from '../tensor.js';
import type { Engine } from '../runtime/engine.js';
import { ArgumentError, ShapeError, fmtShape } from '../runtime/errors.js';
import { expectEngine, expectInt, expectTensor } from '../ops/check.js';
import { owning } from '../ops/own.js';
import { RnnLayerPack, runLayers, runScratchBytes, type RnnMode } from '../ops/rnn.js';
import { makeRecurrentParams } from './rnn.js';

export interface RNNCellOptions {
  bias?: boolean;
  nonlinearity?: 'tanh' | 'relu';
}

export abstract class RNNCellBase extends Module {
  readonly bias: boolean;
  private pack: RnnLayerPack | null = null;

  protected constructor(
    readonly mode: RnnMode,
    readonly inputSize: number,
    readonly hiddenSize: number,
    bias: boolean,
    engine?: Engine,
  ) {
    super(engine);
    const op = new.target.name;
    expectInt(op, 'inputSize', inputSize, 1);
    expectInt(op, 'hiddenSize', hiddenSize, 1);
    this.bias = bias;
    makeRecurrentParams(this.engine, mode, inputSize, hiddenSize, bias, (n, t) => this.registerParameter(n, t));
    this.repack();
  }

  protected override onLoad(): void {
    this.pack?.dispose();
    this.pack = RnnLayerPack.build(this.engine, this.mode, this.hiddenSize, [
      {
        weightIh: this.param('weight_ih'),
        weightHh: this.param('weight_hh'),
        biasIh: this.bias ? this.param('bias_ih') : null,
        biasHh: this.bias ? this.param('bias_hh') : null,
      },
    ]);
  }

  protected override onDispose(): void {
    this.pack?.dispose();
    this.pack = null;
  }

  protected override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (!this.bias) s += ', bias=False';
    if (this.mode === 'rnn_relu') s += ', nonlinearity=relu';
    return s;
  }

  /** One step; returns h' (and c' for LSTM), shaped like hx ([B, H] or unbatched [H]). */
  protected cell(input: Tensor, hx: Tensor | null | undefined, cx: Tensor | null | undefined): { h: Tensor; c: Tensor | null } {
    this.checkLive();
    this.freshPacks();
    const op = `${this.constructor.name}.forward`;
    expectTensor(op, 'input', input);
    const unbatched = input.ndim === 1;
    if ((input.ndim !== 1 && input.ndim !== 2) || input.shape[input.ndim - 1] !== this.inputSize) {
      throw new ShapeError(`${op}: input has shape ${fmtShape(input.shape)}, expected [B, ${this.inputSize}] or [${this.inputSize}]`);
    }
    const B = unbatched ? 1 : input.shape[0];
    if (B === 0) throw new ShapeError(`${op}: input ${fmtShape(input.shape)} has an empty batch`);
    const H = this.hiddenSize;
    const shape = unbatched ? [H] : [B, H];
    for (const [name, t] of [['hx', hx], ['cx', cx]] as const) {
      if (t == null) continue;
      expectTensor(op, name, t);
      if (t.ndim !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
        throw new ShapeError(`${op}: ${name} has shape ${fmtShape(t.shape)}, expected ${fmtShape(shape)}`);
      }
    }
    expectEngine(op, this.engine, { input, hx, cx });
    const e = input.engine;
    const bytes = runScratchBytes(this.mode, H, 1, 1, 1, B);
    let xp = 0; // arena pointers are never 0 (the heap starts above it)
    let ws = 0;
    // The outputs, then the scratch: a failure anywhere frees what came before it.
    return owning((own) => {
      const h = own(Tensor.empty(shape, 'float32', e));
      const c = this.mode === 'lstm' ? own(Tensor.empty(shape, 'float32', e)) : null;
      try {
        xp = e.arena.alloc(bytes.xp);
        ws = e.arena.alloc(bytes.ws);
        runLayers(
          e,
          [this.pack!],
          { T: 1, B, batchFirst: false, x: input.ptr, h0: hx ? hx.ptr : 0, c0: cx ? cx.ptr : 0, y: h.ptr, hn: 0, cn: c ? c.ptr : 0 },
          { xp, mid: 0, ws },
        );
      } finally {
        if (xp) e.arena.free(xp);
        if (ws) e.arena.free(ws);
      }
      return { h, c };
    });
  }
}

/** nn.RNNCell(inputSize, hiddenSize, { bias, nonlinearity }). */
export class RNNCell extends RNNCellBase {
  readonly nonlinearity: 'tanh' | 'relu';
  constructor(inputSize: number, hiddenSize: number, options: RNNCellOptions = {}, engine?: Engine) {
    const nl = options.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new ArgumentError(`RNNCell: nonlinearity must be 'tanh' or 'relu', got ${String(nl)}`);
    super(nl === 'relu' ? 'rnn_relu' : 'rnn_tanh', inputSize, hiddenSize, options.bias ?? true, engine);
    this.nonlinearity = nl;
  }

  /** h' = act(W_ih x + b_ih + W_hh h + b_hh); hx defaults to zeros. */
  forward(input: Tensor, hx?: Tensor | null): Tensor {
    return this.cell(input, hx, null).h;
  }
}

/** nn.GRUCell(inputSize, hiddenSize, { bias }). */
export class GRUCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, options: { bias?: boolean } = {}, engine?: Engine) {
    super('gru', inputSize, hiddenSize, options.bias ?? true, engine);
  }

  forward(input: Tensor, hx?: Tensor | null): Tensor {
    return this.cell(input, hx, null).h;
  }
}

/** nn.LSTMCell(inputSize, hiddenSize, { bias }). */
export class LSTMCell extends RNNCellBase {
  constructor(inputSize: number, hiddenSize: number, options: { bias?: boolean } = {}, engine?: Engine) {
    super('lstm', inputSize, hiddenSize, options.bias ?? true, engine);
  }

  /** Returns [h', c'] as PyTorch's (h_1, c_1); hx = [h, c] (both or neither). */
  forward(input: Tensor, hx?: [Tensor, Tensor] | null): [Tensor, Tensor] {
    if (hx != null && (!Array.isArray(hx) || hx.length !== 2)) {
      throw new ArgumentError(`LSTMCell.forward: hx must be [h, c], got ${Array.isArray(hx) ? `an array of ${hx.length}` : typeof hx}`);
    }
    const r = this.cell(input, hx?.[0], hx?.[1]);
    return [r.h, r.c!];
  }
}
