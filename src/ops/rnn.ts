/**
 * The recurrent operator behind nn.RNN / nn.GRU / nn.LSTM, their cells and their step() API.
 *
 * Per layer: the input projection X·W_ih^T + b_ih of every time step (and of both directions:
 * their W_ih are stacked) is ONE gemm call; then each direction is ONE wasm call that runs the
 * whole time loop (recurrent matvec against W_hh packed here + fused gates, assembly/f32-rnn/).
 * A layer of a T-step sequence therefore costs 1 + D JS->wasm calls, whatever T is.
 *
 * Buffers are byte addresses in the engine's memory. Sequence layouts follow PyTorch: rows are
 * (t, b) in time-major order, or (b, t) when batchFirst; a layer's output row holds [fwd | rev].
 */
import type { Engine } from '../runtime/engine.js';
import { ArgumentError } from '../runtime/errors.js';
import type { Tensor } from '../tensor.js';
import { PackedWeights, gemm } from './gemm.js';
import { SPLIT, runSplit } from '../threads/split.js';
import { QPackedWeights, qgemm, qgemmWorkspaceBytes } from './qgemm.js';

export type RnnMode = 'rnn_tanh' | 'rnn_relu' | 'gru' | 'lstm';

/** Strips per group of the packed W_hh (rnn-matvec.ts). */
const GROUP = 7;

/** Gates per mode (rows of W_ih / W_hh are G*H): RNN 1, GRU 3 (r,z,n), LSTM 4 (i,f,g,o). */
export function gateCount(mode: RnnMode): number {
  return mode === 'lstm' ? 4 : mode === 'gru' ? 3 : 1;
}

/** Strips (4 columns each) of the packed W_hh: G gates x ceil(H/4) blocks of 4 hidden units. */
export function stripCount(mode: RnnMode, hidden: number): number {
  return gateCount(mode) * Math.ceil(hidden / 4);
}

/**
 * Packs W_hh ([G*H, H], PyTorch layout) and b_hh ([G*H] or none) into the layout of
 * assembly/f32-rnn/rnn-matvec.ts: strips of 4 columns, in groups of 7 strips (the last group holds
 * the rest); a group is (H+1) rows (the bias row first, then one row per k) of its strips' 4
 * columns side by side. Strips are gate-interleaved: strip s holds gate s % G of hidden units
 * 4*floor(s/G) .. +3 (so the G strips of a block of 4 units are adjacent). Columns past H are zero.
 */
export function packRecurrentInto(
  mode: RnnMode,
  hidden: number,
  whh: Float32Array,
  bhh: Float32Array | null,
  dst: Float32Array,
): void {
  packStripsInto(gateCount(mode), hidden, whh, bhh, dst);
}

/** packRecurrentInto for any gate count G (whh [G*H, H], bhh [G*H] or null; rows gate-major). */
export function packStripsInto(G: number, hidden: number, whh: Float32Array, bhh: Float32Array | null, dst: Float32Array): void {
  const H = hidden;
  const S = G * Math.ceil(H / 4);
  dst.fill(0, 0, S * (H + 1) * 4);
  for (let s = 0; s < S; s++) {
    const g = Math.floor(s / GROUP);
    const width = 4 * Math.min(GROUP, S - g * GROUP); // floats per row of the group
    const base = g * GROUP * (H + 1) * 4 + (s - g * GROUP) * 4;
    const gate = s % G;
    for (let q = 0; q < 4; q++) {
      const u = 4 * Math.floor(s / G) + q;
      if (u >= H) continue;
      const row = gate * H + u;
      if (bhh) dst[base + q] = bhh[row];
      for (let k = 0; k < H; k++) dst[base + (k + 1) * width + q] = whh[row * H + k];
    }
  }
}

/** Floats of a packed W_hh of G gates (packStripsInto). */
export function packedStripFloats(G: number, hidden: number): number {
  return G * Math.ceil(hidden / 4) * (hidden + 1) * 4;
}

