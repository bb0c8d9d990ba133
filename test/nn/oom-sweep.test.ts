/**
 * Out of memory inside any layer's forward leaks nothing and leaves the engine usable.
 *
 * For every nn layer (and the functional ops they call, on each conv path), two sweeps:
 * - every allocation point: the k-th arena allocation of a forward call fails with
 *   OutOfMemoryError, for k = 0 .. (allocations of one call) - 1;
 * - a real full arena: filler blocks leave just below the bytes the call needs (its measured
 *   peak) under the engine's maxMemoryBytes, and the call runs into the limit.
 * After each failure, memoryStats().inUseBytes is back where it was before the call, and the
 * layer still computes the same numbers once the memory is free again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, setEngine, nn, F, Tensor, OutOfMemoryError, cat, stack, gather, indexSelect, scatter, nonzero, arange, eye, tril, loadOnnxSync, OnnxError, type Engine } from '../../dist/src/internal.js';
import { readFileSync } from 'node:fs';
import { TinyCNN, TinyTransformerClassifier, CharLSTM } from '../../dist/examples/index.js';
import { Rng } from '../helpers/rng.js';

const LIMIT = 48 * 1024 * 1024;
let e: Engine;

beforeAll(async () => {
  e = await createEngine({ simd: 'simd', maxMemoryBytes: LIMIT });
  setEngine(e);
});
afterAll(() => setEngine(undefined as unknown as Engine));

const numel = (shape: number[]) => shape.reduce((a, b) => a * b, 1);
const rand = (shape: number[], seed: number) => Tensor.from(new Rng(seed).f32(numel(shape)), shape, 'float32', e);
const ids = (shape: number[], vocab: number, seed: number) => {
  const r = new Rng(seed);
  return Tensor.from(Array.from({ length: numel(shape) }, () => r.int(0, vocab - 1)), shape, 'int64', e);
};

/** Every tensor in a forward's result (a tensor, an array, an object of them, nested). */
function tensorsOf(v: unknown, out: Tensor[] = []): Tensor[] {
  if (v instanceof Tensor) out.push(v);
  else if (Array.isArray(v)) for (const x of v) tensorsOf(x, out);
  else if (v && typeof v === 'object') for (const x of Object.values(v)) tensorsOf(x, out);
  return out;
}

/** Runs a call and returns its outputs' values, disposing the outputs. */
function valuesOf(call: () => unknown): number[][] {
  const ts = tensorsOf(call());
  try {
    return ts.map((t) => Array.from(t.toFloat32Array()));
  } finally {
    for (const t of ts) t.dispose();
  }
}

interface Case {
  name: string;
  /** The ONNX runtime wraps an error in an OnnxError naming the node: accept that wrapping. */
  wraps?: boolean;
  /** Builds the layer and its inputs in `e`; returns the call and what to free afterwards. */
  setup(): { call: () => unknown; owned: { dispose(): void }[] };
}

const mod = <M extends nn.Module>(m: M) => m;
const cases: Case[] = [];
function add(name: string, setup: Case['setup'], wraps = false): void {
  cases.push({ name, setup, wraps });
}

/** An out-of-memory error, or (ONNX) an OnnxError whose message carries it. */
function expectOom(err: unknown, c: Case, what: string): void {
  if (c.wraps && err instanceof OnnxError) expect((err as Error).message, what).toMatch(/injected: allocation|out of memory/);
  else expect(err, what).toBeInstanceOf(OutOfMemoryError);
}
function addModule(name: string, make: () => nn.Module & { forward: (...a: never[]) => unknown }, inputs: () => unknown[]): void {
  add(name, () => {
    const m = make();
    const xs = inputs();
    return { call: () => (m.forward as (...a: unknown[]) => unknown)(...xs), owned: [m, ...tensorsOf(xs)] };
  });
}

