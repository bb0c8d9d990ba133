/**
 * ONNX LSTM, GRU and RNN mapped onto the fused sequence kernels of src/ops/rnn.ts: per node one
 * gemm projects the input of every step and direction, then each direction is ONE wasm call that
 * runs the whole time loop (no JS time loop). The weights are repacked once at load (`prepare`)
 * from ONNX's layout into the kernels' PyTorch gate order:
 *   LSTM ONNX i, o, f, c -> i, f, g(c), o;  GRU ONNX z, r, h -> r, z, n;  RNN one gate.
 * W [D, G*H, I], R [D, G*H, H], B [D, 2*G*H] (Wb then Rb), P [D, 3H] (LSTM peepholes i, o, f).
 * GRU linear_before_reset = 0 (ONNX's default: n = tanh(W_n x + Wb_n + R_n (r*h) + Rb_n)) runs the
 * reset-before-linear kernel variant; 1 is PyTorch's form.
 * Layouts: layout 0: X [T, B, I], Y [T, D, B, H], Y_h/Y_c and initial_h/c [D, B, H]; layout 1:
 * X [B, T, I], Y [B, T, D, H], states [B, D, H]. sequence_lens [B]: a batch entry of length L
 * runs L steps (reverse: from step L-1 down to 0), Y is 0 past L and Y_h/Y_c are its state after
 * its last valid step (0 when L = 0); ragged batches run one kernel call per entry and direction.
 * Supported: the default activations (RNN also Relu), peepholes, clip (every gate pre-activation
 * clamped to [-clip, clip], as onnxruntime applies it), input_forget (f = 1 - i). Rejected at load
 * with an error naming the attribute: other activation lists (LeakyRelu, ...).
 */
import { Tensor } from '../../tensor.js';
import type { Engine } from '../../runtime/engine.js';
import { gemm, type PackedWeights } from '../../ops/gemm.js';
import { RnnLayerPack, gateCount, recurrentScratchBytes, scan, type DirectionParams, type RnnMode } from '../../ops/rnn.js';
import type { OnnxNode, OpDef, OpTable, PreparedOp, ValueType } from '../node.js';

type Kind = 'LSTM' | 'GRU' | 'RNN';

/** Torch gate j takes ONNX gate PERM[kind][j]. */
const PERM: Record<Kind, number[]> = { LSTM: [0, 2, 3, 1], GRU: [1, 0, 2], RNN: [0] };
/** The default activations of one direction. */
const DEFAULT_ACTS: Record<Kind, string[]> = { LSTM: ['sigmoid', 'tanh', 'tanh'], GRU: ['sigmoid', 'tanh'], RNN: ['tanh'] };
/** Input slots: X W R B sequence_lens initial_h [initial_c P]. */
const X = 0;
const W = 1;
const R = 2;
const BIAS = 3;
const SEQ = 4;
const H0 = 5;
const C0 = 6;
const P = 7;

/** A node's validated attributes. */
interface Config {
  kind: Kind;
  mode: RnnMode;
  G: number;
  /** Directions in kernel order: index 0 forward (or the only reverse one), 1 reverse. */
  reverse: boolean[];
  layout: 0 | 1;
  /** GRU: the reset gate multiplies h before R_n (linear_before_reset = 0). */
  resetBefore: boolean;
  /** hidden_size when the attribute is given, else 0 (taken from R). */
  hidden: number;
  /** Cell clip threshold (> 0), or 0 for none. */
  clip: number;
  /** LSTM input_forget: f = 1 - i. */
  inputForget: boolean;
}

