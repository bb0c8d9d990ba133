/**
 * The sequence kernels f32_{rnn,gru,lstm}_seq_*__wasmsimd (recurrent matvec + fused gates over a
 * whole sequence) against the float64 reference of test/reference/rnn.ts: hidden sizes below,
 * at, between and above the panel (1, 5, 13, 33; 16 and 17 for the 16-unit RNN panel), odd batches,
 * T = 1, 2, 17, both directions, with and without h0; strided (batch-first) projections with junk
 * padding, output rows with NaN canaries between them, NaN-guarded c and h_n; every build.
 * Also the ONNX variants over the same grid: f32_gru_seq_2x16__wasmsimd_reseth (linear_before_reset
 * = 0: W_hr|W_hz and W_hn packed apart; with and without clip), f32_gru_seq_2x16__wasmsimd_clip,
 * f32_rnn_seq_2x16__wasmsimd_clip (tanh, relu), f32_lstm_seq_2x16__wasmsimd_onnx (P, clip,
 * input_forget).
 */
import { describe, expect, it } from 'vitest';
import { engineFor, runnableBuilds } from '../helpers/engines.js';
import { input, output } from '../helpers/guarded.js';
import { Rng } from '../helpers/rng.js';
import { refLayer, type RefMode } from '../reference/rnn.js';
import { packRecurrentInto, packStripsInto, packedRecurrentFloats, packedStripFloats, recurrentScratchBytes, scan } from '../../dist/src/ops/rnn.js';

const SEED = 20261128;
const MODES: RefMode[] = ['rnn_tanh', 'rnn_relu', 'gru', 'lstm'];
const GATES: Record<RefMode, number> = { rnn_tanh: 1, rnn_relu: 1, gru: 3, lstm: 4 };
const TOL = 2e-6;

/** A kernel variant (ONNX semantics): GRU reset before W_hn, LSTM peepholes / input_forget, clip. */
interface Variant {
  resetBefore?: boolean;
  peep?: boolean;
  clip?: number;
  inputForget?: boolean;
}
const VARIANTS: [RefMode, Variant, string][] = [
  ['gru', { resetBefore: true }, 'gru reset-before-linear (f32_gru_seq_2x16__wasmsimd_reseth)'],
  ['gru', { resetBefore: true, clip: 0.7 }, 'gru reset-before-linear, clip 0.7 (f32_gru_seq_2x16__wasmsimd_reseth)'],
  ['gru', { clip: 0.7 }, 'gru clip 0.7 (f32_gru_seq_2x16__wasmsimd_clip)'],
  ['rnn_tanh', { clip: 0.5 }, 'rnn tanh clip 0.5 (f32_rnn_seq_2x16__wasmsimd_clip)'],
  ['rnn_relu', { clip: 0.5 }, 'rnn relu clip 0.5 (f32_rnn_seq_2x16__wasmsimd_clip)'],
  ['lstm', { peep: true }, 'lstm peephole (f32_lstm_seq_2x16__wasmsimd_onnx)'],
  ['lstm', { peep: true, clip: 0.8 }, 'lstm peephole, clip 0.8 (f32_lstm_seq_2x16__wasmsimd_onnx)'],
  ['lstm', { inputForget: true }, 'lstm input_forget (f32_lstm_seq_2x16__wasmsimd_onnx)'],
];

describe.each(runnableBuilds())('f32 rnn/gru/lstm sequence kernels [%s build]', (build) => {
  for (const mode of MODES) {
    it(`${mode}: matches the float64 reference`, async () => {
      const e = await engineFor(build);
      const rng = new Rng(SEED);
      const hiddens = mode.startsWith('rnn') ? [1, 5, 13, 16, 17, 33] : [1, 5, 13, 33];
      let cases = 0;
      for (const H of hiddens) {
        for (const B of [1, 2, 3, 5]) {
          for (const T of [1, 2, 17]) {
            for (const reverse of [false, true]) {
              for (const withH0 of [false, true]) {
                // Cut the grid: every H x B x T, directions and h0 alternate.
                if ((H + B + T + (reverse ? 1 : 0) + (withH0 ? 1 : 0)) % 2 === 1 && T !== 17) continue;
                runCase(e, rng, mode, H, B, T, reverse, withH0, (B + T) % 2 === 0);
                cases++;
              }
            }
          }
        }
      }
      expect(cases).toBeGreaterThan(40);
    });
  }

  for (const [mode, variant, name] of VARIANTS) {
    it(`${name}: matches the float64 reference`, async () => {
      const e = await engineFor(build);
      const rng = new Rng(SEED + 7);
      let cases = 0;
      for (const H of [1, 5, 13, 33]) {
        for (const B of [1, 2, 3, 5]) {
          for (const T of [1, 2, 17]) {
            for (const reverse of [false, true]) {
              for (const withH0 of [false, true]) {
                if ((H + B + T + (reverse ? 1 : 0) + (withH0 ? 1 : 0)) % 2 === 1 && T !== 17) continue;
                runCase(e, rng, mode, H, B, T, reverse, withH0, (B + T) % 2 === 0, false, variant);
                cases++;
              }
            }
          }
        }
      }
      expect(cases).toBeGreaterThan(40);
    });
  }

  it('lstm: c updated in place is read as c0 (c0 given), h_n copy skipped when hn = 0', async () => {
    const e = await engineFor(build);
    runCase(e, new Rng(SEED + 1), 'lstm', 7, 3, 5, false, true, false, true);
  });
});