addModule('Linear', () => new nn.Linear(24, 40, {}, e), () => [rand([3, 5, 24], 1)]);
addModule('Conv2d im2col (16->16, 3x3)', () => new nn.Conv2d(16, 16, 3, { padding: 1 }, e), () => [rand([1, 16, 20, 20], 2)]);
addModule('Conv2d 1x1', () => new nn.Conv2d(16, 24, 1, {}, e), () => [rand([2, 16, 9, 9], 3)]);
addModule('Conv2d direct (RGB stem, stride 2)', () => new nn.Conv2d(3, 8, 3, { stride: 2, padding: 1 }, e), () => [rand([2, 3, 17, 17], 4)]);
addModule('Conv2d depthwise', () => new nn.Conv2d(8, 8, 3, { groups: 8, padding: 1 }, e), () => [rand([2, 8, 13, 11], 5)]);
addModule('Conv2d grouped', () => new nn.Conv2d(8, 12, 3, { groups: 2 }, e), () => [rand([1, 8, 10, 10], 6)]);
addModule('Conv1d', () => new nn.Conv1d(6, 10, 5, { padding: 2 }, e), () => [rand([2, 6, 31], 7)]);
addModule('MaxPool2d', () => new nn.MaxPool2d(3, { stride: 2, padding: 1 }), () => [rand([2, 4, 15, 15], 8)]);
addModule('AvgPool2d', () => new nn.AvgPool2d(2), () => [rand([2, 4, 14, 14], 9)]);
addModule('AdaptiveAvgPool2d', () => new nn.AdaptiveAvgPool2d(1), () => [rand([2, 4, 9, 9], 10)]);
addModule('BatchNorm2d', () => new nn.BatchNorm2d(6, {}, e), () => [rand([2, 6, 7, 7], 11)]);
addModule('Flatten', () => new nn.Flatten(), () => [rand([2, 3, 4, 5], 12)]);
addModule('ReLU', () => new nn.ReLU(), () => [rand([4, 33], 13)]);
addModule('LeakyReLU', () => new nn.LeakyReLU(0.2), () => [rand([4, 33], 14)]);
addModule('GELU', () => new nn.GELU(), () => [rand([4, 33], 15)]);
addModule('SiLU', () => new nn.SiLU(), () => [rand([4, 33], 16)]);
addModule('Sigmoid', () => new nn.Sigmoid(), () => [rand([4, 33], 17)]);
addModule('Tanh', () => new nn.Tanh(), () => [rand([4, 33], 18)]);
addModule('Softmax', () => new nn.Softmax(1), () => [rand([4, 33, 3], 19)]);
addModule('LogSoftmax', () => new nn.LogSoftmax(-1), () => [rand([4, 33], 20)]);
addModule('LayerNorm', () => new nn.LayerNorm([3, 16], {}, e), () => [rand([5, 3, 16], 21)]);
addModule('LayerNorm (bias only)', () => new nn.LayerNorm(16, { elementwiseAffine: false }, e), () => [rand([5, 16], 22)]);
addModule('Embedding', () => new nn.Embedding(50, 12, {}, e), () => [ids([3, 7], 50, 23)]);
addModule('Identity', () => new nn.Identity(), () => [rand([3, 4], 24)]);
addModule('Dropout (eval)', () => new nn.Dropout(0.3), () => [rand([3, 4], 25)]);
addModule('Sequential', () => new nn.Sequential(new nn.Linear(12, 20, {}, e), new nn.ReLU(), new nn.Linear(20, 6, {}, e)), () => [rand([4, 12], 26)]);
addModule('RNN (2 layers, bidirectional)', () => new nn.RNN(10, 12, { numLayers: 2, bidirectional: true }, e), () => [rand([7, 3, 10], 27)]);
addModule('GRU (batchFirst)', () => new nn.GRU(10, 12, { batchFirst: true }, e), () => [rand([3, 7, 10], 28)]);
addModule('LSTM (2 layers)', () => new nn.LSTM(10, 12, { numLayers: 2 }, e), () => [rand([7, 3, 10], 29)]);
addModule('RNNCell', () => new nn.RNNCell(10, 12, {}, e), () => [rand([3, 10], 30)]);
addModule('GRUCell', () => new nn.GRUCell(10, 12, {}, e), () => [rand([3, 10], 31)]);
addModule('LSTMCell', () => new nn.LSTMCell(10, 12, {}, e), () => [rand([3, 10], 32)]);
add('MultiheadAttention (self, weights averaged)', () => {
  const m = new nn.MultiheadAttention(16, 4, { batchFirst: true }, e);
  const x = rand([2, 9, 16], 33);
  return { call: () => m.forward(x, x, x), owned: [m, x] };
});
add('MultiheadAttention (cross, kdim/vdim, per-head weights, float key padding)', () => {
  const m = new nn.MultiheadAttention(16, 4, { kdim: 10, vdim: 6 }, e);
  const q = rand([5, 2, 16], 34);
  const k = rand([7, 2, 10], 35);
  const v = rand([7, 2, 6], 36);
  const pad = Tensor.zeros([2, 7], 'float32', e);
  return { call: () => m.forward(q, k, v, { averageAttnWeights: false, keyPaddingMask: pad }), owned: [m, q, k, v, pad] };
});
addModule('TransformerEncoderLayer', () => new nn.TransformerEncoderLayer(16, 4, { dimFeedforward: 32, batchFirst: true }, e), () => [rand([2, 9, 16], 37)]);
addModule('TransformerEncoderLayer (normFirst, gelu)', () => new nn.TransformerEncoderLayer(16, 4, { dimFeedforward: 32, normFirst: true, activation: 'gelu' }, e), () => [rand([9, 2, 16], 38)]);
add('TransformerEncoder (2 layers, norm)', () => {
  const m = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(16, 4, { dimFeedforward: 32, batchFirst: true }, e), 2, { norm: new nn.LayerNorm(16, {}, e) }, e);
  const x = rand([2, 9, 16], 39);
  return { call: () => m.forward(x), owned: [m, x] };
});
add('TransformerDecoderLayer', () => {
  const m = new nn.TransformerDecoderLayer(16, 4, { dimFeedforward: 32, batchFirst: true }, e);
  const x = rand([2, 6, 16], 40);
  const mem = rand([2, 9, 16], 41);
  return { call: () => m.forward(x, mem), owned: [m, x, mem] };
});
add('LSTM.step (streaming)', () => {
  const m = new nn.LSTM(10, 12, { numLayers: 2 }, e);
  const x = rand([2, 10], 42);
  const owned: { dispose(): void }[] = [m, x];
  return { call: () => {
    const s = m.initState(2);
    try {
      return m.step(x, s).clone();
    } finally {
      s.dispose();
    }
  }, owned };
});
add('F.matmul (batched, broadcast)', () => {
  const a = rand([2, 3, 5, 7], 43);
  const b = rand([3, 7, 4], 44);
  return { call: () => F.matmul(a, b), owned: [a, b] };
});
add('F.matmul (matrix x vector)', () => {
  const a = rand([6, 7], 45);
  const b = rand([7], 46);
  return { call: () => F.matmul(a, b), owned: [a, b] };
});
add('F.add (both operands broadcast on the inner dim)', () => {
  const a = rand([4, 1, 5, 1], 47);
  const b = rand([3, 1, 6], 48);
  return { call: () => F.add(a, b), owned: [a, b] };
});
add('F.mul (a number)', () => {
  const a = rand([4, 1, 5, 1], 47);
  return { call: () => F.mul(a, 2), owned: [a] };
});
add('F.linear (packs per call)', () => {
  const x = rand([4, 9], 49);
  const w = rand([5, 9], 50);
  const b = rand([5], 51);
  return { call: () => F.linear(x, w, b), owned: [x, w, b] };
});
add('F.scaledDotProductAttention (bool mask)', () => {
  const q = rand([2, 3, 5, 8], 52);
  const k = rand([2, 3, 7, 8], 53);
  const mask = Tensor.from(Array.from({ length: 35 }, (_, i) => (i % 3 ? 1 : 0)), [5, 7], 'bool', e);
  return { call: () => F.scaledDotProductAttention(q, k, k, { attnMask: mask }), owned: [q, k, mask] };
});
add('F.batchNorm', () => {
  const x = rand([2, 4, 5], 54);
  const m = rand([4], 55);
  const v = Tensor.full([4], 2, e);
  return { call: () => F.batchNorm(x, m, v), owned: [x, m, v] };
});
addModule('ConvTranspose2d (stride 2)', () => new nn.ConvTranspose2d(6, 4, 3, { stride: 2, padding: 1, outputPadding: 1 }, e), () => [rand([2, 6, 7, 5], 60)]);
addModule('ConvTranspose1d', () => new nn.ConvTranspose1d(6, 4, 3, { stride: 2 }, e), () => [rand([2, 6, 9], 61)]);
addModule('MaxPool1d', () => new nn.MaxPool1d(3, { stride: 2 }), () => [rand([2, 4, 15], 62)]);
addModule('AvgPool1d', () => new nn.AvgPool1d(2), () => [rand([2, 4, 14], 63)]);
addModule('AdaptiveAvgPool1d', () => new nn.AdaptiveAvgPool1d(5), () => [rand([2, 4, 17], 64)]);
addModule('AdaptiveMaxPool1d', () => new nn.AdaptiveMaxPool1d(5), () => [rand([2, 4, 17], 65)]);
addModule('AdaptiveMaxPool2d', () => new nn.AdaptiveMaxPool2d([3, 2]), () => [rand([2, 4, 9, 7], 66)]);
addModule('BatchNorm1d', () => new nn.BatchNorm1d(6, {}, e), () => [rand([3, 6, 5], 67)]);
addModule('GroupNorm', () => new nn.GroupNorm(2, 6, {}, e), () => [rand([2, 6, 5, 4], 68)]);
addModule('InstanceNorm2d', () => new nn.InstanceNorm2d(6, {}, e), () => [rand([2, 6, 5, 4], 69)]);
addModule('InstanceNorm1d', () => new nn.InstanceNorm1d(6, { affine: true }, e), () => [rand([2, 6, 9], 70)]);
addModule('PixelShuffle', () => new nn.PixelShuffle(2), () => [rand([1, 8, 3, 5], 71)]);
addModule('PixelUnshuffle', () => new nn.PixelUnshuffle(2), () => [rand([1, 2, 6, 4], 72)]);
addModule('ChannelShuffle', () => new nn.ChannelShuffle(2), () => [rand([1, 6, 3, 3], 73)]);
add('F.pad (reflect)', () => {
  const x = rand([2, 3, 5, 6], 74);
  return { call: () => F.pad(x, [1, 2, 2, 1], 'reflect'), owned: [x] };
});
add('F.oneHot', () => {
  const x = ids([3, 4], 7, 75);
  return { call: () => F.oneHot(x, 7), owned: [x] };
});
add('cat', () => {
  const a = rand([2, 3, 4], 76);
  const b = rand([2, 5, 4], 77);
  return { call: () => cat([a, b], 1), owned: [a, b] };
});
add('stack', () => {
  const a = rand([2, 3], 78);
  const b = rand([2, 3], 79);
  return { call: () => stack([a, b], 1), owned: [a, b] };
});
add('gather, indexSelect, scatter', () => {
  const x = rand([4, 5], 80);
  const idx = ids([4, 3], 5, 81);
  const sel = ids([3], 4, 82);
  return { call: () => e.scope(() => [gather(x, 1, idx), indexSelect(x, 0, sel), scatter(x, 1, idx, 0.5)]) /* a later op's failure frees the earlier results */, owned: [x, idx, sel] };
});
add('nonzero, arange, eye, tril', () => {
  const x = rand([4, 5], 83);
  return { call: () => e.scope(() => [nonzero(x), arange(0, 10, 1, { engine: e }), eye(4, 3, { engine: e }), tril(x, -1)]), owned: [x] };
});
for (const file of ['test_gemm_all_attributes', 'test_Conv2d_groups', 'test_layer_normalization_4d_axis1']) {
  add(`ONNX model run (${file}.onnx)`, () => {
    const m = loadOnnxSync(readFileSync(new URL(`../fixtures/onnx/${file}.onnx`, import.meta.url)), { engine: e });
    const feeds = Object.fromEntries(m.inputs.map((v, i) => [v.name, rand(v.shape as number[], 90 + i)]));
    return { call: () => m.run(feeds), owned: [m, ...Object.values(feeds)] };
  }, true);
}
add('TinyCNN (BatchNorm folded into the convolutions)', () => {
  const m = mod(new TinyCNN({}, e));
  const x = rand([1, 3, 32, 32], 56);
  return { call: () => m.forward(x), owned: [m, x] };
});
add('TinyTransformerClassifier', () => {
  const m = new TinyTransformerClassifier({}, e);
  const x = ids([2, 16], 20, 57);
  return { call: () => m.forward(x), owned: [m, x] };
});
add('CharLSTM', () => {
  const m = new CharLSTM({}, e);
  const x = ids([2, 12], 20, 58);
  return { call: () => m.forward(x), owned: [m, x] };
});

