/**
 * Recurrent rows: one layer, one direction, seq 128, input 256, hidden 256, batch 1 and 16,
 * for RNN (tanh), GRU and LSTM, weights as PyTorch's (gate order LSTM i,f,g,o; GRU r,z,n with
 * b_hn inside the reset product). ONNX Runtime gets the same weights re-ordered to ONNX's gate
 * order (LSTM i,o,f,c; GRU z,r,h) and linear_before_reset=1 for PyTorch's GRU.
 * tfjs-core has no sequence RNN op (tfjs-layers is not a dependency): its side is written with
 * core ops the way tfjs-layers runs them, the input projection as one matMul and a per-step
 * loop (basicLSTMCell for the LSTM).
 * GFLOP/s counts the two matrix products only: 2·T·B·G·H·(I+H), G = 1, 3, 4 gates.
 */
import { Tensor } from '../../src/entries/node.js';
import { Rng } from '../../test/helpers/rng.js';
import { ortCase } from '../peers/ort.js';
import { OnnxGraph, int, str } from '../peers/onnx-model.js';
import { tfCase, type TfPeer } from '../peers/tfjs.js';
import { loadWeights, method, nnModule, oursCase } from '../peers/ours.js';
import { transpose } from './layout.js';
import { workload, type Prepared, type Workload } from './types.js';

type Cell = 'RNN' | 'GRU' | 'LSTM';
const GATES: Record<Cell, number> = { RNN: 1, GRU: 3, LSTM: 4 };
/** ONNX gate block i takes PyTorch's block ONNX_ORDER[cell][i]. */
const ONNX_ORDER: Record<Cell, number[]> = { RNN: [0], GRU: [1, 0, 2], LSTM: [0, 3, 1, 2] };

const T = 128;
const I = 256;
const H = 256;

interface RnnData {
  x: Float32Array;
  wih: Float32Array;
  whh: Float32Array;
  bih: Float32Array;
  bhh: Float32Array;
}

/** Re-orders the gate blocks (rows of `rows` each) of a [G*rows, cols] matrix. */
function reorder(a: Float32Array, order: number[], rows: number, cols: number): Float32Array {
  const out = new Float32Array(a.length);
  order.forEach((src, dst) => out.set(a.subarray(src * rows * cols, (src + 1) * rows * cols), dst * rows * cols));
  return out;
}

/**
 * The ONNX model of one layer over `steps` frames. `stateful`: also takes initial_h (and
 * initial_c) and returns only Y_h, the streaming form (one frame per session.run).
 */
function ortModel(cell: Cell, b: number, d: RnnData, steps = T, stateful = false): Uint8Array {
  const g = GATES[cell];
  const order = ONNX_ORDER[cell];
  const bias = new Float32Array(2 * g * H);
  bias.set(reorder(d.bih, order, H, 1), 0);
  bias.set(reorder(d.bhh, order, H, 1), g * H);
  const attrs = { hidden_size: int(H), direction: str('forward'), ...(cell === 'GRU' ? { linear_before_reset: int(1) } : {}) };
  const graph = new OnnxGraph()
    .input('x', [steps, b, I])
    .constant('W', [1, g * H, I], reorder(d.wih, order, H, I))
    .constant('R', [1, g * H, H], reorder(d.whh, order, H, H))
    .constant('B', [1, 2 * g * H], bias);
  if (!stateful) return graph.node(cell, ['x', 'W', 'R', 'B'], ['y'], attrs).output('y', [steps, 1, b, H]).encode();
  const stateIn = cell === 'LSTM' ? ['h0', 'c0'] : ['h0'];
  for (const n of stateIn) graph.input(n, [1, b, H]);
  return graph.node(cell, ['x', 'W', 'R', 'B', '', ...stateIn], ['', 'hn'], attrs).output('hn', [1, b, H]).encode();
}

/** basicLSTMCell's one kernel [I+H, 4H] and bias (b_ih + b_hh), gates in its order i, g(c), f, o. */
function tfLstmWeights(tf: TfPeer, d: RnnData): { kernel: ReturnType<TfPeer['tensor2d']>; bias: ReturnType<TfPeer['tensor1d']> } {
  const order = [0, 2, 1, 3];
  const kernel = tf.tensor2d(
    Float32Array.from([...transpose(reorder(d.wih, order, H, I), 4 * H, I), ...transpose(reorder(d.whh, order, H, H), 4 * H, H)]),
    [I + H, 4 * H],
  );
  return { kernel, bias: tf.tensor1d(reorder(d.bih.map((v, i) => v + d.bhh[i]), order, H, 1)) };
}

/** Our module for `cell` with the workload's weights (PyTorch keys). */
function oursRnn(cell: Cell, d: RnnData) {
  const g = GATES[cell];
  const Mod = nnModule(cell);
  const m = new Mod(I, H);
  const note = loadWeights(m, {
    weight_ih_l0: { data: d.wih, shape: [g * H, I] },
    weight_hh_l0: { data: d.whh, shape: [g * H, H] },
    bias_ih_l0: { data: d.bih, shape: [g * H] },
    bias_hh_l0: { data: d.bhh, shape: [g * H] },
  });
  return { m, note };
}

