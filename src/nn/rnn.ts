/**
 * nn.RNN, nn.GRU, nn.LSTM: PyTorch's recurrent layers (eval mode), same arguments, defaults,
 * state_dict keys (`weight_ih_l{k}[_reverse]`, `weight_hh_l{k}[_reverse]`, `bias_ih_l{k}[_reverse]`,
 * `bias_hh_l{k}[_reverse]`), gate order (LSTM i,f,g,o; GRU r,z,n with b_hn inside the reset
 * product) and layouts (input [T, B, I], or [B, T, I] when batchFirst, or unbatched [T, I];
 * states [numLayers*D, B, H] or unbatched [numLayers*D, H], never affected by batchFirst).
 *
 * Return values mirror PyTorch's tuples as arrays:
 *   RNN/GRU  forward(input, h0?)          -> [output, h_n]
 *   LSTM     forward(input, [h0, c0]?)    -> [output, [h_n, c_n]]
 * output is [T, B, D*H] (batch-first / unbatched like the input), forward direction in [..., :H].
 *
 * Streaming: `const s = lstm.initState(batch); const y = lstm.step(frame, s)` runs one time step of
 * every layer on preallocated buffers (unidirectional only) and allocates nothing per step.
 */
import { Module } from './module.js';
import { Tensor } from '../tensor.js';
import type { Engine } from '../runtime/engine.js';
import { ArgumentError, ShapeError, fmtShape } from '../runtime/errors.js';
import { expectEngine, expectInt, expectTensor } from '../ops/check.js';
import { quantizeParameter } from './quantize.js';
import { owning } from '../ops/own.js';
import {
  RnnLayerPack,
  gateCount,
  runLayers,
  runScratchBytes,
  type DirectionParams,
  type RnnMode,
  type RunScratch,
} from '../ops/rnn.js';

export interface RNNBaseOptions {
  /** Stacked layers (default 1). */
  numLayers?: number;
  /** Use b_ih and b_hh (default true). */
  bias?: boolean;
  /** Input and output are [B, T, feature] (default false: [T, B, feature]). */
  batchFirst?: boolean;
  /** Dropout between layers: training only, so only 0 is accepted (inference engine). */
  dropout?: number;
  /** Run a reverse direction too and concatenate (default false). */
  bidirectional?: boolean;
}

export interface RNNOptions extends RNNBaseOptions {
  /** 'tanh' (default) or 'relu'. */
  nonlinearity?: 'tanh' | 'relu';
}

export interface LSTMOptions extends RNNBaseOptions {
  /** LSTM projections are not implemented: only 0 (the default) is accepted. */
  projSize?: number;
}

/**
 * @internal
 * The four parameters of one recurrent direction, PyTorch's shapes and default init U(-k, k),
 * k = 1/sqrt(hidden), handed to `register(name, tensor)` (names without the layer suffix).
 */
export function makeRecurrentParams(
  engine: Engine, mode: RnnMode, inputSize: number, hidden: number, bias: boolean,
  register: (name: string, t: Tensor) => void,
): void {
  const G = gateCount(mode);
  const k = 1 / Math.sqrt(hidden);
  const mk = (name: string, shape: number[]) => {
    const t = Tensor.empty(shape, 'float32', engine);
    const d = t.data<'float32'>();
    for (let i = 0; i < d.length; i++) d[i] = (Math.random() * 2 - 1) * k;
    register(name, t);
  };
  mk('weight_ih', [G * hidden, inputSize]);
  mk('weight_hh', [G * hidden, hidden]);
  if (bias) {
    mk('bias_ih', [G * hidden]);
    mk('bias_hh', [G * hidden]);
  }
}

/** Preallocated state of a streaming run (see RNNBase.initState). Dispose it when done. */
export class RNNState {
  private disposed = false;

  /** @internal States come from initState(). */
  constructor(
    /** [numLayers, B, H]: the hidden state of every layer, updated by each step. */
    readonly h: Tensor,
    /** LSTM only: [numLayers, B, H] cell states. */
    readonly c: Tensor | null,
    /** [B, H]: the last step's output (the top layer's h); overwritten by the next step. */
    readonly output: Tensor,
    /** @internal scratch for the step kernels. */
    readonly scratch: RunScratch,
    readonly batch: number,
    private readonly engine: Engine,
  ) {}

  /** Zeroes h (and c): the start of a new stream. */
  reset(): void {
    this.h.bytes().fill(0);
    this.c?.bytes().fill(0);
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.h.dispose();
    this.c?.dispose();
    this.output.dispose();
    const a = this.engine.arena;
    a.free(this.scratch.xp);
    if (this.scratch.mid) a.free(this.scratch.mid);
    a.free(this.scratch.ws);
  }