type Alloc = (bytes: number) => number;

/** Runs call with the arena's k-th allocation failing; returns the number of allocations made. */
function withFailingAlloc(k: number, call: () => unknown): { threw: unknown; allocs: number } {
  const arena = e.arena as unknown as { alloc: Alloc };
  const orig = Object.getPrototypeOf(arena).alloc as Alloc;
  let n = 0;
  arena.alloc = (bytes: number) => {
    if (n++ === k) throw new OutOfMemoryError(`injected: allocation #${k} of ${bytes} bytes`, bytes, LIMIT);
    return orig.call(arena, bytes);
  };
  let threw: unknown;
  try {
    for (const t of tensorsOf(call())) t.dispose();
  } catch (err) {
    threw = err;
  } finally {
    delete (arena as { alloc?: Alloc }).alloc;
  }
  return { threw, allocs: n };
}

/**
 * Fills the arena so that exactly `room` bytes remain below the limit: every free block (holes
 * left by freed tensors) is taken, smallest first so best fit takes each one whole, then one block
 * up to the limit. Returns the filler addresses. (Reads the arena's private free list and top.)
 */
function fillArena(room: number): number[] {
  const arena = e.arena as unknown as { freeList: { size: number }[]; top: number };
  const fillers = arena.freeList.map((b) => b.size).sort((x, y) => x - y).map((size) => e.arena.alloc(size - 16));
  expect(arena.freeList).toEqual([]);
  fillers.push(e.arena.alloc(Math.floor((LIMIT - arena.top - room - 16) / 16) * 16));
  return fillers;
}