function tfjsCase(tf: TfPeer, cell: Cell, b: number, d: RnnData): Prepared {
  const g = GATES[cell];
  const x = tf.tensor2d(d.x, [T * b, I]);
  // Weights pre-transposed to [in, gates] (tfjs-layers' kernel layout; transposeB is slow in tfjs-wasm).
  const wih = tf.tensor2d(transpose(d.wih, g * H, I), [I, g * H]);
  const whh = tf.tensor2d(transpose(d.whh, g * H, H), [H, g * H]);
  const bih = tf.tensor1d(d.bih);
  const bhh = tf.tensor1d(d.bhh);
  const lstm = cell === 'LSTM' ? tfLstmWeights(tf, d) : null;
  const compute = () => {
    let h: ReturnType<typeof tf.zeros> = tf.zeros([b, H]);
    const outs = [];
    if (cell === 'LSTM') {
      let c: ReturnType<typeof tf.zeros> = tf.zeros([b, H]);
      const xs = tf.split(x, T, 0);
      for (let t = 0; t < T; t++) {
        [c, h] = tf.basicLSTMCell(0, lstm!.kernel, lstm!.bias, xs[t] as never, c as never, h as never);
        outs.push(h);
      }
    } else {
      const xw = tf.split(tf.fused.matMul({ a: x, b: wih, bias: bih }), T, 0);
      for (let t = 0; t < T; t++) {
        const hw = tf.fused.matMul({ a: h as never, b: whh, bias: bhh });
        if (cell === 'RNN') h = tf.tanh(tf.add(xw[t], hw));
        else {
          const [xr, xz, xn] = tf.split(xw[t], 3, 1);
          const [hr, hz, hn] = tf.split(hw, 3, 1);
          const r = tf.sigmoid(tf.add(xr, hr));
          const z = tf.sigmoid(tf.add(xz, hz));
          const n = tf.tanh(tf.add(xn, tf.mul(r, hn)));
          h = tf.add(n, tf.mul(z, tf.sub(h, n)));
        }
        outs.push(h);
      }
    }
    return tf.stack(outs);
  };
  const inputs = [x, wih, whh, bih, bhh, ...(lstm ? [lstm.kernel, lstm.bias] : [])];
  return tfCase(compute, inputs, 'core ops, per-step loop');
}

function rnnData(g: number, b: number): RnnData {
  const r = new Rng(5 + g + b);
  const s = 1 / Math.sqrt(H);
  return { x: r.f32(T * b * I), wih: r.f32(g * H * I, -s, s), whh: r.f32(g * H * H, -s, s), bih: r.f32(g * H, -s, s), bhh: r.f32(g * H, -s, s) };
}

function rnnWorkload(cell: Cell, b: number): Workload {
  const g = GATES[cell];
  return workload<RnnData>({
    name: `${cell.toLowerCase()}/T=${T},I=${I},H=${H},B=${b}`,
    flops: 2 * T * b * g * H * (I + H),
    data: () => rnnData(g, b),
    sides: {
      ours(engine, d) {
        const { m, note } = oursRnn(cell, d);
        const x = Tensor.from(d.x, [T, b, I], 'float32', engine);
        const release = () => {
          x.dispose();
          m.dispose();
        };
        const outBytes = (T * b * H + b * H * (cell === 'LSTM' ? 2 : 1)) * 4;
        return oursCase(engine, () => m.forward(x), release, outBytes, note);
      },
      ort: (peer, d) => ortCase(peer, ortModel(cell, b, d), { x: { data: d.x, dims: [T, b, I] } }),
      tfjs: (tf, d) => tfjsCase(tf, cell, b, d),
    },
  });
}

/**
 * Streaming: one LSTM frame (batch 1) with preallocated state, as a voice-activity detector runs
 * it. Ours: lstm.step(frame, state) (the row's note says how many bytes one step allocates);
 * ONNX Runtime: the LSTM op over one frame with initial_h/initial_c fed (one session.run per
 * frame); tfjs: one basicLSTMCell.
 */
const lstmStep = workload<RnnData>({
  name: `lstm-step/I=${I},H=${H},B=1`,
  flops: 2 * 4 * H * (I + H),
  data: () => rnnData(4, 1),
  sides: {
    ours(engine, d) {
      const { m, note } = oursRnn('LSTM', d);
      const initState = method(m, 'initState', 'nn.LSTM');
      const step = method(m, 'step', 'nn.LSTM');
      const state = initState(1);
      const frame = Tensor.from(d.x.slice(0, I), [1, I], 'float32', engine);
      const run = () => {
        step(frame, state);
      };
      run();
      const before = engine.memoryStats().inUseBytes;
      for (let i = 0; i < 100; i++) run();
      const perStep = (engine.memoryStats().inUseBytes - before) / 100;
      return {
        run,
        output: () => {
          state.reset();
          return step(frame, state).toFloat32Array();
        },
        dispose: () => {
          for (const t of [frame, state, m]) t.dispose();
        },
        workspaceBytes: 0,
        note: [`${perStep} B allocated per step`, note].filter(Boolean).join('; '),
      };
    },
    ort(peer, d) {
      const zeros = { data: new Float32Array(H), dims: [1, 1, H] };
      return ortCase(peer, ortModel('LSTM', 1, d, 1, true), { x: { data: d.x.slice(0, I), dims: [1, 1, I] }, h0: zeros, c0: zeros }, 'LSTM op, 1 frame per run');
    },
    tfjs(tf, d) {
      const { kernel, bias } = tfLstmWeights(tf, d);
      const frame = tf.tensor2d(d.x.slice(0, I), [1, I]);
      const c0 = tf.zeros([1, H]);
      const h0 = tf.zeros([1, H]);
      return tfCase(() => tf.basicLSTMCell(0, kernel, bias, frame, c0 as never, h0 as never)[1], [kernel, bias, frame, c0, h0], 'basicLSTMCell');
    },
  },
});

export const rnnWorkloads: Workload[] = [...(['RNN', 'GRU', 'LSTM'] as Cell[]).flatMap((c) => [rnnWorkload(c, 1), rnnWorkload(c, 16)]), lstmStep];