/** Floats of a packed W_hh. */
export function packedRecurrentFloats(mode: RnnMode, hidden: number): number {
  return packedStripFloats(gateCount(mode), hidden);
}

/**
 * Bytes of the scratch the sequence kernels need for `batch` rows (one accumulator row each; the
 * GRU whose reset gate applies before W_hn (resetBefore) also keeps an r*h row per batch row; the
 * int8 kernels add zero h rows and the int8 GEMM's workspace).
 */
export function recurrentScratchBytes(mode: RnnMode, hidden: number, batch: number, opts: { resetBefore?: boolean; int8?: boolean } = {}): number {
  const extra = mode === 'gru' && opts.resetBefore ? Math.ceil(hidden / 4) : 0;
  const acc = batch * (stripCount(mode, hidden) + extra) * 16;
  return opts.int8 ? acc + Math.ceil((batch * hidden * 4) / 16) * 16 + qgemmWorkspaceBytes(batch, hidden) : acc;
}
/**
 * Packs int8 W_hh ([G*H, H]) with its per-row scales and b_hh as qc8w panels whose columns are in
 * the strip order of the sequence kernels (column 4s + q = gate s % G of unit 4 floor(s/G) + q;
 * zero past H), so the int8 GEMM writes their accumulator rows directly
 * (assembly/qd8-f32-qc8w-rnn).
 */
export function packRecurrentInt8(engine: Engine, mode: RnnMode, hidden: number, whh: Int8Array, scales: Float32Array, bhh: Float32Array | null): QPackedWeights {
  const G = gateCount(mode);
  const H = hidden;
  const cols = stripCount(mode, H) * 4;
  const q = new Int8Array(cols * H);
  const sc = new Float32Array(cols);
  const b = new Float32Array(cols);
  for (let col = 0; col < cols; col++) {
    const s = col >> 2;
    const u = 4 * Math.floor(s / G) + (col & 3);
    if (u >= H) continue;
    const row = (s % G) * H + u;
    q.set(whh.subarray(row * H, row * H + H), col * H);
    sc[col] = scales.length === 1 ? scales[0] : scales[row];
    if (bhh) b[col] = bhh[row];
  }
  return QPackedWeights.fromInt8(engine, cols, H, q, sc, b);
}

/** One direction's parameters of one layer, PyTorch layouts. */
export interface DirectionParams {
  weightIh: Tensor; // [G*H, in]
  weightHh: Tensor; // [G*H, H]
  biasIh: Tensor | null; // [G*H]
  biasHh: Tensor | null; // [G*H]
  /** int8 weights (nn.quantizeDynamic): their per-row scales ([G*H] or [1]). */
  weightIhScale?: Tensor | null;
  weightHhScale?: Tensor | null;
}

/** The packed weights of one layer, every direction. Owns its memory. */
export class RnnLayerPack {
  private disposed = false;

  private constructor(
    readonly engine: Engine,
    readonly mode: RnnMode,
    readonly inputSize: number,
    readonly hidden: number,
    readonly directions: number,
    /** W_ih of every direction stacked: [D*G*H, in], with b_ih (when present); int8 when quantized. */
    readonly wih: PackedWeights | QPackedWeights,
    /** Packed W_hh + b_hh per direction (byte addresses); W_hr, W_hz only when resetBefore. */
    private readonly whh: number[],
    /** GRU with resetBefore: packed W_hn + b_hn per direction (else empty). */
    private readonly whn: number[],
    /** int8 W_hh packs (owning the memory of whh), when quantized. */
    private readonly qwhh: QPackedWeights[] = [],
  ) {}

  /** True when the weights are int8 (the int8 GEMM and sequence kernels run). */
  get int8(): boolean {
    return this.wih instanceof QPackedWeights;
  }