type Engine = Awaited<ReturnType<typeof engineFor>>;

function runCase(e: Engine, rng: Rng, mode: RefMode, H: number, B: number, T: number, reverse: boolean, withH0: boolean, batchFirst: boolean, noHn = false, variant: Variant = {}): void {
  const G = GATES[mode];
  const label = `seed=${SEED} ${mode} ${JSON.stringify(variant)} H=${H} B=${B} T=${T} reverse=${reverse} h0=${withH0} batchFirst=${batchFirst}`;
  const k = 1 / Math.sqrt(H);
  const whh = rng.f32(G * H * H, -k, k);
  const bhh = rng.f32(G * H, -k, k);
  const h0 = withH0 ? rng.f32(B * H) : null;
  const c0 = mode === 'lstm' && withH0 ? rng.f32(B * H, -2, 2) : null;
  const xpv = rng.f32(T * B * G * H, -2, 2);
  // Projection rows: time-major (t*B + b) or batch-first (b*T + t), G*H floats each.
  const xsT = batchFirst ? G * H : B * G * H;
  const xsB = batchFirst ? T * G * H : G * H;
  // Output rows strided with a 3-float NaN canary gap after each row.
  const yw = H + 3;
  const ysT = batchFirst ? yw : B * yw;
  const ysB = batchFirst ? T * yw : yw;

  const peep = variant.peep ? rng.f32(3 * H, -1, 1) : null;
  let packed: Float32Array;
  let wn: ReturnType<typeof input> | null = null;
  if (variant.resetBefore) {
    packed = new Float32Array(packedStripFloats(2, H));
    packStripsInto(2, H, whh.subarray(0, 2 * H * H), bhh.subarray(0, 2 * H), packed);
    const pn = new Float32Array(packedStripFloats(1, H));
    packStripsInto(1, H, whh.subarray(2 * H * H), bhh.subarray(2 * H), pn);
    wn = input(e, pn);
  } else {
    packed = new Float32Array(packedRecurrentFloats(mode, H));
    packRecurrentInto(mode, H, whh, bhh, packed);
  }
  const w = input(e, packed);
  const pb = peep ? input(e, peep) : null;
  const xp = input(e, xpv);
  const h0b = h0 ? input(e, h0) : null;
  const c = output(e, B * H, 0);
  if (c0) e.arena.f32(c.ptr, B * H).set(c0);
  const y = output(e, T * B * yw);
  const hn = output(e, B * H);
  const wsBytes = recurrentScratchBytes(mode, H, B, { resetBefore: !!variant.resetBefore });
  const ws = e.arena.alloc(wsBytes);
  try {
    scan(e, mode, H, w.ptr, {
      T, B, xp: xp.ptr, xsT, xsB, h0: h0b ? h0b.ptr : 0, c: mode === 'lstm' ? c.ptr : 0,
      y: y.ptr, ysT, ysB, hn: noHn ? 0 : hn.ptr, reverse, ws, whn: wn ? wn.ptr : 0, peep: pb ? pb.ptr : 0,
      clip: variant.clip, inputForget: variant.inputForget,
    });
    y.checkGuards(label);
    c.checkGuards(label);
    hn.checkGuards(label);
    const ref = refLayer({
      mode, T, B, H, reverse, whh, bhh, h0, c0, resetBefore: variant.resetBefore, peep, clip: variant.clip, inputForget: variant.inputForget,
      xp: (t, b, j) => xpv[t * xsT + b * xsB + j],
    });
    const got = y.read();
    for (let t = 0; t < T; t++) {
      for (let b = 0; b < B; b++) {
        const row = t * ysT + b * ysB;
        for (let u = 0; u < yw; u++) {
          const g = got[row + u];
          if (u >= H) {
            if (!Number.isNaN(g)) expect.fail(`${label}: canary after y row t=${t} b=${b} overwritten at +${u - H}: ${g}`);
            continue;
          }
          const r = ref.y[(t * B + b) * H + u];
          if (!(Math.abs(g - r) <= TOL * (1 + Math.abs(r)))) expect.fail(`${label}: y[t=${t}][b=${b}][${u}] got ${g}, expected ${r}`);
        }
      }
    }
    const hnGot = hn.read();
    const cGot = c.read();
    for (let i = 0; i < B * H; i++) {
      if (noHn) {
        if (!Number.isNaN(hnGot[i])) expect.fail(`${label}: hn written although hn = 0`);
      } else if (!(Math.abs(hnGot[i] - ref.hn[i]) <= TOL * (1 + Math.abs(ref.hn[i])))) {
        expect.fail(`${label}: h_n[${i}] got ${hnGot[i]}, expected ${ref.hn[i]}`);
      }
      if (mode === 'lstm' && !(Math.abs(cGot[i] - ref.cn[i]) <= TOL * (1 + Math.abs(ref.cn[i])))) {
        expect.fail(`${label}: c_n[${i}] got ${cGot[i]}, expected ${ref.cn[i]}`);
      }
      if (mode !== 'lstm' && cGot[i] !== 0) expect.fail(`${label}: c touched by ${mode}`);
    }
  } finally {
    for (const b of [w, xp, c, y, hn]) b.free();
    h0b?.free();
    wn?.free();
    pb?.free();
    e.arena.free(ws);
  }
}
