/**
 * nn.RNN / nn.GRU / nn.LSTM, the cells and the streaming step() API, on every build:
 * multi-layer bidirectional batch-first forward against a float64 composition of the reference
 * layer; cells against the reference; step() over a sequence equals forward() and allocates
 * nothing; state_dict keys; typed errors.
 */
import { describe, expect, it } from 'vitest';
import { nn, Tensor, ArgumentError, ShapeError, StateDictError, type Engine } from '../../dist/src/entries/node.js';
import { otherEngine, runnableBuilds, useBuild } from '../helpers/engines.js';
import { Rng } from '../helpers/rng.js';
import { refLayer, refProject, type RefMode } from '../reference/rnn.js';

const SEED = 77;
const TOL = 5e-6;

type Seq = nn.RNN | nn.GRU | nn.LSTM;
type Kind = 'RNN' | 'RNN_relu' | 'GRU' | 'LSTM';
const MODE: Record<Kind, RefMode> = { RNN: 'rnn_tanh', RNN_relu: 'rnn_relu', GRU: 'gru', LSTM: 'lstm' };
const G: Record<Kind, number> = { RNN: 1, RNN_relu: 1, GRU: 3, LSTM: 4 };

function make(kind: Kind, I: number, H: number, o: { numLayers?: number; bidirectional?: boolean; batchFirst?: boolean; bias?: boolean } = {}): Seq {
  if (kind === 'GRU') return new nn.GRU(I, H, o);
  if (kind === 'LSTM') return new nn.LSTM(I, H, o);
  return new nn.RNN(I, H, { ...o, nonlinearity: kind === 'RNN_relu' ? 'relu' : 'tanh' });
}

/** Random values for every parameter (seeded), loaded through loadStateDict; returns them. */
function randomize(m: nn.Module, rng: Rng): Record<string, Float32Array> {
  const sd: Record<string, { data: Float32Array; shape: readonly number[] }> = {};
  for (const [k, t] of Object.entries(m.stateDict())) sd[k] = { data: rng.f32(t.numel, -0.6, 0.6), shape: t.shape };
  m.loadStateDict(sd);
  return Object.fromEntries(Object.entries(sd).map(([k, v]) => [k, v.data]));
}

function close(label: string, got: Float32Array, ref: ArrayLike<number>, tol = TOL): void {
  expect(got.length, `${label}: length`).toBe(ref.length);
  for (let i = 0; i < ref.length; i++) {
    if (!(Math.abs(got[i] - ref[i]) <= tol * (1 + Math.abs(ref[i])))) expect.fail(`${label}[${i}]: got ${got[i]}, expected ${ref[i]}`);
  }
}

/** Float64 forward of a whole module (time-major input x [T, B, I]); returns time-major output, h_n, c_n. */
function refModule(kind: Kind, p: Record<string, Float32Array>, L: number, D: number, T: number, B: number, I: number, H: number, x: Float32Array, h0: Float32Array | null, c0: Float32Array | null) {
  const mode = MODE[kind];
  const g = G[kind];
  let inp: ArrayLike<number> = x;
  let inSize = I;
  const hn = new Float64Array(L * D * B * H);
  const cn = new Float64Array(L * D * B * H);
  for (let l = 0; l < L; l++) {
    const out = new Float64Array(T * B * D * H);
    for (let d = 0; d < D; d++) {
      const sfx = `_l${l}${d ? '_reverse' : ''}`;
      const proj: Float64Array[] = [];
      for (let r = 0; r < T * B; r++) proj.push(refProject(inp, r * inSize, p['weight_ih' + sfx], p['bias_ih' + sfx] ?? null, g * H, inSize));
      const s = (l * D + d) * B * H;
      const r = refLayer({
        mode, T, B, H, reverse: d === 1,
        xp: (t, b, j) => proj[t * B + b][j],
        whh: p['weight_hh' + sfx], bhh: p['bias_hh' + sfx] ?? null,
        h0: h0 ? h0.subarray(s, s + B * H) : null, c0: c0 ? c0.subarray(s, s + B * H) : null,
      });
      for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) for (let u = 0; u < H; u++) out[((t * B + b) * D + d) * H + u] = r.y[(t * B + b) * H + u];
      hn.set(r.hn, s);
      cn.set(r.cn, s);
    }
    inp = out;
    inSize = D * H;
  }
  return { out: inp as Float64Array, hn, cn };
}