  private static buildInt8(engine: Engine, mode: RnnMode, hidden: number, dirs: DirectionParams[]): RnnLayerPack {
    const n = gateCount(mode) * hidden;
    const inSize = dirs[0].weightIh.shape[1];
    const D = dirs.length;
    const scalesOf = (t: Tensor | null | undefined, what: string) => {
      if (!t) throw new ArgumentError(`rnn: int8 ${what} needs its scales`);
      const v = t.toFloat32Array();
      return v.length === 1 ? new Float32Array(n).fill(v[0]) : v;
    };
    const q = new Int8Array(D * n * inSize);
    const sc = new Float32Array(D * n);
    const bias = dirs[0].biasIh ? new Float32Array(D * n) : null;
    dirs.forEach((d, i) => {
      q.set(d.weightIh.toTypedArray() as Int8Array, i * n * inSize);
      sc.set(scalesOf(d.weightIhScale, 'weight_ih'), i * n);
      if (bias) bias.set(d.biasIh!.toFloat32Array(), i * n);
    });
    const qwhh: QPackedWeights[] = [];
    const wih = QPackedWeights.fromInt8(engine, D * n, inSize, q, sc, bias);
    try {
      for (const d of dirs) qwhh.push(packRecurrentInt8(engine, mode, hidden, d.weightHh.toTypedArray() as Int8Array, scalesOf(d.weightHhScale, 'weight_hh'), d.biasHh ? d.biasHh.toFloat32Array() : null));
    } catch (e) {
      wih.dispose();
      for (const p of qwhh) p.dispose();
      throw e;
    }
    return new RnnLayerPack(engine, mode, inSize, hidden, D, wih, qwhh.map((p) => p._w), [], qwhh);
  }

  /**
   * Packs one layer. `resetBefore` (GRU only): the reset gate multiplies h before W_hn (ONNX
   * linear_before_reset = 0) instead of after it (PyTorch): W_hr, W_hz and W_hn pack apart.
   * int8 weights (nn.quantizeDynamic) take the int8 kernels (PyTorch form only).
   */
  static build(engine: Engine, mode: RnnMode, hidden: number, dirs: DirectionParams[], resetBefore = false): RnnLayerPack {
    if (dirs[0].weightIh.dtype === 'int8') {
      if (resetBefore) throw new ArgumentError('rnn: int8 weights run the PyTorch GRU form only (linear_before_reset = 1)');
      return RnnLayerPack.buildInt8(engine, mode, hidden, dirs);
    }
    const G = gateCount(mode);
    const D = dirs.length;
    const inSize = dirs[0].weightIh.shape[1];
    const n = G * hidden;
    const a = engine.arena;
    const hasBias = dirs[0].biasIh !== null;
    let wih: PackedWeights;
    if (D === 1) {
      wih = PackedWeights.fromOutIn(engine, n, inSize, dirs[0].weightIh.ptr, hasBias ? dirs[0].biasIh!.ptr : 0);
    } else {
      // Stack the directions' W_ih (and b_ih) so one gemm projects the input for all of them.
      const tw = a.alloc(D * n * inSize * 4);
      const tb = hasBias ? a.alloc(D * n * 4) : 0;
      try {
        dirs.forEach((d, i) => {
          a.f32(tw + i * n * inSize * 4, n * inSize).set(d.weightIh.data<'float32'>());
          if (tb) a.f32(tb + i * n * 4, n).set(d.biasIh!.data<'float32'>());
        });
        wih = PackedWeights.fromOutIn(engine, D * n, inSize, tw, tb);
      } finally {
        a.free(tw);
        if (tb) a.free(tb);
      }
    }
    const split = mode === 'gru' && resetBefore;
    const whh: number[] = [];
    const whn: number[] = [];
    // Packs rows [r0, r0 + gates*H) of W_hh (and b_hh) into a new buffer.
    const pack = (d: DirectionParams, gates: number, r0: number): number => {
      const floats = packedStripFloats(gates, hidden);
      const packed = new Float32Array(floats);
      const w = d.weightHh.data<'float32'>().subarray(r0 * hidden, (r0 + gates * hidden) * hidden);
      const b = d.biasHh ? d.biasHh.data<'float32'>().subarray(r0, r0 + gates * hidden) : null;
      packStripsInto(gates, hidden, w, b, packed);
      const p = a.alloc(floats * 4);
      a.f32(p, floats).set(packed);
      return p;
    };
    try {
      for (const d of dirs) {
        whh.push(pack(d, split ? 2 : G, 0));
        if (split) whn.push(pack(d, 1, 2 * hidden));
      }
    } catch (err) {
      wih.dispose();
      for (const p of [...whh, ...whn]) a.free(p);
      throw err;
    }
    return new RnnLayerPack(engine, mode, inSize, hidden, D, wih, whh, whn);
  }