  [Symbol.dispose](): void {
    this.dispose();
  }
}

/** Checks and resolves an optional initial state against [L*D, B, H] (or unbatched [L*D, H]). */
function checkState(op: string, name: string, t: Tensor | null | undefined, ld: number, batch: number, hidden: number, unbatched: boolean): Tensor | null {
  if (t === undefined || t === null) return null;
  expectTensor(op, name, t);
  const want = unbatched ? [ld, hidden] : [ld, batch, hidden];
  if (t.ndim !== want.length || t.shape.some((d, i) => d !== want[i])) {
    throw new ShapeError(`${op}: ${name} has shape ${fmtShape(t.shape)}, expected ${fmtShape(want)}`);
  }
  return t;
}

export abstract class RNNBase extends Module {
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  protected packs: RnnLayerPack[] = [];

  protected constructor(
    readonly mode: RnnMode,
    readonly inputSize: number,
    readonly hiddenSize: number,
    options: RNNBaseOptions,
    engine?: Engine,
  ) {
    super(engine);
    const op = new.target.name;
    expectInt(op, 'inputSize', inputSize, 1);
    expectInt(op, 'hiddenSize', hiddenSize, 1);
    this.numLayers = expectInt(op, 'numLayers', options.numLayers ?? 1, 1);
    this.bias = options.bias ?? true;
    this.batchFirst = options.batchFirst ?? false;
    this.dropout = options.dropout ?? 0;
    this.bidirectional = options.bidirectional ?? false;
    if (this.dropout !== 0) {
      throw new ArgumentError(`${op}: dropout must be 0 (simdnn runs inference; dropout only acts in training), got ${this.dropout}`);
    }
    const D = this.bidirectional ? 2 : 1;
    for (let l = 0; l < this.numLayers; l++) {
      for (let d = 0; d < D; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        makeRecurrentParams(this.engine, mode, l === 0 ? inputSize : D * hiddenSize, hiddenSize, this.bias, (n, t) => this.registerParameter(n + sfx, t));
      }
    }
    this.repack();
  }

  get numDirections(): number {
    return this.bidirectional ? 2 : 1;
  }

  /** True once nn.quantizeDynamic made W_ih / W_hh int8 (weight_*_scale parameters next to them). */
  get quantized(): boolean {
    return this.param('weight_ih_l0').dtype === 'int8';
  }

  /** Internal (nn.quantizeDynamic): every W_ih / W_hh becomes int8 per row + `<key>_scale`, in place. */
  _quantizeDynamic(): void {
    this.checkLive();
    if (this.quantized) return;
    for (let l = 0; l < this.numLayers; l++) {
      for (let d = 0; d < this.numDirections; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        for (const w of ['weight_ih', 'weight_hh']) quantizeParameter(this, w + sfx, (n, t) => this.registerParameter(n, t));
      }
    }
    this.repack();
  }

  protected override onLoad(): void {
    for (const p of this.packs) p.dispose();
    this.packs = [];
    for (let l = 0; l < this.numLayers; l++) {
      const dirs: DirectionParams[] = [];
      for (let d = 0; d < this.numDirections; d++) {
        const sfx = `_l${l}${d === 1 ? '_reverse' : ''}`;
        const q = this.quantized;
        dirs.push({
          weightIh: this.param('weight_ih' + sfx),
          weightHh: this.param('weight_hh' + sfx),
          biasIh: this.bias ? this.param('bias_ih' + sfx) : null,
          biasHh: this.bias ? this.param('bias_hh' + sfx) : null,
          weightIhScale: q ? this.param('weight_ih' + sfx + '_scale') : null,
          weightHhScale: q ? this.param('weight_hh' + sfx + '_scale') : null,
        });
      }
      this.packs.push(RnnLayerPack.build(this.engine, this.mode, this.hiddenSize, dirs));
    }
  }

  protected override onDispose(): void {
    for (const p of this.packs) p.dispose();
    this.packs = [];
  }

  protected override extraRepr(): string {
    let s = `${this.inputSize}, ${this.hiddenSize}`;
    if (this.numLayers !== 1) s += `, num_layers=${this.numLayers}`;
    if (!this.bias) s += ', bias=False';
    if (this.batchFirst) s += ', batch_first=True';
    if (this.bidirectional) s += ', bidirectional=True';
    return s;
  }