function config(node: OnnxNode, kind: Kind): Config {
  const dir = node.string('direction', 'forward');
  const reverse = dir === 'forward' ? [false] : dir === 'reverse' ? [true] : dir === 'bidirectional' ? [false, true] : null;
  if (!reverse) throw node.error(`direction must be forward, reverse or bidirectional, got ${JSON.stringify(dir)}`);
  const D = reverse.length;
  const layout = node.int('layout', 0);
  if (layout !== 0 && layout !== 1) throw node.error(`layout must be 0 ([T, B, I]) or 1 (batch-first [B, T, I]), got ${layout}`);
  const clip = node.has('clip') ? node.float('clip') : 0;
  if (node.has('clip') && !(clip > 0)) throw node.error(`attribute clip (the cell clip threshold) must be > 0, got ${clip}`);
  const inputForget = kind === 'LSTM' ? node.int('input_forget', 0) : 0;
  if (inputForget !== 0 && inputForget !== 1) throw node.error(`attribute input_forget must be 0 or 1, got ${inputForget}`);
  const acts = node.strings('activations', []).map((a) => a.toLowerCase());
  const defaults = DEFAULT_ACTS[kind];
  let mode: RnnMode = kind === 'LSTM' ? 'lstm' : kind === 'GRU' ? 'gru' : 'rnn_tanh';
  if (acts.length) {
    const per = defaults.length;
    if (acts.length !== per * D) {
      throw node.error(`activations must list ${per * D} functions (${per} per direction, ${D} direction${D > 1 ? 's' : ''}), got [${acts.join(', ')}]`);
    }
    const allRelu = kind === 'RNN' && acts.every((a) => a === 'relu');
    const isDefault = acts.every((a, i) => a === defaults[i % per]);
    if (allRelu) mode = 'rnn_relu';
    else if (!isDefault) {
      throw node.error(`activations [${acts.join(', ')}] are not supported: only the defaults [${defaults.join(', ')}] per direction${kind === 'RNN' ? ' (or Relu for every direction)' : ''}`);
    }
  }
  const lbr = kind === 'GRU' ? node.int('linear_before_reset', 0) : 0;
  const hidden = node.has('hidden_size') ? node.int('hidden_size') : 0;
  if (node.has('hidden_size') && !(hidden >= 1)) throw node.error(`hidden_size must be >= 1, got ${hidden}`);
  return { kind, mode, G: gateCount(mode), reverse, layout, resetBefore: kind === 'GRU' && lbr === 0, hidden, clip, inputForget: inputForget === 1 };
}

function shapeStr(t: Tensor): string {
  return `[${t.shape.join(', ')}]`;
}

function f32In(node: OnnxNode, t: Tensor | null, what: string): Tensor {
  if (!t) throw node.error(`input ${what} is required`);
  if (t.dtype !== 'float32') throw node.error(`input ${what} must be float32, got ${t.dtype} of shape ${shapeStr(t)}`);
  return t;
}

function expectShape(node: OnnxNode, t: Tensor, what: string, dims: number[], names: string): void {
  if (t.shape.length !== dims.length || t.shape.some((d, i) => d !== dims[i])) {
    throw node.error(`input ${what} must be ${names} = [${dims.join(', ')}], got ${shapeStr(t)}`);
  }
}

/** The packed weights of a node: the layer pack (gates reordered) and the peepholes per direction. */
class Packed {
  private constructor(
    readonly engine: Engine,
    readonly cfg: Config,
    readonly hidden: number,
    readonly inputSize: number,
    readonly pack: RnnLayerPack,
    /** [p_i | p_f | p_o] per direction (byte addresses), or empty. */
    readonly peep: number[],
  ) {}