  /** Whether the reset gate applies before W_hn (GRU built with resetBefore). */
  get resetBefore(): boolean {
    return this.whn.length > 0;
  }

  /** Packed W_hh of direction d (internal, for the sequence kernels). */
  recurrent(d: number): number {
    if (this.disposed) throw new ArgumentError('RnnLayerPack used after dispose()');
    return this.whh[d];
  }

  /** Packed W_hn of direction d when resetBefore, else 0 (internal). */
  recurrentN(d: number): number {
    if (this.disposed) throw new ArgumentError('RnnLayerPack used after dispose()');
    return this.whn.length ? this.whn[d] : 0;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.wih.dispose();
    if (this.qwhh.length) for (const p of this.qwhh) p.dispose();
    else for (const p of [...this.whh, ...this.whn]) this.engine.arena.free(p);
  }
}

/** Arguments of one direction's scan over a sequence (strides in elements, pointers in bytes). */
export interface ScanArgs {
  T: number;
  B: number;
  /** Input projections: row (t, b) at xp + 4*(t*xsT + b*xsB), G*H floats. */
  xp: number;
  xsT: number;
  xsB: number;
  /** [B, H] initial hidden state, or 0 for zeros. */
  h0: number;
  /** LSTM only: [B, H] cell state, c_0 in, c_T out. */
  c: number;
  /** Output row (t, b) at y + 4*(t*ysT + b*ysB), H floats. */
  y: number;
  ysT: number;
  ysB: number;
  /** [B, H] final hidden state, or 0. */
  hn: number;
  reverse: boolean;
  /** Scratch of recurrentScratchBytes(mode, H, B, { resetBefore: whn != 0, int8 }) bytes. */
  ws: number;
  /**
   * GRU only: packed W_hn + b_hn (1 gate) when the reset gate applies to h before it (ONNX
   * linear_before_reset = 0); `whh` then holds W_hr, W_hz (2 gates). Absent/0: PyTorch's GRU.
   */
  whn?: number;
  /** LSTM only: peephole weights [p_i | p_f | p_o] (3H floats, ONNX P reordered), or absent/0. */
  peep?: number;
  /** ONNX cell clip: > 0 clamps every gate pre-activation to [-clip, clip]; absent/0: none. */
  clip?: number;
  /** LSTM only: ONNX input_forget (f = 1 - i). */
  inputForget?: boolean;
}

/**
 * Runs one direction of one layer over the whole sequence: ONE wasm call (int8: the qd8-f32-qc8w
 * twins, W_hh from packRecurrentInt8), or with threads one dispatch split by batch rows (pairs of
 * rows, the kernel's 2-row tile, so every row keeps its tile and its bits); each task uses its
 * rows' slice of the scratch.
 */