  /** The whole sequence through every layer; returns output, h_n and (LSTM) c_n. */
  protected run(input: Tensor, h0In?: Tensor | null, c0In?: Tensor | null): { output: Tensor; hn: Tensor; cn: Tensor | null } {
    this.checkLive();
    this.freshPacks();
    const op = `${this.constructor.name}.forward`;
    expectTensor(op, 'input', input);
    if (input.ndim !== 2 && input.ndim !== 3) {
      throw new ShapeError(`${op}: input must be [T, B, ${this.inputSize}]${this.batchFirst ? ' (batchFirst: [B, T, I])' : ''} or unbatched [T, ${this.inputSize}], got ${fmtShape(input.shape)}`);
    }
    const unbatched = input.ndim === 2;
    const I = input.shape[input.ndim - 1];
    if (I !== this.inputSize) {
      throw new ShapeError(`${op}: input has ${I} features (last dim of ${fmtShape(input.shape)}), expected inputSize ${this.inputSize}`);
    }
    const T = unbatched ? input.shape[0] : this.batchFirst ? input.shape[1] : input.shape[0];
    const B = unbatched ? 1 : this.batchFirst ? input.shape[0] : input.shape[1];
    if (T === 0 || B === 0) throw new ShapeError(`${op}: input ${fmtShape(input.shape)} has an empty sequence or batch`);
    const D = this.numDirections;
    const H = this.hiddenSize;
    const LD = this.numLayers * D;
    const h0 = checkState(op, this.mode === 'lstm' ? 'h0 (hx[0])' : 'h0', h0In, LD, B, H, unbatched);
    const c0 = checkState(op, 'c0 (hx[1])', c0In, LD, B, H, unbatched);
    expectEngine(op, this.engine, { input, h0, c0 });
    const e = input.engine;
    const stateShape = unbatched ? [LD, H] : [LD, B, H];
    const outShape = unbatched ? [T, D * H] : this.batchFirst ? [B, T, D * H] : [T, B, D * H];
    const bytes = runScratchBytes(this.mode, H, this.numLayers, D, T, B, { int8: this.quantized });
    const a = e.arena;
    let xp = 0; // arena pointers are never 0 (the heap starts above it)
    let mid = 0;
    let ws = 0;
    // Each output, then the scratch: a failure anywhere frees what came before it.
    return owning((own) => {
      const output = own(Tensor.empty(outShape, 'float32', e));
      const hn = own(Tensor.empty(stateShape, 'float32', e));
      const cn = this.mode === 'lstm' ? own(Tensor.empty(stateShape, 'float32', e)) : null;
      try {
        xp = a.alloc(bytes.xp);
        if (bytes.mid) mid = a.alloc(bytes.mid);
        ws = a.alloc(bytes.ws);
        runLayers(
          e,
          this.packs,
          {
            T,
            B,
            batchFirst: this.batchFirst && !unbatched,
            x: input.ptr,
            h0: h0 ? h0.ptr : 0,
            c0: c0 ? c0.ptr : 0,
            y: output.ptr,
            hn: hn.ptr,
            cn: cn ? cn.ptr : 0,
          },
          { xp, mid, ws },
        );
      } finally {
        if (xp) a.free(xp);
        if (mid) a.free(mid);
        if (ws) a.free(ws);
      }
      return { output, hn, cn };
    });
  }

  /**
   * Preallocates the state of a streaming run over `batch` parallel streams (default 1):
   * h (and c) [numLayers, batch, H] zeroed, the output frame [batch, H] and the step scratch.
   * Unidirectional modules only (a reverse direction needs the whole sequence).
   */
  initState(batch = 1): RNNState {
    this.checkLive();
    const op = `${this.constructor.name}.initState`;
    expectInt(op, 'batch', batch, 1);
    this.checkStreamable(op);
    const e = this.engine;
    const H = this.hiddenSize;
    const L = this.numLayers;
    const bytes = runScratchBytes(this.mode, H, L, 1, 1, batch, { int8: this.quantized });
    const a = e.arena;
    return owning((own) => {
      const block = (n: number) => {
        const p = a.alloc(n);
        own({ dispose: () => a.free(p) });
        return p;
      };
      const h = e.keep(own(Tensor.zeros([L, batch, H], 'float32', e)));
      const c = this.mode === 'lstm' ? e.keep(own(Tensor.zeros([L, batch, H], 'float32', e))) : null;
      const output = e.keep(own(Tensor.zeros([batch, H], 'float32', e)));
      const scratch = { xp: block(bytes.xp), mid: bytes.mid ? block(bytes.mid) : 0, ws: block(bytes.ws) };
      return new RNNState(h, c, output, scratch, batch, e);
    });
  }

