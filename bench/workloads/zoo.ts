/**
 * The model zoo against onnxruntime-web on the same network (issue 16's `--filter zoo`): each
 * torchvision/torchaudio model that `tools/gen-onnx-models.py --large` wrote into .models/ (or
 * SIMDNN_MODELS_DIR) with its state_dict (manifest entries with `zoo`), run as
 * - ours: `models.<factory>(kwargs)` from the zoo, `loadStateDict` (strict) of the same weights,
 *   `forward(input)` (BatchNorm folded and activations fused at load, as the zoo does);
 * - ORT: the exported .onnx of that model (wasm, 1 thread), the same input.
 * Both outputs are checked against each other before timing (CHECK_TOL). Without .models/ the
 * family is empty: the files are tens of MB and not committed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseSafetensors, Tensor } from '../../src/internal.js';
import { buildZooModel } from '../../tools/conformance/ops/model.js';
import { ortSession, ortTensors } from '../peers/ort.js';
import { oursCase } from '../peers/ours.js';
import { NotAvailable, workload, type Workload } from './types.js';

const CHECK_TOL = 1e-4;
const ROOT = fileURLToPath(new URL(import.meta.url.includes('/dist/') ? '../../../' : '../../', import.meta.url));
const DIR = process.env.SIMDNN_MODELS_DIR ?? join(ROOT, '.models');

interface Entry {
  name: string;
  onnx: string;
  data: string;
  state_dict?: string;
  zoo?: { factory: string; kwargs: Record<string, unknown> };
  inputs: Record<string, number[]>;
}

interface ZooData {
  onnx: Uint8Array;
  state: Uint8Array;
  input: Float32Array;
  shape: number[];
}


function entries(): Entry[] {
  const p = join(DIR, 'manifest.json');
  if (!existsSync(p)) return [];
  return (JSON.parse(readFileSync(p, 'utf8')) as { models: Entry[] }).models.filter((e) => e.zoo && e.state_dict);
}

function zoo(e: Entry): Workload {
  const [inputName, shape] = Object.entries(e.inputs)[0];
  return workload<ZooData>({
    name: `zoo/${e.name}`,
    checkTol: CHECK_TOL,
    data: () => {
      const bytes = new Uint8Array(readFileSync(join(DIR, e.data)));
      const view = new DataView(bytes.buffer, bytes.byteOffset);
      const n = Number(view.getBigUint64(0, true));
      const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n))) as Record<string, { data_offsets: [number, number] }>;
      const [a, b] = header[`input.${inputName}`].data_offsets;
      const input = new Float32Array(bytes.slice(8 + n + a, 8 + n + b).buffer);
      return { onnx: new Uint8Array(readFileSync(join(DIR, e.onnx))), state: new Uint8Array(readFileSync(join(DIR, e.state_dict!))), input, shape };
    },
    sides: {
      ours(engine, d) {
        const m = buildZooModel(e.zoo!.factory, e.zoo!.kwargs);
        if (!m) throw new NotAvailable(`models.${e.zoo!.factory} is not in the zoo`);
        const { tensors } = parseSafetensors(d.state, engine);
        try {
          m.loadStateDict(tensors);
        } finally {
          for (const t of Object.values(tensors)) t.dispose();
        }
        m.eval();
        const input = Tensor.from(d.input, d.shape, 'float32', engine);
        const release = () => {
          input.dispose();
          m.dispose();
        };
        return oursCase(engine, () => m.forward(input), release, 0, `models.${e.zoo!.factory}() + loadStateDict`);
      },
      async ort(peer, d) {
        const session = await ortSession(peer, d.onnx);
        const feeds = ortTensors(peer, { [inputName]: { data: d.input, dims: d.shape } });
        return {
          run: () => session.run(feeds),
          async: true,
          output: async () => (await session.run(feeds))[session.outputNames[0]].data as Float32Array,
          dispose: () => session.release(),
        };
      },
    },
  });
}

export const zooWorkloads: Workload[] = entries().map(zoo);