export function scan(engine: Engine, mode: RnnMode, hidden: number, whh: number, s: ScanArgs, int8 = false): void {
  const k = engine.k;
  const rev = s.reverse ? 1 : 0;
  if (int8) {
    if (mode === 'lstm') k.qd8_f32_qc8w_lstm_seq__wasmsimd(s.T, s.B, hidden, s.xp, s.xsT, s.xsB, whh, s.h0, s.c, s.y, s.ysT, s.ysB, s.hn, rev, s.ws);
    else if (mode === 'gru') k.qd8_f32_qc8w_gru_seq__wasmsimd(s.T, s.B, hidden, s.xp, s.xsT, s.xsB, whh, s.h0, s.y, s.ysT, s.ysB, s.hn, rev, s.ws);
    else k.qd8_f32_qc8w_rnn_seq__wasmsimd(s.T, s.B, hidden, s.xp, s.xsT, s.xsB, whh, s.h0, s.y, s.ysT, s.ysB, s.hn, rev, mode === 'rnn_relu' ? 1 : 0, s.ws);
    return;
  }
  const clip = s.clip && s.clip > 0 ? s.clip : 0;
  // The batch-row split runs the plain (PyTorch-form) kernels; the ONNX variants stay on one thread.
  if (engine.pool && s.B >= 4 && !s.whn && !s.peep && !clip && !s.inputForget) {
    const fn = mode === 'lstm' ? k.f32_lstm_seq_2x16__wasmsimd : mode === 'gru' ? k.f32_gru_seq_2x16__wasmsimd : k.f32_rnn_seq_2x16__wasmsimd;
    const wsRow = recurrentScratchBytes(mode, hidden, 1);
    const at = (b0: number, b1: number) => {
      const o = (p: number) => (p ? p + b0 * hidden * 4 : 0);
      return { T: s.T, B: b1 - b0, xp: s.xp + 4 * b0 * s.xsB, h0: o(s.h0), c: o(s.c), y: s.y + 4 * b0 * s.ysB, hn: o(s.hn), ws: s.ws + b0 * wsRow };
    };
    const flops = 2 * s.T * s.B * gateCount(mode) * hidden * hidden;
    const split = runSplit(engine, fn, s.B, 2, flops, SPLIT.flopsPerThread, (b0, b1) => {
      const t = at(b0, b1);
      if (mode === 'lstm') return [t.T, t.B, hidden, t.xp, s.xsT, s.xsB, whh, t.h0, t.c, t.y, s.ysT, s.ysB, t.hn, rev, t.ws];
      if (mode === 'gru') return [t.T, t.B, hidden, t.xp, s.xsT, s.xsB, whh, t.h0, t.y, s.ysT, s.ysB, t.hn, rev, t.ws];
      return [t.T, t.B, hidden, t.xp, s.xsT, s.xsB, whh, t.h0, t.y, s.ysT, s.ysB, t.hn, rev, mode === 'rnn_relu' ? 1 : 0, t.ws];
    });
    if (split) return;
  }
  switch (mode) {
    case 'lstm':
      if (s.peep || clip || s.inputForget) {
        k.f32_lstm_seq_2x16__wasmsimd_onnx(s.T, s.B, hidden, s.xp, s.xsT, s.xsB, whh, s.h0, s.c, s.y, s.ysT, s.ysB, s.hn, rev, s.ws, s.peep ?? 0, clip, s.inputForget ? 1 : 0);
      } else {
        k.f32_lstm_seq_2x16__wasmsimd(s.T, s.B, hidden, s.xp, s.xsT, s.xsB, whh, s.h0, s.c, s.y, s.ysT, s.ysB, s.hn, rev, s.ws);
      }
      break;
    case 'gru':
      if (s.whn) k.f32_gru_seq_2x16__wasmsimd_reseth(s.T, s.B, hidden, s.xp, s.xsT, s.xsB, whh, s.whn, s.h0, s.y, s.ysT, s.ysB, s.hn, rev, s.ws, clip);
      else if (clip) k.f32_gru_seq_2x16__wasmsimd_clip(s.T, s.B, hidden, s.xp, s.xsT, s.xsB, whh, s.h0, s.y, s.ysT, s.ysB, s.hn, rev, s.ws, clip);
      else k.f32_gru_seq_2x16__wasmsimd(s.T, s.B, hidden, s.xp, s.xsT, s.xsB, whh, s.h0, s.y, s.ysT, s.ysB, s.hn, rev, s.ws);
      break;
    default: {
      const relu = mode === 'rnn_relu' ? 1 : 0;
      if (clip) k.f32_rnn_seq_2x16__wasmsimd_clip(s.T, s.B, hidden, s.xp, s.xsT, s.xsB, whh, s.h0, s.y, s.ysT, s.ysB, s.hn, rev, relu, s.ws, clip);
      else k.f32_rnn_seq_2x16__wasmsimd(s.T, s.B, hidden, s.xp, s.xsT, s.xsB, whh, s.h0, s.y, s.ysT, s.ysB, s.hn, rev, relu, s.ws);
    }
  }
}

