/**
 * Models exported by torch.onnx.export (tools/gen-onnx-models.py) run through the ONNX loader and
 * compared with PyTorch's float64 reference: every output within 1e-4 relative to the output's
 * scale, max|out - ref| / max(1, max|ref|). The committed small models live in
 * test/fixtures/onnx-models/; `npm run check:models` runs the same checks over the large
 * torchvision CNNs the script writes into .models/ (SIMDNN_MODELS_DIR, gitignored).
 *
 * A model whose op types are not all in the registry (supportedOps/lookupOp) is SKIPPED, visibly:
 * the test name lists the missing ops. So is every model while the loader (src/onnx/load.ts)
 * is not on this branch.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useBuild } from '../helpers/engines.js';
import { lookupOp } from '../../dist/src/onnx/ops/index.js';
import { parseSafetensors } from '../../dist/src/io/safetensors.js';
import type { Tensor } from '../../dist/src/tensor.js';

const DIR = process.env.SIMDNN_MODELS_DIR ?? join(import.meta.dirname, '../fixtures/onnx-models');
const TOL = 1e-4;

interface Entry {
  name: string;
  onnx: string;
  data: string;
  op_types: string[];
}

interface Loaded {
  run(feeds: Record<string, Tensor>): Record<string, Tensor>;
  dispose(): void;
}
type LoadSync = (bytes: Uint8Array, options?: { engine?: unknown }) => Loaded;

// The loader comes with the onnx-core branch: imported by a computed path so this file also
// builds and runs (skipping) before it lands.
const loaderPath = '../../dist/src/onnx/load.js';
const loadOnnxSync: LoadSync | null = existsSync(join(import.meta.dirname, loaderPath))
  ? ((await import(loaderPath)) as { loadOnnxSync: LoadSync }).loadOnnxSync
  : null;

const manifestPath = join(DIR, 'manifest.json');
const manifest: { models: Entry[] } | null = existsSync(manifestPath) ? JSON.parse(readFileSync(manifestPath, 'utf8')) : null;

describe(`ONNX models exported from PyTorch (${DIR})`, () => {
  if (!manifest) {
    it.skip(`no ${manifestPath}: run /usr/bin/python3 tools/gen-onnx-models.py${process.env.SIMDNN_MODELS_DIR ? ' --large' : ''}`, () => {});
    return;
  }
  for (const m of manifest.models) {
    const missing = m.op_types.filter((op) => !lookupOp('', op));
    const reasons: string[] = [];
    if (!loadOnnxSync) reasons.push('the ONNX loader (src/onnx/load.ts) is not on this branch yet');
    if (missing.length) reasons.push(`ops not supported yet: ${missing.join(', ')}`);
    const reason = reasons.join('; ');
    if (reason) {
      it.skip(`${m.name} [SKIPPED: ${reason}]`, () => {});
      continue;
    }
    it(`${m.name} (${m.op_types.join(' ')}) matches PyTorch within ${TOL} of the output scale`, async () => {
      const e = await useBuild('simd');
      const bytes = new Uint8Array(readFileSync(join(DIR, m.onnx)));
      const { tensors } = parseSafetensors(new Uint8Array(readFileSync(join(DIR, m.data))), e);
      const feeds: Record<string, Tensor> = {};
      const refs: Record<string, Tensor> = {};
      for (const [k, t] of Object.entries(tensors)) {
        if (k.startsWith('input.')) feeds[k.slice(6)] = t;
        else if (k.startsWith('output.')) refs[k.slice(7)] = t;
      }
      const model = loadOnnxSync!(bytes, { engine: e });
      let outs: Record<string, Tensor> = {};
      try {
        outs = model.run(feeds);
        for (const [name, ref] of Object.entries(refs)) {
          const out = outs[name];
          expect(out, `${m.name}: output ${name} missing`).toBeDefined();
          expect(out.shape, `${m.name}: output ${name} shape`).toEqual(ref.shape);
          const got = out.data() as Float32Array;
          const want = ref.data() as Float32Array;
          let maxErr = 0;
          let maxRef = 0;
          let at = -1;
          for (let i = 0; i < want.length; i++) {
            const d = Math.abs(got[i] - want[i]);
            if (!(d <= maxErr)) {
              maxErr = Number.isNaN(d) ? Infinity : d;
              at = i;
            }
            maxRef = Math.max(maxRef, Math.abs(want[i]));
          }
          const rel = maxErr / Math.max(1, maxRef);
          console.log(`${m.name}: output ${name} max|out-ref| / max(1, max|ref|) = ${rel.toExponential(2)}`);
          if (!(rel <= TOL)) expect.fail(`${m.name}: output ${name} ${JSON.stringify(ref.shape)}: max|out-ref| / max(1, max|ref|) = ${rel} > ${TOL} (at ${at}: got ${got[at]}, expected ${want[at]})`);
        }
      } finally {
        for (const t of Object.values(outs)) t.dispose();
        for (const t of Object.values(tensors)) t.dispose();
        model.dispose();
      }
    });
  }
});
