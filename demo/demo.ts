/**
 * npm run demo: the showcase. Loads the three example models (examples/) from the PyTorch golden
 * files committed in test/fixtures/model/ (state_dict, inputs and PyTorch's outputs in one
 * safetensors file; nothing is downloaded), runs each and prints its error against PyTorch, its
 * latency and the build used; then draws one head of the transformer's first self-attention
 * layer as a terminal heat map, lets the char-LSTM write greedily from a prefix of its training
 * text through the streaming lstm.step() API, and prints the engine's memory statistics.
 *
 * Colour: ANSI 256-colour cells when stdout is a terminal or with --color; unicode shade blocks
 * otherwise (or with NO_COLOR / --plain).
 */
import { existsSync, readFileSync } from 'node:fs';
import { init, loadOnnxSync, memoryStats, Tensor, type Engine, type nn } from '../src/entries/node.js';
import { compareTensors } from '../tools/conformance/compare.js';
import { loadCaseBytes } from '../tools/conformance/load.js';
import { stateDictOf, type GoldenCase } from '../tools/conformance/types.js';
import { TinyCNN, TinyTransformerClassifier, CharLSTM, optionsFromKwargs } from '../examples/index.js';
import { SileroVad, readWav, speechSegments } from '../examples/vad/index.js';
import { medianMs as median } from '../tools/timing.js';

const FIXTURES = new URL('../../test/fixtures/model/', import.meta.url);
const RUNS = 15;
const plain = process.argv.includes('--plain') || !!process.env.NO_COLOR || (!process.stdout.isTTY && !process.argv.includes('--color'));
const bold = (s: string) => (plain ? s : `\x1b[1m${s}\x1b[0m`);

/** A golden model file: the PyTorch state_dict, the inputs and PyTorch's outputs. */
function golden(file: string): GoldenCase {
  return loadCaseBytes(new Uint8Array(readFileSync(new URL(file, FIXTURES))));
}

const medianMs = (engine: Engine, fn: () => unknown) => median(engine, fn, RUNS);

/** Runs a model on its golden inputs: error of every output against PyTorch, median latency. */
function report(engine: Engine, title: string, model: nn.Module & { forward(x: Tensor): Tensor | Tensor[] }, g: GoldenCase): void {
  model.loadStateDict(stateDictOf(g));
  const input = g.tensors[g.inputs[0]];
  const params = Object.values(model.stateDict()).reduce((n, t) => n + (t.dtype === 'float32' ? t.numel : 0), 0);
  const errs = engine.scope(() => {
    const r = model.forward(input);
    const outs = Array.isArray(r) ? r : [r];
    return g.outputs.map((name, i) => {
      const ref = g.tensors[name];
      const c = compareTensors(name, outs[i].toFloat32Array(), outs[i].shape, ref.toFloat32Array(), ref.shape, g.tol);
      return `${name} ${c.maxError.toExponential(2)}${c.ok ? '' : ' FAIL'}`;
    });
  });
  const ms = medianMs(engine, () => model.forward(input));
  const shape = `[${input.shape.join(', ')}]`;
  console.log(`${bold(title.padEnd(26))} ${String(params).padStart(6)} params  input ${shape.padEnd(14)} ${ms.toFixed(3).padStart(7)} ms  max err vs PyTorch: ${errs.join(', ')} (tol ${g.tol})`);
}

/** 256-colour ramp (dark blue -> teal -> yellow) and the unicode shades for --plain. */
const RAMP = [17, 18, 19, 20, 26, 32, 38, 44, 43, 49, 84, 120, 156, 192, 228, 226];
const SHADES = [' ', '░', '▒', '▓', '█'];

function cell(v: number): string {
  if (plain) {
    const s = SHADES[Math.min(SHADES.length - 1, Math.round(v * (SHADES.length - 1)))];
    return s.repeat(3);
  }
  return `\x1b[48;5;${RAMP[Math.min(RAMP.length - 1, Math.round(v * (RAMP.length - 1)))]}m   \x1b[0m`;
}