describe('out of memory inside a forward frees everything the call allocated', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const { call, owned } = c.setup();
    try {
      const want = valuesOf(call); // also builds lazy packs, so the next calls allocate only per-call memory
      const before = e.memoryStats().inUseBytes;
      // 1. Every allocation point of one call.
      const { allocs } = withFailingAlloc(-1, call);
      expect(e.memoryStats().inUseBytes).toBe(before);
      for (let k = 0; k < allocs; k++) {
        const r = withFailingAlloc(k, call);
        expectOom(r.threw, c, `allocation #${k} of ${allocs} failed but the call did not throw it`);
        expect(e.memoryStats().inUseBytes, `in use after a failure at allocation #${k} of ${allocs}`).toBe(before);
      }
      // 2. A real full arena: leave just below the call's measured peak, up to the limit.
      e.arena.resetHighWater();
      valuesOf(call);
      const need = e.memoryStats().highWaterBytes - before;
      if (need > 0) {
        // Just below: a block reused whole may hold up to 48 bytes more than asked (the arena
        // splits a free block only when 64 bytes or more would remain), so inUse overstates the need.
        const room = Math.max(0, need - 64);
        const fillers = fillArena(room);
        const inUse = e.memoryStats().inUseBytes;
        let threw: unknown;
        try {
          valuesOf(call);
        } catch (err) {
          threw = err;
        }
        expect(e.memoryStats().inUseBytes, `in use after a call with ${room} bytes left (it needs ${need})`).toBe(inUse);
        for (const p of fillers) e.arena.free(p);
        expectOom(threw, c, `the call ran with ${room} bytes left (it needs ${need})`);
      }
      expect(e.memoryStats().inUseBytes).toBe(before);
      // 3. Still usable: the same numbers as before any failure.
      expect(valuesOf(call)).toEqual(want);
    } finally {
      for (const o of owned) o.dispose();
    }
  });

  it('the issue case: Conv2d(16, 16, 3) on [1, 16, 256, 256] at the memory limit gives the bytes back', () => {
    const conv = new nn.Conv2d(16, 16, 3, {}, e);
    const x = rand([1, 16, 256, 256], 59);
    try {
      const before = e.memoryStats().inUseBytes;
      // Room for the 4 MB output but not for the im2col workspace after it.
      const fillers = fillArena(16 * 254 * 254 * 4 + 4096);
      const inUse = e.memoryStats().inUseBytes;
      for (let i = 0; i < 3; i++) {
        expect(() => conv.forward(x)).toThrow(OutOfMemoryError);
        expect(e.memoryStats().inUseBytes).toBe(inUse);
      }
      for (const p of fillers) e.arena.free(p);
      expect(e.memoryStats().inUseBytes).toBe(before);
      conv.forward(x).dispose();
    } finally {
      conv.dispose();
      x.dispose();
    }
  });
});
