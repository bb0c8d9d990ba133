/**
 * The browser playground (npm run playground; static files in dist/playground-site/, built by
 * tools/build-playground.mjs): pick one of the demo's three models, run it on every build the
 * browser validates (simd, and relaxed where validated), and see its outputs against PyTorch's,
 * the median latency per build, the memory in use, and for the transformer the attention weights
 * of every head of its first layer as heat maps on a canvas. A file picker loads a user's own
 * .safetensors (into the selected model when the keys match) or .onnx model.
 *
 * `?run=all` runs the three models one after the other and reports to window.__result (the
 * headless Chromium test in test/runtimes/playground.test.ts reads it).
 */
import { createEngine, detectFeatures, loadOnnx, readSafetensors, Tensor, type BuildName, type Engine, type nn } from '../src/index.js';
import { TinyCNN, TinyTransformerClassifier, CharLSTM, optionsFromKwargs } from '../examples/index.js';
import { loadCaseBytes } from '../tools/conformance/load.js';
import { compareTensors } from '../tools/conformance/compare.js';
import { stateDictOf, type GoldenCase } from '../tools/conformance/types.js';
import { medianMs as median } from '../tools/timing.js';

type ModelKey = 'cnn' | 'transformer' | 'lstm';
type Runnable = nn.Module & { forward(x: Tensor): Tensor | Tensor[] };

interface ModelSpec {
  title: string;
  file: string;
  make(g: GoldenCase, e: Engine): Runnable;
}

const MODELS: Record<ModelKey, ModelSpec> = {
  cnn: { title: 'TinyCNN', file: 'models/tiny_cnn_1x3x32x32.safetensors', make: (g, e) => new TinyCNN(optionsFromKwargs(g.params.kwargs), e) },
  transformer: {
    title: 'TinyTransformerClassifier',
    file: 'models/tiny_transformer_classifier_2x16.safetensors',
    make: (g, e) => new TinyTransformerClassifier(optionsFromKwargs(g.params.kwargs), e),
  },
  lstm: {
    title: 'CharLSTM',
    file: 'models/char_lstm_2x32.safetensors',
    make: (g, e) => new CharLSTM({ ...optionsFromKwargs(g.params.kwargs), alphabet: g.params.alphabet as string }, e),
  },
};

const RUNS = 10;
/** The wasm files sit beside the page (deployable as static files anywhere). */
const WASM: Partial<Record<BuildName, string>> = {
  simd: new URL('wasm/simdnn-simd.wasm', location.href).href,
  relaxed: new URL('wasm/simdnn-relaxed.wasm', location.href).href,
};
const BUILDS: BuildName[] = detectFeatures().relaxedSimd ? ['simd', 'relaxed'] : ['simd'];

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const engines = new Map<BuildName, Promise<Engine>>();
const files = new Map<string, Promise<Uint8Array>>();

/** One engine per build, created on first use and kept for the page's lifetime. */
function engineFor(build: BuildName): Promise<Engine> {
  let e = engines.get(build);
  if (!e) {
    e = createEngine({ source: WASM, simd: build });
    engines.set(build, e);
  }
  return e;
}

