/**
 * Whole ONNX models (issue 11's `--filter onnx`, issue 12's `--filter model`): every model
 * committed in test/fixtures/onnx-models/ (manifest.json; SIMDNN_MODELS_DIR points elsewhere, like
 * test/onnx/models.test.ts), the SAME .onnx bytes run by simdnn (loadOnnxSync + model.run, per
 * build) and by onnxruntime-web (wasm, 1 thread, one InferenceSession created outside the timing).
 * The inputs are the model's `input.*` tensors from its .safetensors file.
 *
 * Two workloads per model:
 * - `onnx-model/<name>`: one inference (ours: run + dispose of the outputs; ORT: session.run,
 *   which copies inputs in and outputs out). Before timing, every output of every engine
 *   (concatenated in graph-output order) is checked against ORT's within CHECK_TOL.
 * - `onnx-model-load/<name>`: bytes to first result, warm (repeated in one process): ours
 *   loadOnnxSync + run + dispose; ORT InferenceSession.create + run + release.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEngine, loadOnnxSync, parseSafetensors, type Engine, type OnnxModel, type Tensor } from '../../src/internal.js';
import { ortSession, ortTensors, type Feeds } from '../peers/ort.js';
import { NotAvailable, workload, type Workload } from './types.js';

/** Same agreement the model tests ask of us against PyTorch. */
const CHECK_TOL = 1e-4;

/** Repository root from dist/bench/workloads/ (compiled) or bench/workloads/ (source). */
const ROOT = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../../' : '../../', import.meta.url));
const DIR = process.env.SIMDNN_MODELS_DIR ?? join(ROOT, 'test/fixtures/onnx-models');

interface ModelData {
  name: string;
  onnx: Uint8Array;
  /** The .safetensors file: `input.<name>` tensors are the feeds. */
  data: Uint8Array;
}

interface Entry {
  name: string;
  onnx: string;
  data: string;
}

function manifest(): Entry[] {
  const p = join(DIR, 'manifest.json');
  return existsSync(p) ? (JSON.parse(readFileSync(p, 'utf8')) as { models: Entry[] }).models : [];
}

function modelData(e: Entry): ModelData {
  return { name: e.name, onnx: new Uint8Array(readFileSync(join(DIR, e.onnx))), data: new Uint8Array(readFileSync(join(DIR, e.data))) };
}

/** The model's inputs as tensors of `engine` (the reference outputs in the file are freed at once). */
function oursFeeds(d: ModelData, engine: Engine): Record<string, Tensor> {
  const { tensors } = parseSafetensors(d.data, engine);
  const feeds: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(tensors)) {
    if (k.startsWith('input.')) feeds[k.slice(6)] = t;
    else t.dispose();
  }
  return feeds;
}

const disposeAll = (ts: Record<string, Tensor>) => {
  for (const t of Object.values(ts)) t.dispose();
};

/** Reads the inputs for onnxruntime-web (its own engine, so ORT rows run without ours). */
let reader: Promise<Engine> | undefined;
async function ortFeeds(d: ModelData): Promise<Feeds> {
  const engine = await (reader ??= createEngine({ simd: 'simd' }));
  const ts = oursFeeds(d, engine);
  try {
    const feeds: Feeds = {};
    for (const [k, t] of Object.entries(ts)) feeds[k] = { data: t.toTypedArray() as Feeds[string]['data'], dims: t.shape, type: t.dtype as Feeds[string]['type'] };
    return feeds;
  } finally {
    disposeAll(ts);
  }
}

function concat(parts: ArrayLike<number | bigint>[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const p of parts) for (let i = 0; i < p.length; i++) out[o++] = Number(p[i]);
  return out;
}

/** loadOnnxSync, with a model we cannot load (an op not on this branch) as NotAvailable. */
function oursLoad(d: ModelData, engine: Engine, feeds: Record<string, Tensor>): OnnxModel {
  try {
    return loadOnnxSync(d.onnx, { engine });
  } catch (e) {
    disposeAll(feeds);
    throw new NotAvailable(`ours: ${String((e as Error).message ?? e).split('\n')[0].slice(0, 200)}`);
  }
}

function inference(e: Entry): Workload {
  return workload<ModelData>({
    name: `onnx-model/${e.name}`,
    checkTol: CHECK_TOL,
    data: () => modelData(e),
    sides: {
      ours(engine, d) {
        const feeds = oursFeeds(d, engine);
        const model = oursLoad(d, engine, feeds);
        const names = model.outputs.map((o) => o.name);
        const release = () => {
          model.dispose();
          disposeAll(feeds);
        };
        const run = () => disposeAll(model.run(feeds));
        let outBytes = 0;
        try {
          const first = model.run(feeds); // plans for this input signature: not scratch memory
          for (const t of Object.values(first)) outBytes += t.byteLength;
          disposeAll(first);
        } catch (err) {
          release();
          throw err;
        }
        const before = engine.memoryStats().inUseBytes;
        engine.arena.resetHighWater();
        run();
        const peak = engine.memoryStats().highWaterBytes - before;
        const output = () => {
          const outs = model.run(feeds);
          try {
            return concat(names.map((n) => outs[n].toFloat32Array()));
          } finally {
            disposeAll(outs);
          }
        };
        return { run, output, dispose: release, workspaceBytes: Math.max(0, peak - outBytes) };
      },
      async ort(peer, d) {
        const tensors = ortTensors(peer, await ortFeeds(d));
        const session = await ortSession(peer, d.onnx);
        return {
          run: () => session.run(tensors),
          async: true,
          output: async () => {
            const outs = await session.run(tensors);
            return concat(session.outputNames.map((n) => outs[n].data as ArrayLike<number | bigint>));
          },
          dispose: () => session.release(),
        };
      },
    },
  });
}

function load(e: Entry): Workload {
  return workload<ModelData>({
    name: `onnx-model-load/${e.name}`,
    data: () => modelData(e),
    sides: {
      ours(engine, d) {
        const feeds = oursFeeds(d, engine);
        oursLoad(d, engine, feeds).dispose(); // loads at all (else NotAvailable)
        const run = () => {
          const m = loadOnnxSync(d.onnx, { engine });
          try {
            disposeAll(m.run(feeds));
          } finally {
            m.dispose();
          }
        };
        return { run, dispose: () => disposeAll(feeds), note: 'bytes to first result (loadOnnxSync + run), warm' };
      },
      async ort(peer, d) {
        const tensors = ortTensors(peer, await ortFeeds(d));
        await (await ortSession(peer, d.onnx)).release(); // loads at all (else NotAvailable)
        const run = async () => {
          const s = await ortSession(peer, d.onnx);
          try {
            await s.run(tensors);
          } finally {
            await s.release();
          }
        };
        return { run, async: true, dispose: () => {}, note: 'InferenceSession.create + run, warm' };
      },
    },
  });
}

const entries = manifest();
export const onnxWorkloads: Workload[] = [...entries.map(inference), ...entries.map(load)];
