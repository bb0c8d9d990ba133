/**
 * Every PyTorch golden case (test/fixtures) run on 2 threads, with every operator split even at
 * the smallest sizes, gives bitwise the outputs of 1 thread (and so passes wherever 1 thread does).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { setEngine, type Engine } from '../../dist/src/internal.js';
import { loadCaseBytes } from '../../dist/tools/conformance/load.js';
import { RUNNERS } from '../../dist/tools/conformance/registry.js';
import { NotAGoldenCase, Unsupported } from '../../dist/tools/conformance/types.js';
import { RELAXED_OK } from '../helpers/engines.js';
import { firstBitDiff, splitEverything, threadsEngine } from '../helpers/threads.js';
import { goldenOps } from '../helpers/golden-dirs.js';

const root = new URL('../fixtures/', import.meta.url).pathname;
const ops = goldenOps(root);

/** The outputs of one case on engine e, copied out (undefined: the op is not run here). */
function outputsOn(e: Engine, bytes: Uint8Array): Float32Array[] | undefined {
  setEngine(e);
  return e.scope(() => {
    let c;
    try {
      c = loadCaseBytes(bytes);
    } catch (err) {
      if (err instanceof NotAGoldenCase) return undefined; // e.g. test/fixtures/onnx-models
      throw err;
    }
    const runner = RUNNERS[c.op];
    if (!runner) return undefined;
    try {
      const outs = splitEverything(() => runner(c));
      return c.outputs.map((o) => outs[o].toFloat32Array().slice());
    } catch (err) {
      if (err instanceof Unsupported) return undefined;
      throw err;
    }
  });
}

const builds = (['simd', 'relaxed'] as const).filter((b) => b === 'simd' || RELAXED_OK);

describe.each(builds)('golden cases, 2 threads vs 1 [%s build]', (build) => {
  afterAll(async () => {
    // Every family the golden cases reach did go through the pool.
    const used = [...(await threadsEngine(build, 2)).pool!.jobsByKernel.keys()].map((n) => n.replace(/__.*$/, ''));
    console.log(`[${build}] kernels split over the pool by the golden cases: ${[...new Set(used)].sort().join(', ')}`);
    const want = ['f32_gemm_4x8', 'f32_attn_q4k32', 'f32_conv2d_4x8', 'f32_dwconv_3x3s1', 'f32_dwconv_3x3s2', 'f32_dwconv_generic', 'f32_softmax_u16',
      'f32_logsoftmax_u16', 'f32_layernorm_u16', 'f32_lstm_seq_2x16', 'f32_gru_seq_2x16', 'f32_rnn_seq_2x16', 'f32_vadd_u8', 'f32_vgelu_u8', 'f32_vsigmoid_u8', 'f32_vtanh_u8'];
    for (const k of want) {
      expect(used, k).toContain(k);
    }
  });
  for (const op of ops) {
    it(op, async () => {
      const e1 = await threadsEngine(build, 1);
      const e2 = await threadsEngine(build, 2);
      expect(e2.info().threads).toBe(2);
      for (const f of readdirSync(join(root, op)).filter((x) => x.endsWith('.safetensors')).sort()) {
        const bytes = new Uint8Array(readFileSync(join(root, op, f)));
        const want = outputsOn(e1, bytes);
        const got = outputsOn(e2, bytes);
        if (!want || !got) continue;
        want.forEach((w, i) => {
          const at = firstBitDiff(w, got[i]);
          if (at >= 0) expect.fail(`${build} ${op}/${f} output ${i} [${at}]: 2 threads ${got[i][at]}, 1 thread ${w[at]}`);
        });
      }
    });
  }
});