  /**
   * One time step of every layer for a frame [batch, inputSize] (or [inputSize] when batch is 1):
   * updates state.h (and state.c) in place and returns state.output ([batch, H], the top layer's
   * new h; overwritten by the next step, clone() it to keep it). Allocates nothing.
   */
  step(frame: Tensor, state: RNNState): Tensor {
    this.checkLive();
    this.freshPacks();
    const op = `${this.constructor.name}.step`;
    this.checkStreamable(op);
    expectTensor(op, 'frame', frame);
    if (!(state instanceof RNNState) || state.isDisposed) {
      throw new ArgumentError(`${op}: state must be a live RNNState from initState(), got ${state instanceof RNNState ? 'a disposed one' : String(state)}`);
    }
    const B = state.batch;
    const okShape = (frame.ndim === 2 && frame.shape[0] === B && frame.shape[1] === this.inputSize) || (B === 1 && frame.ndim === 1 && frame.shape[0] === this.inputSize);
    if (!okShape) throw new ShapeError(`${op}: frame has shape ${fmtShape(frame.shape)}, expected [${B}, ${this.inputSize}]`);
    if (state.h.shape[0] !== this.numLayers || state.h.shape[2] !== this.hiddenSize || (this.mode === 'lstm') !== (state.c !== null)) {
      throw new ArgumentError(`${op}: state was made by another module (h ${fmtShape(state.h.shape)})`);
    }
    expectEngine(op, this.engine, { frame, 'state.h': state.h });
    const hp = state.h.ptr;
    const cp = state.c ? state.c.ptr : 0;
    runLayers(this.engine, this.packs, { T: 1, B, batchFirst: false, x: frame.ptr, h0: hp, c0: cp, y: state.output.ptr, hn: hp, cn: cp }, state.scratch);
    return state.output;
  }

  private checkStreamable(op: string): void {
    if (this.bidirectional) {
      throw new ArgumentError(`${op}: step() streams one frame at a time, which a bidirectional ${this.constructor.name} cannot do (its reverse direction needs the whole sequence); use forward()`);
    }
  }
}

/** nn.RNN(inputSize, hiddenSize, { numLayers, nonlinearity, bias, batchFirst, dropout, bidirectional }). */
export class RNN extends RNNBase {
  readonly nonlinearity: 'tanh' | 'relu';
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}, engine?: Engine) {
    const nl = options.nonlinearity ?? 'tanh';
    if (nl !== 'tanh' && nl !== 'relu') throw new ArgumentError(`RNN: nonlinearity must be 'tanh' or 'relu', got ${String(nl)}`);
    super(nl === 'relu' ? 'rnn_relu' : 'rnn_tanh', inputSize, hiddenSize, options, engine);
    this.nonlinearity = nl;
  }

  /** Returns [output, h_n] as PyTorch's (output, h_n). */
  forward(input: Tensor, h0?: Tensor | null): [Tensor, Tensor] {
    const r = this.run(input, h0);
    return [r.output, r.hn];
  }
}

/** nn.GRU(inputSize, hiddenSize, { numLayers, bias, batchFirst, dropout, bidirectional }). */
export class GRU extends RNNBase {
  constructor(inputSize: number, hiddenSize: number, options: RNNBaseOptions = {}, engine?: Engine) {
    super('gru', inputSize, hiddenSize, options, engine);
  }

  /** Returns [output, h_n] as PyTorch's (output, h_n). */
  forward(input: Tensor, h0?: Tensor | null): [Tensor, Tensor] {
    const r = this.run(input, h0);
    return [r.output, r.hn];
  }
}

/** nn.LSTM(inputSize, hiddenSize, { numLayers, bias, batchFirst, dropout, bidirectional, projSize: 0 }). */
export class LSTM extends RNNBase {
  readonly projSize = 0;
  constructor(inputSize: number, hiddenSize: number, options: LSTMOptions = {}, engine?: Engine) {
    if ((options.projSize ?? 0) !== 0) throw new ArgumentError(`LSTM: projSize is not supported yet (got ${options.projSize}); only 0`);
    super('lstm', inputSize, hiddenSize, options, engine);
  }

  /** Returns [output, [h_n, c_n]] as PyTorch's (output, (h_n, c_n)); hx = [h0, c0] (both or neither). */
  forward(input: Tensor, hx?: [Tensor, Tensor] | null): [Tensor, [Tensor, Tensor]] {
    if (hx != null && (!Array.isArray(hx) || hx.length !== 2)) {
      throw new ArgumentError(`LSTM.forward: hx must be [h0, c0], got ${Array.isArray(hx) ? `an array of ${hx.length}` : typeof hx}`);
    }
    const r = this.run(input, hx?.[0], hx?.[1]);
    return [r.output, [r.hn, r.cn!]];
  }
}
