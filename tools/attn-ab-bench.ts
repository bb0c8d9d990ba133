/**
 * A/B attention timing in ONE process: this tree's kernel vs an older build's wasm (same export),
 * vs onnxruntime-web 1.30 (1 thread, MatMul/Softmax graph, causal through an added -inf mask),
 * rounds interleaved so load changes hit all three alike. Process CPU time; min and median.
 *   node [--experimental-wasm-relaxed-simd] dist/tools/attn-ab-bench.js <old.wasm|-> [simd|relaxed] [S,...] [rounds]
 * Workload as issue 6: batch 1, 8 heads, d 64; GFLOP/s counted dense (4·h·S²·d).
 * Until the shared bench harness (bench/peers/ort.ts) is on main, the ONNX graph is built here.
 */
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import onnxProto from 'onnx-proto';
import { createEngine, type BuildName, type Engine } from '../src/entries/node.js';
import { attention, type AttnProblem, type AttnView } from '../src/ops/attention.js';

const H = 8;
const D = 64;
const { onnx } = onnxProto;

function ortModel(s: number, causal: boolean): Uint8Array {
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const AT = onnx.AttributeProto.AttributeType;
  const shape = [1, H, s, D];
  const vi = (name: string) => ({ name, type: { tensorType: { elemType: FLOAT, shape: { dim: shape.map((d) => ({ dimValue: d })) } } } });
  const f32 = (name: string, dims: number[], a: Float32Array) => ({ name, dims, dataType: FLOAT, rawData: new Uint8Array(a.buffer) });
  const init = [f32('scale', [], new Float32Array([1 / Math.sqrt(D)]))];
  const node = [
    { opType: 'Transpose', input: ['k'], output: ['kt'], attribute: [{ name: 'perm', type: AT.INTS, ints: [0, 1, 3, 2] }] },
    { opType: 'MatMul', input: ['q', 'kt'], output: ['qk'] },
    { opType: 'Mul', input: ['qk', 'scale'], output: ['logits'] },
  ];
  if (causal) {
    const m = new Float32Array(s * s);
    for (let i = 0; i < s; i++) m.fill(-Infinity, i * s + i + 1, (i + 1) * s);
    init.push(f32('mask', [s, s], m));
    node.push({ opType: 'Add', input: ['logits', 'mask'], output: ['masked'] });
  }
  node.push({ opType: 'Softmax', input: [causal ? 'masked' : 'logits'], output: ['p'], attribute: [{ name: 'axis', type: AT.INT, i: -1 }] } as never);
  node.push({ opType: 'MatMul', input: ['p', 'v'], output: ['y'] });
  const model = onnx.ModelProto.create({
    irVersion: 8, opsetImport: [{ domain: '', version: 17 }],
    graph: { name: 'attn', node, input: [vi('q'), vi('k'), vi('v')], output: [vi('y')], initializer: init },
  });
  return onnx.ModelProto.encode(model).finish();
}

async function cpu(fn: () => unknown): Promise<number> {
  const c0 = process.cpuUsage();
  await fn();
  const c1 = process.cpuUsage(c0);
  return (c1.user + c1.system) / 1000;
}

function stats(ts: number[]): { min: number; med: number } {
  const s = [...ts].sort((a, b) => a - b);
  return { min: s[0], med: s[s.length >> 1] };
}

interface Side { name: string; run: () => unknown; out: () => Float32Array }

function oursSide(name: string, e: Engine, data: Float32Array[], s: number, causal: boolean): Side {
  const n = H * s * D;
  const ptrs = [...data, new Float32Array(n)].map((a) => {
    const p = e.arena.alloc(n * 4);
    e.arena.f32(p, n).set(a);
    return p;
  });
  const view = (ptr: number): AttnView => ({ ptr, sb: 0, sh: s * D, sl: D });
  const prob: AttnProblem = { batch: 1, heads: H, L: s, S: s, d: D, dv: D, q: view(ptrs[0]), k: view(ptrs[1]), v: view(ptrs[2]), causal };
  return { name, run: () => attention(e, prob, view(ptrs[3])), out: () => e.arena.f32(ptrs[3], n).slice() };
}

const [oldPath = '-', build = 'simd', lens = '128,512,2048', roundsArg] = process.argv.slice(2);
const newE = await createEngine({ simd: build as BuildName as 'simd' | 'relaxed' });
const oldE = oldPath === '-' ? null : await createEngine(readFileSync(oldPath));
ort.env.wasm.numThreads = 1;
ort.env.logLevel = 'error';
console.log(`attn A/B: new ${newE.info().build}${oldE ? `, old ${oldPath}` : ''}, ort ${ort.env.versions.web}; node ${process.version}; load ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')}`);
for (const s of lens.split(',').map(Number)) {
  for (const causal of [false, true]) {
    const n = H * s * D;
    const data = [0, 1, 2].map(() => Float32Array.from({ length: n }, () => Math.random() * 2 - 1));
    const sides: Side[] = [oursSide('new', newE, data, s, causal)];
    if (oldE) sides.push(oursSide('old', oldE, data, s, causal));
    const sess = await ort.InferenceSession.create(ortModel(s, causal), { executionProviders: ['wasm'], graphOptimizationLevel: 'all', intraOpNumThreads: 1 });
    const feeds = { q: new ort.Tensor('float32', data[0], [1, H, s, D]), k: new ort.Tensor('float32', data[1], [1, H, s, D]), v: new ort.Tensor('float32', data[2], [1, H, s, D]) };
    let ortOut: Float32Array = new Float32Array(0);
    sides.push({ name: 'ort', run: () => sess.run(feeds), out: () => ortOut });
    ortOut = (await sess.run(feeds)).y.data as Float32Array;
    for (const sd of sides) await sd.run();
    const ref = sides[0].out();
    for (const sd of sides.slice(1)) {
      const o = sd.out();
      let err = 0;
      for (let i = 0; i < n; i++) err = Math.max(err, Math.abs(o[i] - ref[i]));
      if (!(err < 1e-4)) console.log(`  !! ${sd.name} differs from new: max abs ${err}`);
    }
    const rounds = Number(roundsArg ?? (s >= 2048 ? 5 : s >= 512 ? 15 : 60));
    const ts: number[][] = sides.map(() => []);
    for (let r = 0; r < rounds; r++) for (let i = 0; i < sides.length; i++) ts[i].push(await cpu(sides[i].run));
    const st = ts.map(stats);
    const gf = (ms: number) => (4 * H * s * s * D / ms / 1e6).toFixed(1);
    const o = st[st.length - 1];
    const line = sides.map((sd, i) => `${sd.name} ${st[i].min.toFixed(2)}/${st[i].med.toFixed(2)} ms (${gf(st[i].min)}/${gf(st[i].med)} GF/s)`).join('  ');
    const ratio = sides.slice(0, -1).map((sd, i) => `${sd.name}/ort x${(o.min / st[i].min).toFixed(2)}/${(o.med / st[i].med).toFixed(2)}`).join(' ');
    console.log(`S=${s} ${causal ? 'causal    ' : 'non-causal'} min/med: ${line}  | ${ratio}`);
    await sess.release();
  }
}