  static build(node: OnnxNode, cfg: Config, engine: Engine, w: Tensor | null, r: Tensor | null, b: Tensor | null, p: Tensor | null): Packed {
    const wt = f32In(node, w, 'W');
    const rt = f32In(node, r, 'R');
    const D = cfg.reverse.length;
    const G = cfg.G;
    if (rt.shape.length !== 3) throw node.error(`input R must be [num_directions, ${G}*hidden_size, hidden_size], got ${shapeStr(rt)}`);
    const H = cfg.hidden || rt.shape[2];
    expectShape(node, rt, 'R', [D, G * H, H], '[num_directions, G*hidden_size, hidden_size]');
    if (wt.shape.length !== 3) throw node.error(`input W must be [num_directions, ${G}*hidden_size, input_size], got ${shapeStr(wt)}`);
    const I = wt.shape[2];
    expectShape(node, wt, 'W', [D, G * H, I], '[num_directions, G*hidden_size, input_size]');
    if (I < 1) throw node.error(`input W has input_size 0 (${shapeStr(wt)})`);
    if (b) expectShape(node, f32In(node, b, 'B'), 'B', [D, 2 * G * H], '[num_directions, 2*G*hidden_size]');
    if (p) expectShape(node, f32In(node, p, 'P'), 'P', [D, 3 * H], '[num_directions, 3*hidden_size]');
    // JS copies (views of wasm memory go stale when an allocation grows it).
    const wv = wt.data<'float32'>().slice();
    const rv = rt.data<'float32'>().slice();
    const bv = b ? b.data<'float32'>().slice() : null;
    const pv = p ? p.data<'float32'>().slice() : null;
    const perm = PERM[cfg.kind];
    // Rows [dir][gate][H][cols] of an ONNX tensor, gates in kernel order.
    const reorder = (src: Float32Array, cols: number, base: number): Float32Array => {
      const out = new Float32Array(G * H * cols);
      const blk = H * cols;
      for (let j = 0; j < G; j++) out.set(src.subarray(base + perm[j] * blk, base + (perm[j] + 1) * blk), j * blk);
      return out;
    };
    const temps: Tensor[] = [];
    const tensor = (data: Float32Array, shape: number[]): Tensor => {
      const t = Tensor.from(data, shape, 'float32', engine);
      temps.push(t);
      return t;
    };
    let pack: RnnLayerPack | null = null;
    const peep: number[] = [];
    try {
      const dirs: DirectionParams[] = [];
      for (let d = 0; d < D; d++) {
        dirs.push({
          weightIh: tensor(reorder(wv, I, d * G * H * I), [G * H, I]),
          weightHh: tensor(reorder(rv, H, d * G * H * H), [G * H, H]),
          biasIh: bv ? tensor(reorder(bv, 1, d * 2 * G * H), [G * H]) : null,
          biasHh: bv ? tensor(reorder(bv, 1, d * 2 * G * H + G * H), [G * H]) : null,
        });
      }
      pack = RnnLayerPack.build(engine, cfg.mode, H, dirs, cfg.resetBefore);
      // Peepholes that are all zero change nothing: the plain kernel runs.
      if (pv && pv.some((v) => v !== 0)) {
        for (let d = 0; d < D; d++) {
          const q = pv.subarray(d * 3 * H, (d + 1) * 3 * H); // i, o, f
          const k = new Float32Array(3 * H);
          k.set(q.subarray(0, H), 0); // p_i
          k.set(q.subarray(2 * H, 3 * H), H); // p_f
          k.set(q.subarray(H, 2 * H), 2 * H); // p_o
          const ptr = engine.arena.alloc(3 * H * 4);
          peep.push(ptr);
          engine.arena.f32(ptr, 3 * H).set(k);
        }
      }
      return new Packed(engine, cfg, H, I, pack, peep);
    } catch (err) {
      pack?.dispose();
      for (const q of peep) engine.arena.free(q);
      throw err;
    } finally {
      for (const t of temps) t.dispose();
    }
  }

  dispose(): void {
    this.pack.dispose();
    for (const q of this.peep) this.engine.arena.free(q);
    this.peep.length = 0;
  }