/** The buffers of a whole multi-layer run (byte addresses). */
export interface RunIO {
  T: number;
  B: number;
  batchFirst: boolean;
  /** Input rows in the layout of batchFirst, inputSize floats each. */
  x: number;
  /** [L*D, B, H] initial states, or 0 for zeros (c0: LSTM only). */
  h0: number;
  c0: number;
  /** Output rows (same layout as x), D*H floats each. */
  y: number;
  /** [L*D, B, H] final states (cn: LSTM only, may equal c0: updated in place). hn may equal h0. */
  hn: number;
  cn: number;
}

/** Scratch of a run: input projections, a layer-to-layer buffer and the kernels' accumulators. */
export interface RunScratch {
  xp: number;
  mid: number;
  ws: number;
}

/** Bytes of each RunScratch buffer for a run of T steps and B rows. */
export function runScratchBytes(mode: RnnMode, hidden: number, layers: number, dirs: number, T: number, B: number, opts: { resetBefore?: boolean; int8?: boolean } = {}) {
  return {
    xp: T * B * dirs * gateCount(mode) * hidden * 4,
    mid: layers > 1 ? T * B * dirs * hidden * 4 : 0,
    ws: recurrentScratchBytes(mode, hidden, B, opts),
  };
}

/**
 * Runs every layer and direction: per layer one gemm (input projection of all steps and
 * directions) then one sequence kernel call per direction. Layers > 0 read the previous layer's
 * output from scratch.mid in place (a layer's input is consumed by its gemm before its kernels
 * write, so one buffer serves every layer). Allocates nothing.
 */
export function runLayers(engine: Engine, packs: RnnLayerPack[], io: RunIO, scratch: RunScratch): void {
  const { T, B } = io;
  const L = packs.length;
  const { mode, hidden: H, directions: D } = packs[0];
  const G = gateCount(mode);
  const rowT = io.batchFirst ? 1 : B; // rows between consecutive time steps
  const rowB = io.batchFirst ? T : 1; // rows between consecutive batch entries
  const xw = D * G * H; // floats per projection row
  const yw = D * H; // floats per output row
  const state = B * H * 4; // bytes of one [B, H] state slice
  const mem = engine.arena;
  let x = io.x;
  for (let l = 0; l < L; l++) {
    const pack = packs[l];
    const proj = { m: T * B, a: x, lda: pack.inputSize, c: scratch.xp, ldc: xw };
    if (pack.wih instanceof QPackedWeights) qgemm(engine, proj, pack.wih);
    else gemm(engine, proj, pack.wih);
    const y = l === L - 1 ? io.y : scratch.mid;
    for (let d = 0; d < D; d++) {
      const slice = (l * D + d) * state;
      let c = 0;
      if (mode === 'lstm') {
        c = io.cn + slice;
        if (!io.c0) mem.u8(c, state).fill(0);
        else if (io.c0 !== io.cn) mem.u8(c, state).set(mem.u8(io.c0 + slice, state));
      }
      scan(engine, mode, H, pack.recurrent(d), {
        T,
        B,
        xp: scratch.xp + d * G * H * 4,
        xsT: rowT * xw,
        xsB: rowB * xw,
        h0: io.h0 ? io.h0 + slice : 0,
        c,
        y: y + d * H * 4,
        ysT: rowT * yw,
        ysB: rowB * yw,
        hn: io.hn ? io.hn + slice : 0,
        reverse: d === 1,
        ws: scratch.ws,
        whn: pack.recurrentN(d),
      }, pack.int8);
    }
    x = y;
  }
}
