/**
 * Seeded fuzzing of real model files (copied from libonnx-testdata into test/fixtures/onnx):
 * byte flips, truncations and inserted bytes. Every mutant either loads (and then runs or fails
 * with an OnnxError) or fails to load with an OnnxError; never another error type, never a
 * crash, and the wasm memory in use is back where it was after each. Failures print the seed.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { OnnxError, loadOnnxSync, type Engine } from '../../dist/src/entries/node.js';
import { useBuild } from '../helpers/engines.js';
import { Rng } from '../helpers/rng.js';

const DIR = new URL('../fixtures/onnx/', import.meta.url).pathname;
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.onnx')).sort();
const MUTANTS = 300;

let e: Engine;
beforeAll(async () => {
  e = await useBuild('simd');
});

function mutate(src: Uint8Array, rng: Rng): Uint8Array {
  const kind = rng.int(0, 2);
  if (kind === 0) return src.slice(0, rng.int(0, src.length - 1));
  if (kind === 1) {
    const b = src.slice();
    for (let k = rng.int(1, 4); k > 0; k--) b[rng.int(0, b.length - 1)] = rng.int(0, 255);
    return b;
  }
  const at = rng.int(0, src.length);
  const ins = Array.from({ length: rng.int(1, 3) }, () => rng.int(0, 255));
  return new Uint8Array([...src.subarray(0, at), ...ins, ...src.subarray(at)]);
}

function expectOnnxError(fn: () => void, where: string): void {
  try {
    fn();
  } catch (err) {
    if (!(err instanceof OnnxError)) throw new Error(`${where}: ${(err as Error).name}: ${(err as Error).message}`);
  }
}

describe('fuzzed model files', () => {
  it('fixtures are present', () => expect(FILES.length).toBeGreaterThanOrEqual(4));
  for (const file of FILES) {
    it(`${file}: ${MUTANTS} mutants are each loaded, run or rejected with an OnnxError; memory back`, () => {
      const src = new Uint8Array(readFileSync(DIR + file));
      for (let seed = 1; seed <= MUTANTS; seed++) {
        const where = `${file} seed ${seed}`;
        const bytes = mutate(src, new Rng(seed));
        const before = e.memoryStats().inUseBytes;
        expectOnnxError(() => {
          const m = loadOnnxSync(bytes);
          try {
            const feeds: Record<string, { data: ArrayLike<number> | BigInt64Array; dims: number[] }> = {};
            for (const i of m.inputs) {
              const dims = (i.shape ?? [1]).map((d) => (typeof d === 'number' ? d : 1));
              const n = dims.reduce((a, b) => a * b, 1);
              if (n > 1 << 16) return;
              feeds[i.name] = { data: i.dtype === 'int64' ? new BigInt64Array(n) : new Float32Array(n), dims };
            }
            const outs = m.run(feeds as never);
            for (const t of Object.values(outs)) t.dispose();
          } finally {
            m.dispose();
          }
        }, where);
        expect(e.memoryStats().inUseBytes, where).toBe(before);
      }
    });
  }
});