  /** Runs the node on X and the state inputs; returns [Y, Y_h, (Y_c)] for node.outputs. */
  run(node: OnnxNode, inputs: (Tensor | null)[]): Tensor[] {
    const { cfg, hidden: H, engine } = this;
    const x = f32In(node, inputs[X], 'X');
    const D = cfg.reverse.length;
    const G = cfg.G;
    const lstm = cfg.kind === 'LSTM';
    const bf = cfg.layout === 1;
    if (x.shape.length !== 3 || x.shape[2] !== this.inputSize) {
      throw node.error(`input X must be ${bf ? '[batch, seq, input_size]' : '[seq, batch, input_size]'} with input_size ${this.inputSize} (from W), got ${shapeStr(x)}`);
    }
    const T = bf ? x.shape[1] : x.shape[0];
    const Bn = bf ? x.shape[0] : x.shape[1];
    const stateDims = bf ? [Bn, D, H] : [D, Bn, H];
    const stateNames = bf ? '[batch, num_directions, hidden_size]' : '[num_directions, batch, hidden_size]';
    const h0 = inputs[H0] ?? null;
    const c0 = lstm ? (inputs[C0] ?? null) : null;
    if (h0) expectShape(node, f32In(node, h0, 'initial_h'), 'initial_h', stateDims, stateNames);
    if (c0) expectShape(node, f32In(node, c0, 'initial_c'), 'initial_c', stateDims, stateNames);
    const lens = seqLens(node, inputs[SEQ] ?? null, Bn, T);
    const ragged = lens !== null && lens.some((l) => l !== T);
    const nOut = Math.max(1, Math.min(node.outputs.length, lstm ? 3 : 2));
    const yShape = bf ? [Bn, T, D, H] : [T, D, Bn, H];
    if (T === 0 || Bn === 0) {
      // Nothing to run: Y is empty (or the states are their initial values / zeros).
      const outs = [Tensor.zeros(yShape, 'float32', engine)];
      if (nOut > 1) outs.push(h0 ? h0.clone() : Tensor.zeros(stateDims, 'float32', engine));
      if (nOut > 2) outs.push(c0 ? c0.clone() : Tensor.zeros(stateDims, 'float32', engine));
      return outs;
    }
    const a = engine.arena;
    const outs: Tensor[] = [];
    const scratch: number[] = [];
    const alloc = (bytes: number): number => {
      const p = a.alloc(bytes);
      scratch.push(p);
      return p;
    };
    const state = Bn * H; // floats of one direction's [B, H] state
    try {
      const y = ragged ? Tensor.zeros(yShape, 'float32', engine) : Tensor.empty(yShape, 'float32', engine);
      outs.push(y);
      const yh = Tensor.empty(stateDims, 'float32', engine);
      outs.push(yh);
      const yc = lstm ? Tensor.empty(stateDims, 'float32', engine) : null;
      if (yc) outs.push(yc);
      // Kernel-side states are [D, B, H]: layout 0 uses the tensors in place, layout 1 goes
      // through scratch (permuted in and out).
      const toDBH = (t: Tensor): number => {
        if (!bf) return t.ptr;
        const p = alloc(D * state * 4);
        permuteStates(engine, t.ptr, p, Bn, D, H, true);
        return p;
      };
      const h0p = h0 ? toDBH(h0) : 0;
      const hnp = bf ? alloc(D * state * 4) : yh.ptr;
      let cp = 0;
      if (lstm) {
        cp = bf ? alloc(D * state * 4) : yc!.ptr;
        if (!c0) a.u8(cp, D * state * 4).fill(0);
        else if (bf) permuteStates(engine, c0.ptr, cp, Bn, D, H, true);
        else a.u8(cp, D * state * 4).set(a.u8(c0.ptr, D * state * 4));
      }
      // Input projections of every step and direction: one gemm.
      const xw = D * G * H;
      const xp = alloc(T * Bn * xw * 4);
      gemm(engine, { m: T * Bn, a: x.ptr, lda: this.inputSize, c: xp, ldc: xw }, this.pack.wih as PackedWeights); // ONNX weights are float32: never an int8 pack
      const ws = alloc(recurrentScratchBytes(cfg.mode, H, ragged ? 1 : Bn, { resetBefore: cfg.resetBefore }));
      const xsT = (bf ? 1 : Bn) * xw;
      const xsB = (bf ? T : 1) * xw;
      const ysT = bf ? D * H : D * Bn * H;
      const ysB = bf ? T * D * H : H;
      for (let d = 0; d < D; d++) {
        const common = {
          xsT,
          xsB,
          ysT,
          ysB,
          reverse: cfg.reverse[d],
          ws,
          whn: this.pack.recurrentN(d),
          peep: this.peep.length ? this.peep[d] : 0,
          clip: cfg.clip,
          inputForget: cfg.inputForget,
        };
        const xpd = xp + d * G * H * 4;
        const yd = y.ptr + (bf ? d * H : d * state) * 4;
        const sd = d * state * 4; // byte offset of direction d's [B, H] state
        if (!ragged) {
          scan(engine, cfg.mode, H, this.pack.recurrent(d), {
            ...common, T, B: Bn, xp: xpd, h0: h0p ? h0p + sd : 0, c: cp ? cp + sd : 0, y: yd, hn: hnp + sd,
          });
          continue;
        }
        for (let b = 0; b < Bn; b++) {
          const rb = sd + b * H * 4; // batch row b of a [B, H] state
          const L = lens![b];
          if (L === 0) {
            a.u8(hnp + rb, H * 4).fill(0);
            if (cp) a.u8(cp + rb, H * 4).fill(0);
            continue;
          }
          scan(engine, cfg.mode, H, this.pack.recurrent(d), {
            ...common,
            T: L,
            B: 1,
            xp: xpd + b * xsB * 4,
            h0: h0p ? h0p + rb : 0,
            c: cp ? cp + rb : 0,
            y: yd + b * ysB * 4,
            hn: hnp + rb,
          });
        }
      }
      if (bf) {
        permuteStates(engine, hnp, yh.ptr, Bn, D, H, false);
        if (yc) permuteStates(engine, cp, yc.ptr, Bn, D, H, false);
      }
      // Outputs past node.outputs are not returned (the runtime maps them by position).
      while (outs.length > nOut) outs.pop()!.dispose();
      return outs;
    } catch (err) {
      for (const t of outs) t.dispose();
      throw err;
    } finally {
      for (const p of scratch) a.free(p);
    }
  }
}