/** weights [L, S] of one head as a heat map, query tokens down, key tokens across, scaled to its max. */
function heatMap(w: Float32Array, L: number, S: number, tokens: number[]): string[] {
  let max = 0;
  for (const v of w) max = Math.max(max, v);
  const lines = [`      key → ${tokens.map((t) => String(t).padStart(3)).join('')}`];
  for (let i = 0; i < L; i++) {
    let row = `q ${String(i).padStart(2)} ${String(tokens[i]).padStart(3)}   `;
    for (let j = 0; j < S; j++) row += cell(w[i * S + j] / max);
    lines.push(row);
  }
  let dev = 0;
  for (let i = 0; i < L; i++) dev = Math.max(dev, Math.abs(w.subarray(i * S, (i + 1) * S).reduce((a, b) => a + b, 0) - 1));
  const legend = Array.from({ length: 9 }, (_, k) => cell(k / 8)).join('');
  lines.push(`          0 ${legend} ${max.toFixed(2)}  (attention weight; every row sums to 1 within ${dev.toExponential(0)})`);
  return lines;
}

/** Mean entropy of the rows of one head's [L, S] weights (lower = more focused). */
function entropy(w: Float32Array, L: number, S: number): number {
  let h = 0;
  for (let i = 0; i < L * S; i++) if (w[i] > 0) h -= w[i] * Math.log(w[i]);
  return h / L;
}

function attentionDemo(engine: Engine, model: TinyTransformerClassifier, tokens: Tensor): void {
  engine.scope(() => {
    // The first layer's self-attention on the layer's input, as the model computes it.
    const x = model.embed(tokens);
    const attn = model.encoder.layers.at(0).selfAttn;
    const [, w] = attn.forward(x, x, x, { needWeights: true, averageAttnWeights: false });
    const [, H, L, S] = w!.shape; // [N, H, L, S]
    const all = w!.toFloat32Array();
    const heads = Array.from({ length: H }, (_, h) => all.subarray(h * L * S, (h + 1) * L * S)); // sample 0
    const best = heads.map((hw, h) => [entropy(hw, L, S), h]).sort((a, b) => a[0] - b[0])[0][1];
    const ids = [...tokens.data<'int64'>().subarray(0, L)].map(Number);
    console.log(bold(`\nAttention: encoder.layers.0.self_attn, sample 0, head ${best} of ${H} (the most focused), token ids on the axes`));
    for (const line of heatMap(heads[best], L, S, ids)) console.log(line);
  });
}

function generationDemo(engine: Engine, model: CharLSTM, text: string): void {
  const prefix = text.slice(0, 14);
  const n = 40;
  let out = '';
  const ms = medianMs(engine, () => (out = model.generate(prefix, n)));
  // Check: forward() over the whole sequence predicts the same characters at every step.
  const steps: Float32Array[] = [];
  model.generate(prefix, n, { onLogits: (l) => steps.push(l.slice()) });
  const ids = model.encode(prefix + out);
  const V = steps[0].length;
  let diff = 0;
  engine.scope(() => {
    const full = model.forward(Tensor.from(ids, [1, ids.length], 'int64', engine))[0].toFloat32Array();
    steps.forEach((s, i) => s.forEach((v, j) => (diff = Math.max(diff, Math.abs(v - full[(prefix.length - 1 + i) * V + j])))));
  });
  console.log(bold('\nchar-LSTM, greedy decoding char by char through lstm.step() (state preallocated, no allocation per step):'));
  console.log(`  ${JSON.stringify(prefix)} -> ${JSON.stringify(out)}`);
  console.log('  (the golden weights are random, untrained: the text shows the machinery, not a language model)');
  console.log(`  ${n} chars in ${ms.toFixed(2)} ms, ${((ms / (prefix.length + n)) * 1000).toFixed(1)} µs per LSTM step; step() logits vs forward() over the same ${ids.length} tokens: max |diff| ${diff.toExponential(1)}`);
}