describe.each(runnableBuilds())('nn recurrent layers [%s build]', (build) => {
  let e: Engine;

  for (const kind of ['RNN', 'RNN_relu', 'GRU', 'LSTM'] as Kind[]) {
    it(`${kind}: 2 layers, bidirectional, batchFirst, h0 -> float64 reference`, async () => {
      e = await useBuild(build);
      e.scope(() => {
        const rng = new Rng(SEED);
        const [T, B, I, H, L, D] = [6, 3, 5, 7, 2, 2];
        const m = make(kind, I, H, { numLayers: L, bidirectional: true, batchFirst: true });
        const p = randomize(m, rng);
        const xt = rng.f32(T * B * I); // time-major values
        const xbf = new Float32Array(T * B * I); // the same, batch-first
        for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) xbf.set(xt.subarray((t * B + b) * I, (t * B + b + 1) * I), (b * T + t) * I);
        const h0 = rng.f32(L * D * B * H);
        const c0 = rng.f32(L * D * B * H);
        const x = Tensor.from(xbf, [B, T, I]);
        const h0t = Tensor.from(h0, [L * D, B, H]);
        let out: Tensor, hn: Tensor, cn: Tensor | null = null;
        if (m instanceof nn.LSTM) [out, [hn, cn]] = m.forward(x, [h0t, Tensor.from(c0, [L * D, B, H])]);
        else [out, hn] = m.forward(x, h0t);
        expect(out.shape).toEqual([B, T, D * H]);
        expect(hn.shape).toEqual([L * D, B, H]);
        const ref = refModule(kind, p, L, D, T, B, I, H, xt, h0, kind === 'LSTM' ? c0 : null);
        const refBf = new Float64Array(T * B * D * H);
        for (let t = 0; t < T; t++) for (let b = 0; b < B; b++) refBf.set(ref.out.subarray((t * B + b) * D * H, (t * B + b + 1) * D * H), (b * T + t) * D * H);
        close(`seed=${SEED} ${kind} output`, out.toFloat32Array(), refBf);
        close(`seed=${SEED} ${kind} h_n`, hn.toFloat32Array(), ref.hn);
        if (cn) close(`seed=${SEED} ${kind} c_n`, cn.toFloat32Array(), ref.cn);
        m.dispose();
      });
    });

    it(`${kind}: step() over a sequence equals forward(), allocating nothing per step`, async () => {
      e = await useBuild(build);
      e.scope(() => {
        const rng = new Rng(SEED + 1);
        const [T, B, I, H, L] = [9, 3, 6, 13, 2];
        const m = make(kind, I, H, { numLayers: L });
        randomize(m, rng);
        const xs = rng.f32(T * B * I);
        const [out, hn] = m instanceof nn.LSTM ? [m.forward(Tensor.from(xs, [T, B, I]))[0], m.forward(Tensor.from(xs, [T, B, I]))[1][0]] : m.forward(Tensor.from(xs, [T, B, I]));
        const ref = out.toFloat32Array();
        const state = m.initState(B);
        const frames = Array.from({ length: T }, (_, t) => Tensor.from(xs.subarray(t * B * I, (t + 1) * B * I), [B, I]));
        m.step(frames[0], state);
        state.reset();
        const before = e.memoryStats();
        for (let t = 0; t < T; t++) {
          const y = m.step(frames[t], state);
          expect(y).toBe(state.output);
          close(`seed=${SEED + 1} ${kind} step t=${t}`, y.toFloat32Array(), ref.subarray(t * B * H, (t + 1) * B * H), 1e-6);
        }
        const after = e.memoryStats();
        expect(after.inUseBytes, 'bytes in use after T steps').toBe(before.inUseBytes);
        expect(after.blocks, 'live blocks after T steps').toBe(before.blocks);
        close(`${kind} state.h after the sequence`, state.h.toFloat32Array(), hn.toFloat32Array(), 1e-6);
        state.dispose();
        m.dispose();
      });
    });
  }

  it('cells: RNNCell (relu), GRUCell, LSTMCell -> float64 reference, batched and unbatched', async () => {
    e = await useBuild(build);
    e.scope(() => {
      const rng = new Rng(SEED + 2);
      const [B, I, H] = [3, 6, 9];
      for (const kind of ['RNN_relu', 'GRU', 'LSTM'] as Kind[]) {
        const cell = kind === 'GRU' ? new nn.GRUCell(I, H) : kind === 'LSTM' ? new nn.LSTMCell(I, H) : new nn.RNNCell(I, H, { nonlinearity: 'relu' });
        expect(Object.keys(cell.stateDict())).toEqual(['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']);
        const p = randomize(cell, rng);
        for (const unbatched of [false, true]) {
          const b = unbatched ? 1 : B;
          const x = rng.f32(b * I);
          const h = rng.f32(b * H);
          const c = rng.f32(b * H);
          const shp = (n: number) => (unbatched ? [n] : [b, n]);
          const ref = refLayer({
            mode: MODE[kind], T: 1, B: b, H, reverse: false,
            xp: (_t, bb, j) => refProject(x, bb * I, p.weight_ih, p.bias_ih, G[kind] * H, I)[j],
            whh: p.weight_hh, bhh: p.bias_hh, h0: h, c0: kind === 'LSTM' ? c : null,
          });
          const xt = Tensor.from(x, shp(I));
          const ht = Tensor.from(h, shp(H));
          if (cell instanceof nn.LSTMCell) {
            const [h1, c1] = cell.forward(xt, [ht, Tensor.from(c, shp(H))]);
            expect(h1.shape).toEqual(shp(H));
            close(`LSTMCell h' unbatched=${unbatched}`, h1.toFloat32Array(), ref.hn);
            close(`LSTMCell c' unbatched=${unbatched}`, c1.toFloat32Array(), ref.cn);
          } else {
            const h1 = cell.forward(xt, ht);
            expect(h1.shape).toEqual(shp(H));
            close(`${kind} cell h' unbatched=${unbatched}`, h1.toFloat32Array(), ref.hn);
          }
        }
        cell.dispose();
      }
    });
  });

  it('GRU: b_hn stays inside the reset product (n = tanh(W_in x + b_in + r * (W_hn h + b_hn)))', async () => {
    e = await useBuild(build);
    e.scope(() => {
      const [I, H] = [3, 5];
      const cell = new nn.GRUCell(I, H);
      const x = [0.5, -0.25, 0.75];
      const wih = new Float32Array(3 * H * I).fill(0.1);
      const bih = new Float32Array(3 * H);
      bih.fill(-30, 0, H); // r = sigmoid(-30 + ...) ~ 1e-13: the reset gate closes
      const bhh = new Float32Array(3 * H);
      bhh.fill(4, 2 * H); // b_hn = 4: must be multiplied by r, so it vanishes
      cell.loadStateDict({
        weight_ih: { data: wih, shape: [3 * H, I] },
        weight_hh: { data: new Float32Array(3 * H * H), shape: [3 * H, H] },
        bias_ih: { data: bih, shape: [3 * H] },
        bias_hh: { data: bhh, shape: [3 * H] },
      });
      const h = cell.forward(Tensor.from(x, [1, I])).toFloat32Array();
      const wx = 0.1 * (x[0] + x[1] + x[2]);
      const z = 1 / (1 + Math.exp(-wx));
      const want = (1 - z) * Math.tanh(wx); // b_hn outside the product would give tanh(wx + 4)
      for (let u = 0; u < H; u++) expect(Math.abs(h[u] - want), `h[${u}] = ${h[u]}, expected ${want}`).toBeLessThan(1e-6);
      cell.dispose();
    });
  });

  it('step(): unbatched frames [I] when the state has batch 1', async () => {
    e = await useBuild(build);
    e.scope(() => {
      const rng = new Rng(SEED + 4);
      const m = new nn.RNN(4, 6, { numLayers: 3, nonlinearity: 'relu' });
      randomize(m, rng);
      const xs = rng.f32(5 * 4);
      const [out] = m.forward(Tensor.from(xs, [5, 4]));
      const st = m.initState();
      for (let t = 0; t < 5; t++) close(`relu RNN step t=${t}`, m.step(Tensor.from(xs.subarray(4 * t, 4 * t + 4), [4]), st).toFloat32Array(), out.toFloat32Array().subarray(6 * t, 6 * t + 6), 1e-6);
      st.dispose();
      m.dispose();
    });
  });

  it('unbatched input equals batch 1; no bias; default zero state', async () => {
    e = await useBuild(build);
    e.scope(() => {
      const rng = new Rng(SEED + 3);
      const m = new nn.GRU(4, 5, { bias: false, numLayers: 2 });
      expect(Object.keys(m.stateDict())).toEqual(['weight_ih_l0', 'weight_hh_l0', 'weight_ih_l1', 'weight_hh_l1']);
      randomize(m, rng);
      const xs = rng.f32(7 * 4);
      const [o1, h1] = m.forward(Tensor.from(xs, [7, 4]));
      const [o2, h2] = m.forward(Tensor.from(xs, [7, 1, 4]));
      expect(o1.shape).toEqual([7, 5]);
      expect(h1.shape).toEqual([2, 5]);
      expect(o1.toFloat32Array()).toEqual(o2.toFloat32Array());
      expect(h1.toFloat32Array()).toEqual(h2.toFloat32Array());
      m.dispose();
    });
  });

  it('inputs, states and step() frames from another engine: ArgumentError naming them, nothing leaked or written', async () => {
    const e = await useBuild(build);
    const o = await otherEngine(build);
    const lstm = new nn.LSTM(3, 4, {}, e);
    const cell = new nn.GRUCell(3, 4, {}, e);
    const xo = Tensor.zeros([5, 2, 3], 'float32', o);
    const fo = Tensor.zeros([2, 3], 'float32', o);
    const x = Tensor.zeros([5, 2, 3], 'float32', e);
    const h0o = Tensor.zeros([1, 2, 4], 'float32', o);
    const foreign = new nn.LSTM(3, 4, {}, o);
    const st = foreign.initState(1);
    const frame = Tensor.zeros([1, 3], 'float32', o);
    const before = [e.memoryStats().inUseBytes, o.memoryStats().inUseBytes];
    expect(() => lstm.forward(xo)).toThrow(/LSTM.forward: input \(shape \[5, 2, 3\]\) lives in another engine/);
    expect(() => lstm.forward(x, [h0o, h0o])).toThrow(/h0/);
    expect(() => cell.forward(fo)).toThrow(/GRUCell.forward: input .* another engine/);
    expect(() => lstm.step(frame, st)).toThrow(/LSTM.step: frame .* another engine/);
    expect([e.memoryStats().inUseBytes, o.memoryStats().inUseBytes]).toEqual(before);
    for (const t of [lstm, cell, xo, fo, x, h0o, st, frame, foreign]) t.dispose();
  });

  it('recurrent weights written in place through data() take effect (layers and cells repack)', async () => {
    const e = await useBuild(build);
    const x = Tensor.from(new Rng(3).randn(5 * 3), [5, 1, 3], 'float32', e);
    const gru = new nn.GRU(3, 4, {}, e);
    const cell = new nn.LSTMCell(3, 4, {}, e);
    const frame = Tensor.from(new Rng(4).randn(3), [1, 3], 'float32', e);
    const [a] = gru.forward(x);
    const [hc] = cell.forward(frame);
    gru.stateDict()['weight_ih_l0'].data().fill(0);
    gru.stateDict()['weight_hh_l0'].data().fill(0);
    gru.stateDict()['bias_ih_l0'].data().fill(0);
    gru.stateDict()['bias_hh_l0'].data().fill(0);
    const [b] = gru.forward(x); // all-zero weights: h stays 0 (z = 0.5, n = 0)
    expect(Array.from(b.toFloat32Array()).every((v) => v === 0)).toBe(true);
    expect(Array.from(a.toFloat32Array()).some((v) => v !== 0)).toBe(true);
    for (const k of ['weight_ih', 'weight_hh', 'bias_ih', 'bias_hh']) cell.stateDict()[k].data().fill(0);
    const [hz] = cell.forward(frame);
    expect(Array.from(hz.toFloat32Array()).every((v) => v === 0)).toBe(true);
    expect(Array.from(hc.toFloat32Array()).some((v) => v !== 0)).toBe(true);
    for (const t of [x, frame, a, b, hc, hz, gru, cell]) t.dispose();
  });

  it('state_dict keys in PyTorch order; typed errors', async () => {
    e = await useBuild(build);
    e.scope(() => {
      const m = new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true });
      const keys = Object.keys(m.stateDict());
      expect(keys.slice(0, 8)).toEqual([
        'weight_ih_l0', 'weight_hh_l0', 'bias_ih_l0', 'bias_hh_l0',
        'weight_ih_l0_reverse', 'weight_hh_l0_reverse', 'bias_ih_l0_reverse', 'bias_hh_l0_reverse',
      ]);
      expect(m.stateDict().weight_ih_l1.shape).toEqual([16, 8]);
      expect(keys.length).toBe(16);
      expect(() => m.loadStateDict({ ...m.stateDict(), weight_hh_l1: { data: new Float32Array(12), shape: [3, 4] } })).toThrow(StateDictError);
      expect(() => m.forward(Tensor.zeros([2, 1, 5]))).toThrow(ShapeError);
      expect(() => m.forward(Tensor.zeros([2, 1, 3]), [Tensor.zeros([4, 2, 4]), Tensor.zeros([4, 1, 4])])).toThrow(/h0 \(hx\[0\]\) has shape \[4, 2, 4\], expected \[4, 1, 4\]/);
      expect(() => m.forward(Tensor.zeros([2, 1, 3]), [Tensor.zeros([4, 1, 4])] as unknown as [Tensor, Tensor])).toThrow(ArgumentError);
      expect(() => m.initState(1)).toThrow(/bidirectional/);
      expect(() => new nn.GRU(3, 4, { dropout: 0.1 })).toThrow(ArgumentError);
      expect(() => new nn.RNN(3, 4, { nonlinearity: 'gelu' as 'tanh' })).toThrow(ArgumentError);
      const uni = new nn.LSTM(3, 4);
      const st = uni.initState(2);
      expect(() => uni.step(Tensor.zeros([1, 3]), st)).toThrow(/expected \[2, 3\]/);
      st.dispose();
      expect(() => uni.step(Tensor.zeros([2, 3]), st)).toThrow(ArgumentError);
      expect(String(m)).toBe('LSTM(3, 4, num_layers=2, bidirectional=True)');
      const relu = new nn.RNN(3, 4, { nonlinearity: 'relu', bias: false, batchFirst: true });
      const reluCell = new nn.RNNCell(3, 4, { nonlinearity: 'relu' });
      expect(String(relu)).toBe('RNN(3, 4, bias=False, batch_first=True)');
      expect(String(reluCell)).toBe('RNNCell(3, 4, nonlinearity=relu)');
      relu.dispose();
      reluCell.dispose();
      uni.dispose();
      m.dispose();
    });
  });
});