function fetchBytes(url: string): Promise<Uint8Array> {
  let p = files.get(url);
  if (!p) {
    p = fetch(url).then(async (r) => {
      if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`);
      return new Uint8Array(await r.arrayBuffer());
    });
    files.set(url, p);
  }
  return p;
}

const medianMs = (engine: Engine, fn: () => unknown) => median(engine, fn, RUNS);

const kb = (b: number) => `${(b / 1024).toFixed(0)} KB`;
const mb = (b: number) => `${(b / 1048576).toFixed(1)} MB`;

export interface BuildResult {
  build: BuildName;
  ms: number;
  maxError: number;
  tol: number;
  ok: boolean;
  threads: number;
  inUseBytes: number;
  highWaterBytes: number;
  capacityBytes: number;
  /** The first output's first values (the same numbers the page prints). */
  head: number[];
}

export interface ModelResult {
  model: ModelKey;
  builds: BuildResult[];
  /** Transformer only: heads drawn and the non-background pixels in the canvas. */
  heads?: number;
  drawnPixels?: number;
}

/** Runs a golden model on one engine: outputs vs PyTorch, latency, memory. */
function runOn(engine: Engine, key: ModelKey, bytes: Uint8Array, draw: boolean): { r: BuildResult; heads?: number; drawn?: number; text: string } {
  const g = loadCaseBytes(bytes, engine);
  const model = MODELS[key].make(g, engine);
  try {
    model.loadStateDict(stateDictOf(g));
    const input = g.tensors[g.inputs[0]];
    let maxError = 0;
    let ok = true;
    let head: number[] = [];
    let text = '';
    engine.scope(() => {
      const out = model.forward(input);
      const outs = Array.isArray(out) ? out : [out];
      g.outputs.forEach((name, i) => {
        const ref = g.tensors[name];
        const c = compareTensors(name, outs[i].toFloat32Array(), outs[i].shape, ref.toFloat32Array(), ref.shape, g.tol);
        maxError = Math.max(maxError, c.maxError);
        ok &&= c.ok;
      });
      const first = outs[0].toFloat32Array();
      head = Array.from(first.subarray(0, 6), (v) => Number(v.toPrecision(5)));
      text = `${MODELS[key].title}: input ${g.inputs[0]} [${input.shape.join(', ')}] -> ${g.outputs[0]} [${outs[0].shape.join(', ')}]\n` +
        `first values: ${head.join(', ')}${first.length > 6 ? ', ...' : ''}\n` + summary(key, outs[0], model, g);
    });
    const ms = medianMs(engine, () => model.forward(input));
    let heads: number | undefined;
    let drawn: number | undefined;
    if (draw && key === 'transformer') [heads, drawn] = drawAttention(engine, model as unknown as TinyTransformerClassifier, input);
    const s = engine.memoryStats();
    const info = engine.info();
    return {
      r: { build: info.build, ms, maxError, tol: g.tol, ok, threads: info.threads, inUseBytes: s.inUseBytes, highWaterBytes: s.highWaterBytes, capacityBytes: s.capacityBytes, head },
      heads, drawn, text,
    };
  } finally {
    model.dispose();
    for (const t of Object.values(g.tensors)) t.dispose();
  }
}

/** A line of what the numbers mean for each model. */
function summary(key: ModelKey, out: Tensor, model: Runnable, g: GoldenCase): string {
  const d = out.toFloat32Array();
  if (key === 'lstm') {
    const prefix = (g.params.text as string[])[1].slice(0, 14);
    const text = (model as unknown as CharLSTM).generate(prefix, 24);
    return `greedy decoding through lstm.step(): ${JSON.stringify(prefix)} -> ${JSON.stringify(text)} (random, untrained weights)`;
  }
  const n = out.shape[out.ndim - 1];
  const rows = d.length / n;
  const classes = Array.from({ length: rows }, (_, r) => {
    const row = d.subarray(r * n, (r + 1) * n);
    return row.indexOf(Math.max(...row));
  });
  return `predicted class per sample: ${classes.join(', ')}`;
}

/** Colour ramp (dark blue -> teal -> yellow) for v in [0, 1]. */
function colour(v: number): string {
  const stops = [[13, 8, 135], [0, 110, 160], [30, 160, 130], [140, 200, 60], [250, 230, 40]];
  const x = Math.max(0, Math.min(1, v)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const c = stops[i].map((a, k) => Math.round(a + (stops[i + 1][k] - a) * f));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** The first layer's self-attention weights [N, H, L, S], sample 0, one heat map per head. Returns [heads, drawn pixels]. */
function drawAttention(engine: Engine, model: TinyTransformerClassifier, tokens: Tensor): [number, number] {
  return engine.scope(() => {
    const x = model.embed(tokens);
    const [, w] = model.encoder.layers.at(0).selfAttn.forward(x, x, x, { needWeights: true, averageAttnWeights: false });
    const [, H, L, S] = w!.shape;
    const all = w!.toFloat32Array();
    const canvas = $<HTMLCanvasElement>('heatmap');
    const ctx = canvas.getContext('2d')!;
    const pad = 24;
    const cellPx = Math.max(2, Math.floor(Math.min((canvas.width - pad * (H + 1)) / (H * S), (canvas.height - 2 * pad) / L)));
    ctx.fillStyle = '#ffffff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
    ctx.font = '12px system-ui, sans-serif';
    for (let h = 0; h < H; h++) {
      const hw = all.subarray(h * L * S, (h + 1) * L * S);
      let max = 0;
      for (const v of hw) max = Math.max(max, v);
      const x0 = pad + h * (S * cellPx + pad);
      ctx.fillStyle = '#1d2330';
      ctx.fillText(`head ${h}`, x0, pad - 8);
      for (let i = 0; i < L; i++) {
        for (let j = 0; j < S; j++) {
          ctx.fillStyle = colour(hw[i * S + j] / (max || 1));
          ctx.fillRect(x0 + j * cellPx, pad + i * cellPx, cellPx, cellPx);
        }
      }
    }
    // Non-white pixels in the canvas: what the test checks to know a heat map was drawn.
    const px = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
    let drawn = 0;
    for (let i = 0; i < px.length; i += 4) if (px[i] < 250 || px[i + 1] < 250 || px[i + 2] < 250) drawn++;
    return [H, drawn] as [number, number];
  });
}

function showBuilds(rows: BuildResult[]): void {
  $('builds').querySelector('tbody')!.innerHTML = rows
    .map((r) =>
      `<tr><td>${r.build}</td><td>${r.ms.toFixed(3)} ms</td><td class="${r.ok ? 'ok' : 'bad'}">${r.maxError.toExponential(2)} (tol ${r.tol}) ${r.ok ? 'OK' : 'FAIL'}</td>` +
      `<td>${r.threads}</td><td>${kb(r.inUseBytes)}</td><td>${kb(r.highWaterBytes)}</td><td>${mb(r.capacityBytes)}</td></tr>`)
    .join('');
}

async function runModel(key: ModelKey): Promise<ModelResult> {
  (document.querySelector(`input[name=model][value=${key}]`) as HTMLInputElement).checked = true;
  $('status').textContent = `running ${MODELS[key].title} on ${BUILDS.join(', ')}…`;
  const bytes = await fetchBytes(MODELS[key].file);
  const rows: BuildResult[] = [];
  const res: ModelResult = { model: key, builds: rows };
  const texts: string[] = [];
  for (const b of BUILDS) {
    const out = runOn(await engineFor(b), key, bytes, b === BUILDS[0]);
    rows.push(out.r);
    texts.push(out.text);
    if (out.heads !== undefined) [res.heads, res.drawnPixels] = [out.heads, out.drawn];
  }
  showBuilds(rows);
  $('output').textContent = texts[0];
  $('attention').style.display = key === 'transformer' ? '' : 'none';
  $('status').textContent = `${MODELS[key].title}: ${rows.every((r) => r.ok) ? 'matches PyTorch' : 'DIFFERS from PyTorch'} on ${rows.map((r) => r.build).join(' and ')}`;
  return res;
}

const selected = () => (document.querySelector('input[name=model]:checked') as HTMLInputElement).value as ModelKey;

/** A user's file: .safetensors into the selected model (or listed), .onnx run on random inputs. */
async function openFile(file: File): Promise<void> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  const engine = await engineFor(BUILDS[BUILDS.length - 1]);
  if (/\.onnx$/i.test(file.name)) return openOnnx(file.name, bytes, engine);
  const { tensors, metadata } = await readSafetensors(bytes, { engine });
  try {
    const list = Object.entries(tensors).map(([k, t]) => `${k}  ${t.dtype} [${t.shape.join(', ')}]`);
    let note = '';
    if (metadata.format?.startsWith('nn-golden') && metadata.op === 'model') {
      note = 'a golden model case: pick its model and press Run to compare with PyTorch';
    } else {
      const key = selected();
      const bundled = loadCaseBytes(await fetchBytes(MODELS[key].file), engine);
      const model = MODELS[key].make(bundled, engine);
      try {
        model.loadStateDict(tensors);
        const input = bundled.tensors[bundled.inputs[0]];
        const ms = medianMs(engine, () => model.forward(input));
        note = engine.scope(() => {
          const o = model.forward(input);
          const first = (Array.isArray(o) ? o[0] : o).toFloat32Array();
          return `loaded into ${MODELS[key].title}; on the bundled input: ${Array.from(first.subarray(0, 6), (v) => v.toPrecision(4)).join(', ')} ... (${ms.toFixed(3)} ms)`;
        });
      } catch (e) {
        note = `not a ${MODELS[key].title} state dict: ${(e as Error).message.split('\n')[0]}`;
      } finally {
        model.dispose();
        for (const t of Object.values(bundled.tensors)) t.dispose();
      }
    }
    $('status').textContent = `${file.name}: ${list.length} tensors`;
    $('output').textContent = `${note}\n\n${list.join('\n')}`;
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
}

/** ONNX: the model's inputs and outputs; a run on random data when every input shape is fixed. */
async function openOnnx(name: string, bytes: Uint8Array, engine: Engine): Promise<void> {
  const model = await loadOnnx(bytes, { engine });
  try {
    const fmt = (v: { name: string; dtype: string; shape: unknown[] | null }) => `${v.name}: ${v.dtype} [${v.shape?.join(', ') ?? '?'}]`;
    const lines = [`${name}: opset ${model.opset}, ${model.parameters} parameters`, 'inputs:', ...model.inputs.map(fmt), 'outputs:', ...model.outputs.map(fmt)];
    if (model.inputs.every((v) => v.shape?.every((d) => typeof d === 'number'))) {
      const feeds: Record<string, Tensor> = {};
      for (const v of model.inputs) {
        const n = (v.shape as number[]).reduce((a, b) => a * b, 1);
        const data = v.dtype === 'float32' ? Float32Array.from({ length: n }, () => Math.random() * 2 - 1) : new Array<number>(n).fill(0);
        feeds[v.name] = Tensor.from(data, v.shape as number[], v.dtype, engine);
      }
      try {
        const t0 = performance.now();
        const out = model.run(feeds);
        const ms = performance.now() - t0;
        lines.push(`ran on random inputs in ${ms.toFixed(2)} ms:`, ...Object.entries(out).map(([k, t]) => `${k}: [${t.shape.join(', ')}]`));
        for (const t of Object.values(out)) t.dispose();
      } finally {
        for (const t of Object.values(feeds)) t.dispose();
      }
    } else lines.push('(symbolic input sizes: not run)');
    $('status').textContent = `${name}: ONNX model loaded`;
    $('output').textContent = lines.join('\n');
  } finally {
    model.dispose();
  }
}

async function main(): Promise<void> {
  const f = detectFeatures();
  $('env').textContent = `builds: ${BUILDS.join(', ')} (relaxed SIMD ${f.relaxedSimd ? 'validated' : 'not validated'}; threads ${f.threads ? 'available' : 'not available'})`;
  $('run').addEventListener('click', () => void runModel(selected()).catch(fail));
  $('file').addEventListener('change', (ev) => {
    const file = (ev.target as HTMLInputElement).files?.[0];
    if (file) openFile(file).catch(fail);
  });
  const w = window as unknown as { __result?: unknown; __playground?: unknown };
  w.__playground = { runModel, openFile };
  if (new URLSearchParams(location.search).get('run') === 'all') {
    const results: ModelResult[] = [];
    for (const key of ['cnn', 'lstm', 'transformer'] as ModelKey[]) results.push(await runModel(key));
    w.__result = { ok: true, value: { builds: BUILDS, results } };
  } else {
    await runModel(selected());
  }
}

function fail(e: unknown): void {
  const msg = `${(e as Error).name}: ${(e as Error).message}`;
  $('status').textContent = msg;
  $('status').className = 'bad';
  console.error(e);
  (window as unknown as { __result?: unknown }).__result = { ok: false, error: msg };
}

main().catch(fail);