/** Silero VAD v5 (from the devDependency @ricky0123/vad-web) over the committed 10 s clip, streamed in 100 ms chunks. */
function vadDemo(): void {
  const root = new URL('../../', import.meta.url);
  const file = new URL('node_modules/@ricky0123/vad-web/dist/silero_vad_v5.onnx', root);
  console.log(bold('\nSilero VAD v5 (onnxruntime-web\'s voice-activity model), streaming test/fixtures/vad/clip.wav in 100 ms chunks:'));
  if (!existsSync(file)) {
    console.log('  (skipped: node_modules/@ricky0123/vad-web is not installed; npm ci installs it)');
    return;
  }
  const { samples } = readWav(new Uint8Array(readFileSync(new URL('test/fixtures/vad/clip.wav', root))));
  const model = loadOnnxSync(new Uint8Array(readFileSync(file)));
  const vad = new SileroVad(model);
  try {
    const probs: number[] = [];
    const t0 = performance.now();
    for (let i = 0; i < samples.length; i += 1600) vad.process(samples.subarray(i, i + 1600), probs);
    const ms = (performance.now() - t0) / probs.length;
    // One character per frame (32 ms): ' ' < 0.1 <= '.' < 0.5 <= '+' < 0.9 <= '#', 78 frames a line.
    const strip = probs.map((p) => (p >= 0.9 ? '#' : p >= 0.5 ? '+' : p >= 0.1 ? '.' : ' ')).join('');
    for (let i = 0; i < strip.length; i += 78) console.log(`  ${(i * 0.032).toFixed(1).padStart(4)} s |${strip.slice(i, i + 78)}|`);
    console.log(`  ('#' p >= 0.9, '+' >= 0.5, '.' >= 0.1, ' ' below; one character per 32 ms frame)`);
    const segs = speechSegments(probs, { threshold: 0.5, minSilenceFrames: 3, minSpeechFrames: 3 });
    console.log(`  speech (p >= 0.5, gaps under 100 ms joined): ${segs.map((g) => `${g.start.toFixed(2)}-${g.end.toFixed(2)} s`).join(', ') || 'none'}`);
    console.log(`  ${probs.length} frames, ${ms.toFixed(3)} ms per 32 ms frame (${(32 / ms).toFixed(0)}x real time)`);
  } finally {
    vad.dispose();
    model.dispose();
  }
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const engine = await init();
  const info = engine.info();
  console.log(bold(`simdnn demo: ${info.build} build`) + ` (${info.reason}), init ${(performance.now() - t0).toFixed(1)} ms`);
  console.log(`features: ${JSON.stringify(info.features)}\n`);
  console.log(`PyTorch models (state_dict + inputs + PyTorch float64 outputs in test/fixtures/model/*.safetensors), latency = median of ${RUNS} runs:`);

  const cnnG = golden('tiny_cnn_1x3x32x32.safetensors');
  const trG = golden('tiny_transformer_classifier_2x16.safetensors');
  const lstmG = golden('char_lstm_2x32.safetensors');
  const cnn = new TinyCNN(optionsFromKwargs(cnnG.params.kwargs));
  const tr = new TinyTransformerClassifier(optionsFromKwargs(trG.params.kwargs));
  const lstm = new CharLSTM({ ...optionsFromKwargs(lstmG.params.kwargs), alphabet: lstmG.params.alphabet });
  try {
    report(engine, 'TinyCNN (conv, BN folded)', cnn, cnnG);
    report(engine, 'TinyTransformerClassifier', tr, trG);
    report(engine, 'CharLSTM', lstm, lstmG);
    attentionDemo(engine, tr, trG.tensors.input);
    generationDemo(engine, lstm, lstmG.params.text[1]);
    vadDemo();
  } finally {
    for (const m of [cnn, tr, lstm]) m.dispose();
    for (const g of [cnnG, trG, lstmG]) for (const t of Object.values(g.tensors)) t.dispose();
  }
  console.log(`\nmemory (all freed): ${JSON.stringify(memoryStats())}`);
  console.log(`total ${(performance.now() - t0).toFixed(0)} ms`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