/** sequence_lens as numbers (null when absent), each checked to be in [0, T]. */
function seqLens(node: OnnxNode, t: Tensor | null, B: number, T: number): number[] | null {
  if (!t) return null;
  if (t.dtype !== 'int32' && t.dtype !== 'int64') throw node.error(`input sequence_lens must be int32, got ${t.dtype}`);
  if (t.shape.length !== 1 || t.shape[0] !== B) throw node.error(`input sequence_lens must be [batch] = [${B}], got ${shapeStr(t)}`);
  const v = Array.from(t.data() as ArrayLike<number | bigint>, Number);
  v.forEach((l, i) => {
    if (!(Number.isInteger(l) && l >= 0 && l <= T)) throw node.error(`sequence_lens[${i}] = ${l} is outside [0, ${T}] (seq_length)`);
  });
  return v;
}

/** [B, D, H] <-> [D, B, H] (toDBH: from batch-first to direction-first). */
function permuteStates(engine: Engine, src: number, dst: number, B: number, D: number, H: number, toDBH: boolean): void {
  const a = engine.arena;
  const s = a.f32(src, B * D * H);
  const o = a.f32(dst, B * D * H);
  for (let b = 0; b < B; b++) {
    for (let d = 0; d < D; d++) {
      const bdh = (b * D + d) * H;
      const dbh = (d * B + b) * H;
      if (toDBH) o.set(s.subarray(bdh, bdh + H), dbh);
      else o.set(s.subarray(dbh, dbh + H), bdh);
    }
  }
}

function recurrentOp(kind: Kind): OpDef {
  const weightInputs = kind === 'LSTM' ? [W, R, BIAS, P] : [W, R, BIAS];
  return {
    check(node) {
      config(node, kind);
      const max = kind === 'LSTM' ? 8 : 6;
      if (node.inputs.length < 3 || node.inputs.length > max) throw node.error(`takes 3 to ${max} inputs, got ${node.inputs.length}`);
      if (node.outputs.length > (kind === 'LSTM' ? 3 : 2)) throw node.error(`has at most ${kind === 'LSTM' ? 3 : 2} outputs, got ${node.outputs.length}`);
    },
    infer(node, ins) {
      const cfg = config(node, kind);
      const x = ins[X]?.shape ?? null;
      const r = ins[R]?.shape ?? null;
      const D = cfg.reverse.length;
      const H = cfg.hidden || (r && typeof r[2] === 'number' ? r[2] : null);
      const out = (shape: (number | string)[] | null): ValueType => ({ dtype: 'float32', shape });
      if (!x || x.length !== 3 || H === null) return node.outputs.map(() => out(null));
      const [T, B] = cfg.layout === 1 ? [x[1], x[0]] : [x[0], x[1]];
      const y = cfg.layout === 1 ? [B, T, D, H] : [T, D, B, H];
      const st = cfg.layout === 1 ? [B, D, H] : [D, B, H];
      return node.outputs.map((_, i) => out(i === 0 ? y : st));
    },
    prepare(node, consts, ctx): PreparedOp | null {
      // Every weight input that is present must be a constant.
      if (weightInputs.some((i) => node.input(i) !== '' && !consts[i])) return null;
      const cfg = config(node, kind);
      const packed = Packed.build(node, cfg, ctx.engine, consts[W], consts[R], consts[BIAS] ?? null, kind === 'LSTM' ? (consts[P] ?? null) : null);
      return {
        run: (inputs) => packed.run(node, inputs),
        dispose: () => packed.dispose(),
      };
    },
    run(node, inputs, ctx) {
      const cfg = config(node, kind);
      const packed = Packed.build(node, cfg, ctx.engine, inputs[W], inputs[R], inputs[BIAS] ?? null, kind === 'LSTM' ? (inputs[P] ?? null) : null);
      try {
        return packed.run(node, inputs);
      } finally {
        packed.dispose();
      }
    },
  };
}

export const rnnOps: OpTable = {
  LSTM: recurrentOp('LSTM'),
  GRU: recurrentOp('GRU'),
  RNN: recurrentOp('RNN'),
};
