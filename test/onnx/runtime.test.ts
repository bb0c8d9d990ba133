/**
 * The ONNX runtime on hand-made models: load and run, the model description and summary, feed
 * checks (name, dtype, shape, symbolic dims), constant folding at load, the per-signature cache
 * of shape-derived values, If (run-time and nested), external data, every source kind of
 * loadOnnx, the InferenceSession shim, and memory back where it was after every error.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { InferenceSession, OnnxError, Tensor, loadOnnx, loadOnnxSync, supportedOps, type Engine } from '../../dist/src/entries/node.js';
import { compileGraph } from '../../dist/src/onnx/compile.js';
import { decodeModel } from '../../dist/src/onnx/proto.js';
import { useBuild } from '../helpers/engines.js';
import { BOOL, FLOAT, FLOAT16, INT64, attr, cat, f32raw, graph, i64raw, model, node, packed, tensor, vInt, vLen, vStr, value } from './pb.js';

let e: Engine;
beforeAll(async () => {
  e = await useBuild('simd');
});

/** Runs fn and checks the wasm memory in use is the same afterwards. */
function memoryBack(fn: () => void): void {
  const before = e.memoryStats().inUseBytes;
  fn();
  expect(e.memoryStats().inUseBytes).toBe(before);
}

/** y = x @ W^T + b (Gemm transB), x: [batch, 3]. */
const gemmModel = () =>
  model(
    graph({
      name: 'linear',
      nodes: [node('Gemm', ['x', 'W', 'b'], ['y'], [attr.int('transB', 1)], 'fc')],
      inputs: [value('x', FLOAT, ['batch', 3])],
      outputs: [value('y', FLOAT, ['batch', 2])],
      initializers: [tensor({ name: 'W', dims: [2, 3], type: FLOAT, raw: f32raw([1, 0, 0, 0, 1, 1]) }), tensor({ name: 'b', dims: [2], type: FLOAT, raw: f32raw([0.5, -1]) })],
    }),
  );

describe('load and run', () => {
  it('describes the model, runs it with Tensor and {data, dims} feeds, and frees everything on dispose', () => {
    memoryBack(() => {
      const m = loadOnnxSync(gemmModel());
      expect(m.inputs).toEqual([{ name: 'x', dtype: 'float32', shape: ['batch', 3] }]);
      expect(m.outputs).toEqual([{ name: 'y', dtype: 'float32', shape: ['batch', 2] }]);
      const s = String(m);
      expect(s).toMatch(/opset ai.onnx 17/);
      expect(s).toMatch(/1 nodes: Gemm 1/);
      expect(s).toMatch(/8 parameters/);
      const out = m.run({ x: { data: new Float32Array([1, 2, 3, 4, 5, 6]), dims: [2, 3] } });
      expect(Array.from(out.y.toFloat32Array())).toEqual([1.5, 4, 4.5, 10]);
      out.y.dispose();
      const x = Tensor.from([1, 1, 1], [1, 3]);
      const out2 = m.run({ x });
      expect(Array.from(out2.y.toFloat32Array())).toEqual([1.5, 1]);
      expect(x.isDisposed).toBe(false);
      out2.y.dispose();
      x.dispose();
      m.dispose();
      expect(() => m.run({ x: { data: [1, 2, 3], dims: [1, 3] } })).toThrow(/used after dispose/);
    });
  });

  it('feed errors name the input, what came and what the model declares', () => {
    const m = loadOnnxSync(gemmModel());
    memoryBack(() => {
      expect(() => m.run({ x: { data: [1, 2, 3], dims: [1, 3] }, z: { data: [1], dims: [1] } })).toThrow(/unknown input "z"; the model's inputs are x: float32\[batch, 3\]/);
      expect(() => m.run({})).toThrow(/input "x" is missing/);
      expect(() => m.run({ x: { data: new Int32Array(3), dims: [1, 3] } })).toThrow(/input "x" has dtype int32, the model declares float32/);
      expect(() => m.run({ x: { data: new Float32Array(4), dims: [1, 4] } })).toThrow(/input "x" has shape \[1, 4\], the model declares \[batch, 3\]/);
      expect(() => m.run({ x: { data: new Float32Array(4), dims: [1, 3] } })).toThrow(/input "x" has 4 values for dims \[1, 3\]/);
      expect(() => m.run({ x: 5 as never })).toThrow(/must be a Tensor or \{ data, dims \}/);
    });
    m.dispose();
  });

  it('symbolic dims shared by two inputs must agree', () => {
    const m = loadOnnxSync(
      model(graph({ nodes: [node('MatMul', ['a', 'b'], ['c'])], inputs: [value('a', FLOAT, ['n', 'k']), value('b', FLOAT, ['k', 2])], outputs: [value('c', FLOAT, ['n', 2])] })),
    );
    expect(() => m.run({ a: { data: new Float32Array(6), dims: [2, 3] }, b: { data: new Float32Array(8), dims: [4, 2] } })).toThrow(/dimension "k" is 4 in input "b" but 3 in input "a"/);
    m.dispose();
  });

  it('an op error at run time names the node, and memory is back', () => {
    const m = loadOnnxSync(model(graph({ nodes: [node('MatMul', ['a', 'b'], ['c'], [], 'mm')], inputs: [value('a', FLOAT, null), value('b', FLOAT, null)], outputs: [value('c', FLOAT, null)] })));
    memoryBack(() => {
      expect(() => m.run({ a: { data: new Float32Array(6), dims: [2, 3] }, b: { data: new Float32Array(8), dims: [4, 2] } })).toThrow(/node "mm" \(MatMul\): matmul: input \[2, 3\] and other \[4, 2\] cannot be multiplied/);
    });
    m.dispose();
  });
});

describe('folding', () => {
  it('nodes whose inputs are all constants are folded at load; constants only folded or prepared nodes read are freed', () => {
    const g = graph({
      nodes: [
        node('Constant', [], ['shape'], [attr.tensor('value', tensor({ dims: [2], type: INT64, raw: i64raw([3, 2]) }))]),
        node('Reshape', ['W', 'shape'], ['W2']),
        node('MatMul', ['x', 'W2'], ['y']),
      ],
      inputs: [value('x', FLOAT, [1, 3])],
      outputs: [value('y', FLOAT, [1, 2])],
      initializers: [tensor({ name: 'W', dims: [6], type: FLOAT, raw: f32raw([1, 2, 3, 4, 5, 6]) })],
    });
    const p = decodeModel(model(g));
    memoryBack(() => {
      const cg = compileGraph(p.graph, p.opsets, e);
      expect(cg.steps.map((s) => s.node.opType)).toEqual(['MatMul']);
      expect(cg.steps[0].prepared).not.toBeNull(); // the constant B is packed once
      expect([...cg.steps[0].absorbed]).toEqual([1]); // ... and its unpacked copy freed: weights are not held twice
      expect([...cg.consts.keys()]).toEqual([]);
      cg.dispose();
    });
    memoryBack(() => {
      const m = loadOnnxSync(model(g));
      const { y } = m.run({ x: { data: [1, 1, 1], dims: [1, 3] } });
      expect(Array.from(y.toFloat32Array())).toEqual([9, 12]);
      y.dispose();
      m.dispose();
    });
  });

  it('shape-derived values are computed once per input-shape signature and re-planned for new shapes', () => {
    const g = graph({
      nodes: [node('Shape', ['x'], ['s']), node('ConstantOfShape', ['s'], ['ones'], [attr.tensor('value', tensor({ dims: [1], type: FLOAT, raw: f32raw([1]) }))]), node('Flatten', ['ones'], ['y'], [attr.int('axis', 0)])],
      inputs: [value('x', FLOAT, null)],
      outputs: [value('y', FLOAT, null), value('s', INT64, null)],
    });
    const p = decodeModel(model(g));
    const cg = compileGraph(p.graph, p.opsets, e);
    expect(cg.steps.map((s) => s.perSignature)).toEqual([true, true, true]);
    cg.dispose();
    memoryBack(() => {
      const m = loadOnnxSync(model(g));
      for (const dims of [[2, 3], [4], [2, 3]]) {
        const n = dims.reduce((a, b) => a * b, 1);
        const out = m.run({ x: { data: new Float32Array(n), dims } });
        expect(out.y.shape).toEqual([1, n]);
        expect(Array.from(out.y.toFloat32Array())).toEqual(Array(n).fill(1));
        expect(Array.from(out.s.toTypedArray() as BigInt64Array, Number)).toEqual(dims);
        out.y.dispose();
        out.s.dispose();
      }
      m.dispose();
    });
  });
});

describe('If', () => {
  const branch = (name: string, nodes: Uint8Array[], out: string) => graph({ name, nodes, outputs: [value(out, FLOAT, null)] });
  const constant = (out: string, v: number[]) => node('Constant', [], [out], [attr.tensor('value', tensor({ dims: [v.length], type: FLOAT, raw: f32raw(v) }))]);
  const ifModel = () =>
    model(
      graph({
        nodes: [
          node('If', ['c'], ['y'], [
            attr.graph('then_branch', branch('then', [node('Identity', ['x'], ['t'])], 't')),
            attr.graph(
              'else_branch',
              branch('else', [node('If', ['c2'], ['u'], [attr.graph('then_branch', branch('t2', [constant('k', [7, 7])], 'k')), attr.graph('else_branch', branch('e2', [node('Flatten', ['x'], ['f'], [attr.int('axis', 0)]), node('Reshape', ['f', 'two'], ['r'])], 'r'))])], 'u'),
            ),
          ]),
        ],
        inputs: [value('c', BOOL, []), value('c2', BOOL, []), value('x', FLOAT, [2])],
        outputs: [value('y', FLOAT, null)],
        initializers: [tensor({ name: 'two', dims: [1], type: INT64, raw: i64raw([2]) })],
      }),
    );
  it('runs the branch the condition picks at run time, nested, reading outer values; memory back', () => {
    memoryBack(() => {
      const m = loadOnnxSync(ifModel());
      const run = (c: number, c2: number) => {
        const { y } = m.run({ c: { data: new Uint8Array([c]), dims: [] }, c2: { data: new Uint8Array([c2]), dims: [] }, x: { data: [1, 2], dims: [2] } });
        const v = Array.from(y.toFloat32Array());
        y.dispose();
        return v;
      };
      expect(run(1, 0)).toEqual([1, 2]);
      expect(run(0, 1)).toEqual([7, 7]);
      expect(run(0, 0)).toEqual([1, 2]);
      m.dispose();
    });
  });
});

describe('If branches fold and pack with the constants of the enclosing graphs', () => {
  // The weight of the MatMul inside the branch is Unsqueeze(Unsqueeze(w)) with the first
  // Unsqueeze in the outer graph (folded there) and the second in the branch (folded with the
  // outer constant): the branch's MatMul is then prepared once at load (packed B), as Silero
  // VAD's LSTMs inside nested Ifs need, instead of repacking on every run.
  const ifMatmul = () =>
    model(
      graph({
        nodes: [
          node('Unsqueeze', ['w', 'zero'], ['w1']),
          node('If', ['c'], ['y'], [
            attr.graph('then_branch', graph({ name: 'then', nodes: [node('Squeeze', ['w1', 'zero'], ['w2']), node('MatMul', ['x', 'w2'], ['t'])], outputs: [value('t', FLOAT, null)] })),
            attr.graph('else_branch', graph({ name: 'else', nodes: [node('Identity', ['x'], ['e'])], outputs: [value('e', FLOAT, null)] })),
          ]),
        ],
        inputs: [value('c', BOOL, []), value('x', FLOAT, [1, 2])],
        outputs: [value('y', FLOAT, null)],
        initializers: [tensor({ name: 'w', dims: [2, 2], type: FLOAT, raw: f32raw([1, 2, 3, 4]) }), tensor({ name: 'zero', dims: [1], type: INT64, raw: i64raw([0]) })],
      }),
    );
  it('the branch has no Squeeze step and its MatMul is prepared; outputs right; memory back', () => {
    memoryBack(() => {
      const p = decodeModel(ifMatmul());
      const cg = compileGraph(p.graph, p.opsets, e);
      try {
        const [then] = [...cg.subs.values()];
        expect(then.steps.map((s) => s.node.opType)).toEqual(['MatMul']);
        expect(then.steps[0].prepared).not.toBeNull();
      } finally {
        cg.dispose();
      }
      const m = loadOnnxSync(ifMatmul());
      for (const [c, want] of [[1, [7, 10]], [0, [1, 2]]] as const) {
        const { y } = m.run({ c: { data: new Uint8Array([c]), dims: [] }, x: { data: [1, 2], dims: [1, 2] } });
        expect(Array.from(y.toFloat32Array())).toEqual(want);
        y.dispose();
      }
      m.dispose();
    });
  });
});

describe('load errors: one OnnxError naming the field and node, memory back', () => {
  const bad = (g: Parameters<typeof graph>[0], re: RegExp, opset = 17) =>
    memoryBack(() => {
      expect(() => loadOnnxSync(model(graph(g), opset))).toThrow(re);
    });
  const w = tensor({ name: 'w', dims: [2], type: FLOAT, raw: f32raw([1, 2]) });

  it('all unsupported ops at once', () => {
    bad({ nodes: [node('FooOp', ['x'], ['a'], [], 'n1'), node('Relu6', ['a'], ['b'], [], 'n2'), node('Identity', ['b'], ['y'])], inputs: [value('x', FLOAT, [1])], outputs: [value('y', FLOAT, [1])], initializers: [w] }, /2 unsupported ops: node "n1" \(FooOp\): op FooOp is not supported; node "n2" \(Relu6\): op Relu6 is not supported/);
    bad({ nodes: [node('Identity', ['x'], ['y'], [], 'n', 'com.example')], inputs: [value('x', FLOAT, [1])], outputs: [value('y', FLOAT, [1])] }, /domain "com.example" is not imported/);
    bad({ nodes: [node('LayerNormalization', ['x'], ['y'], [], 'ln')], inputs: [value('x', FLOAT, [1])], outputs: [value('y', FLOAT, [1])] }, /opset 13 is older than the oldest supported version 17 of LayerNormalization/, 13);
    bad({ nodes: [node('Conv', ['x', 'w'], ['y'], [attr.string('auto_pad', 'SAME')], 'c')], inputs: [value('x', FLOAT, [1])], outputs: [value('y', FLOAT, [1])], initializers: [w] }, /node "c" \(Conv\): auto_pad must be one of/);
  });

  it('structure: cycles, missing producers, outputs never produced, names defined twice', () => {
    bad({ nodes: [node('Identity', ['b'], ['a'], [], 'p'), node('Identity', ['a'], ['b'], [], 'q'), node('Identity', ['x'], ['y'])], inputs: [value('x', FLOAT, [1])], outputs: [value('y', FLOAT, [1])] }, /cycle through node "p" \(Identity\), node "q" \(Identity\)/);
    bad({ nodes: [node('Identity', ['nope'], ['y'], [], 'i')], inputs: [value('x', FLOAT, [1])], outputs: [value('y', FLOAT, [1])] }, /node "i" \(Identity\) reads "nope", which no graph input, initializer or node produces/);
    bad({ nodes: [node('Identity', ['x'], ['y'])], inputs: [value('x', FLOAT, [1])], outputs: [value('z', FLOAT, [1])] }, /output "z" is never produced/);
    bad({ nodes: [node('Identity', ['x'], ['y'], [], 'a'), node('Identity', ['x'], ['y'], [], 'b')], inputs: [value('x', FLOAT, [1])], outputs: [value('y', FLOAT, [1])] }, /the name "y" is defined twice \(node "a" \(Identity\) and node "b" \(Identity\)\)/);
    bad({ nodes: [node('Identity', ['x'], ['w'])], inputs: [value('x', FLOAT, [1])], outputs: [value('w', FLOAT, [1])], initializers: [w] }, /the name "w" is defined twice \(initializer and node/);
    bad({ nodes: [node('Identity', ['x'], ['x'], [], 's')], inputs: [], outputs: [value('x', FLOAT, [1])] }, /reads its own output "x"/);
  });

  it('errors inside sub-graphs are reported with the outer ones', () => {
    bad(
      { nodes: [node('If', ['c'], ['y'], [attr.graph('then_branch', graph({ name: 'th', nodes: [node('Nope', [], ['t'], [], 'inner')], outputs: [value('t', FLOAT, null)] })), attr.graph('else_branch', graph({ name: 'el', nodes: [], outputs: [value('c', BOOL, null)] }))], 'if')], inputs: [value('c', BOOL, [])], outputs: [value('y', FLOAT, null)] },
      /node "inner" \(Nope\): op Nope is not supported/,
    );
  });

  it('a constant that fails to fold at load names its node', () => {
    bad({ nodes: [node('Reshape', ['w', 'shape'], ['y'], [], 'rs')], inputs: [], outputs: [value('y', FLOAT, null)], initializers: [w, tensor({ name: 'shape', dims: [1], type: INT64, raw: i64raw([3]) })] }, /node "rs" \(Reshape\): cannot reshape data \[2\] to \[3\]/);
  });
});

describe('external data and sources', () => {
  const ext = (offset: number) =>
    model(
      graph({
        nodes: [node('MatMul', ['x', 'W'], ['y'])],
        inputs: [value('x', FLOAT, [1, 2])],
        outputs: [value('y', FLOAT, [1, 1])],
        initializers: [tensor({ name: 'W', dims: [2, 1], type: FLOAT, external: { location: 'w.bin', offset, length: 8 } })],
      }),
    );
  const bin = new Uint8Array([...new Uint8Array(4), ...f32raw([2, 3])]);

  it('loadOnnxSync reads external data from options.externalData and checks ranges', () => {
    memoryBack(() => {
      const m = loadOnnxSync(ext(4), { externalData: { 'w.bin': bin } });
      const { y } = m.run({ x: { data: [1, 1], dims: [1, 2] } });
      expect(Array.from(y.toFloat32Array())).toEqual([5]);
      y.dispose();
      m.dispose();
      expect(() => loadOnnxSync(ext(4))).toThrow(/has external data \(w.bin\): loadOnnxSync needs options.externalData/);
      expect(() => loadOnnxSync(ext(8), { externalData: { 'w.bin': bin } })).toThrow(/external data w.bin \[8, 16\) lies past the end of the 12-byte file/);
      expect(() => loadOnnxSync(ext(4), { externalData: { 'x.bin': bin } })).toThrow(/external data "w.bin" is not in options.externalData/);
    });
  });

  it('loadOnnx takes bytes, a Response, a ReadableStream, a path (external data next to it) and a resolver, with progress', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'simdnn-onnx-'));
    writeFileSync(join(dir, 'm.onnx'), ext(4));
    writeFileSync(join(dir, 'w.bin'), bin);
    const bytes = ext(4);
    const check = (m: Awaited<ReturnType<typeof loadOnnx>>) => {
      const { y } = m.run({ x: { data: [1, 2], dims: [1, 2] } });
      expect(Array.from(y.toFloat32Array())).toEqual([8]);
      y.dispose();
      m.dispose();
    };
    const before = e.memoryStats().inUseBytes;
    const phases: string[] = [];
    check(await loadOnnx(join(dir, 'm.onnx'), { onProgress: (p) => phases.push(p.phase) }));
    expect(phases).toEqual(['read', 'compile', 'done']);
    check(await loadOnnx(new URL(`file://${join(dir, 'm.onnx')}`)));
    check(await loadOnnx(new Response(bytes), { externalData: { 'w.bin': new Response(bin) } }));
    check(await loadOnnx(new Blob([bytes]).stream(), { externalData: (loc) => (loc === 'w.bin' ? bin : new Uint8Array(0)) }));
    check(await loadOnnx(bytes.buffer.slice(0) as ArrayBuffer, { externalData: { 'w.bin': bin } }));
    await expect(loadOnnx(new Response('nope', { status: 404 }))).rejects.toThrow(/HTTP 404/);
    await expect(loadOnnx(join(dir, 'missing.onnx'))).rejects.toThrow(/cannot read .*missing.onnx/);
    expect(e.memoryStats().inUseBytes).toBe(before);
  });

  it('InferenceSession: create, run returning { data, dims, type }, release', async () => {
    const s = await InferenceSession.create(gemmModel());
    expect(s.inputNames).toEqual(['x']);
    expect(s.outputNames).toEqual(['y']);
    const out = await s.run({ x: { data: new Float32Array([1, 2, 3]), dims: [1, 3] } });
    expect(out.y.type).toBe('float32');
    expect(out.y.dims).toEqual([1, 2]);
    expect(Array.from(out.y.data as Float32Array)).toEqual([1.5, 4]);
    await s.release();
  });

  it('supportedOps lists the registry', () => {
    expect(supportedOps()).toEqual(expect.arrayContaining(['Conv', 'Gemm', 'If', 'MatMul', 'Reshape']));
  });
});


describe('streaming load', () => {
  // x [1, 256] @ W [256, 128] (128 KB float32) @ H [128, 256] (64 KB float16): both streamed.
  const W = Float32Array.from({ length: 256 * 128 }, (_, i) => ((i * 37) % 101) / 101 - 0.5);
  const H = Uint16Array.from({ length: 128 * 256 }, (_, i) => 0x3000 + (i % 512)); // small positive halves
  const big = (canonical: boolean) => {
    const wt = canonical
      ? tensor({ name: 'W', dims: [256, 128], type: FLOAT, raw: new Uint8Array(W.buffer) })
      : cat(vLen(9, new Uint8Array(W.buffer)), packed(1, [256, 128]), vInt(2, FLOAT), vStr(8, 'W')); // raw_data first
    return model(
      graph({
        nodes: [node('MatMul', ['x', 'W'], ['a']), node('MatMul', ['a', 'H'], ['y'])],
        inputs: [value('x', FLOAT, [1, 256])],
        outputs: [value('y', FLOAT, [1, 256])],
        initializers: [wt, tensor({ name: 'H', dims: [128, 256], type: FLOAT16, raw: new Uint8Array(H.buffer) })],
      }),
    );
  };
  const chunked = (bytes: Uint8Array, size: number, cut = bytes.length) =>
    new ReadableStream<Uint8Array>({
      start(c) {
        for (let o = 0; o < cut; o += size) c.enqueue(bytes.slice(o, Math.min(o + size, cut)));
        c.close();
      },
    });
  const x = { data: Float32Array.from({ length: 256 }, (_, i) => Math.sin(i)), dims: [1, 256] };

  it('decodes chunk by chunk (any chunk size, raw_data before dims too) into the same model as loadOnnxSync; memory back', async () => {
    const before = e.memoryStats().inUseBytes;
    const ref = loadOnnxSync(big(true));
    const want = ref.run({ x }).y;
    for (const [canonical, size] of [[true, 1 << 16], [true, 4093], [false, 7777]] as const) {
      const progress: number[] = [];
      const bytes = big(canonical);
      const m = await loadOnnx(chunked(bytes, size), { onProgress: (p) => p.phase === 'read' && progress.push(p.loadedBytes) });
      expect(progress[progress.length - 1]).toBe(bytes.length);
      expect(progress.every((p, i) => i === 0 || p > progress[i - 1])).toBe(true);
      const { y } = m.run({ x });
      expect(Array.from(y.toFloat32Array())).toEqual(Array.from(want.toFloat32Array()));
      y.dispose();
      m.dispose();
    }
    want.dispose();
    ref.dispose();
    expect(e.memoryStats().inUseBytes).toBe(before);
  });

  it('a truncated stream is an OnnxError naming the field, with memory back', async () => {
    const bytes = big(true);
    const before = e.memoryStats().inUseBytes;
    for (const cut of [10, 70_000, bytes.length - 100, bytes.length - 1]) {
      await expect(loadOnnx(chunked(bytes, 5000, cut))).rejects.toThrow(OnnxError);
      expect(e.memoryStats().inUseBytes, `cut at ${cut}`).toBe(before);
    }
    await expect(loadOnnx(chunked(bytes, 5000, 70_000))).rejects.toThrow(/TensorProto.raw_data: the file ends after 70000 bytes \(truncated\)/);
  });
});

describe('static inference', () => {
  it('completes output types the file leaves open (symbolic dims carried, constants used)', () => {
    const m = loadOnnxSync(
      model(
        graph({
          nodes: [
            node('Conv', ['x', 'w'], ['c'], [attr.ints('pads', [1, 1, 1, 1]), attr.ints('strides', [2, 2])]),
            node('Flatten', ['c'], ['f']),
            node('Gemm', ['f', 'W', 'b'], ['g'], [attr.int('transB', 1)]),
            node('Reshape', ['g', 'shape'], ['y']),
            node('Shape', ['x'], ['s']),
          ],
          inputs: [value('x', FLOAT, ['batch', 1, 4, 4])],
          outputs: [value('y', FLOAT, null), value('c', FLOAT, null), value('s', INT64, null)],
          initializers: [
            tensor({ name: 'w', dims: [2, 1, 3, 3], type: FLOAT, raw: f32raw(Array(18).fill(0.1)) }),
            tensor({ name: 'W', dims: [3, 8], type: FLOAT, raw: f32raw(Array(24).fill(0.5)) }),
            tensor({ name: 'b', dims: [3], type: FLOAT, raw: f32raw([0, 0, 0]) }),
            tensor({ name: 'shape', dims: [3], type: INT64, raw: i64raw([0, 3, 1]) }),
          ],
        }),
      ),
    );
    expect(m.outputs).toEqual([
      { name: 'y', dtype: 'float32', shape: ['batch', 3, 1] },
      { name: 'c', dtype: 'float32', shape: ['batch', 2, 2, 2] },
      { name: 's', dtype: 'int64', shape: [4] },
    ]);
    expect(m.typeOf('f')).toEqual({ name: 'f', dtype: 'float32', shape: ['batch', 8] });
    const out = m.run({ x: { data: new Float32Array(32), dims: [2, 1, 4, 4] } });
    expect(out.y.shape).toEqual([2, 3, 1]);
    for (const t of Object.values(out)) t.dispose();
    m.dispose();
  });
});

describe('memory during load', () => {
  it('peak wasm memory while loading is at most 1.2x the weights (packed weights replace the unpacked ones one by one)', async () => {
    const k = 10;
    const w = f32raw(Array.from({ length: 128 * 128 }, (_, i) => (i % 7) / 7));
    const g = graph({
      nodes: Array.from({ length: k }, (_, i) => node('MatMul', [i ? `h${i}` : 'x', `W${i}`], [i === k - 1 ? 'y' : `h${i + 1}`])),
      inputs: [value('x', FLOAT, [1, 128])],
      outputs: [value('y', FLOAT, [1, 128])],
      initializers: Array.from({ length: k }, (_, i) => tensor({ name: `W${i}`, dims: [128, 128], type: FLOAT, raw: w })),
    });
    const bytes = model(g);
    const weights = k * w.byteLength;
    for (const load of [() => Promise.resolve(loadOnnxSync(bytes)), () => loadOnnx(new Blob([bytes]).stream())]) {
      const before = e.memoryStats().inUseBytes;
      e.arena.resetHighWater();
      const m = await load();
      const peak = e.memoryStats().highWaterBytes - before;
      expect(peak / weights).toBeLessThanOrEqual(1.2);
      expect((e.memoryStats().inUseBytes - before) / weights).toBeLessThanOrEqual(1.05); // steady state: the packed copies only
      m.dispose();
      expect(e.memoryStats().inUseBytes).toBe(before);
    }
  });
});

describe('outputs', () => {
  it('never share memory with the caller\'s feeds or the model\'s constants', () => {
    memoryBack(() => {
      const m = loadOnnxSync(
        model(
          graph({
            nodes: [node('Flatten', ['x'], ['y'], [attr.int('axis', 0)]), node('Reshape', ['W', 's'], ['z'])],
            inputs: [value('x', FLOAT, [2]), value('s', INT64, [1])],
            outputs: [value('y', FLOAT, [1, 2]), value('z', FLOAT, null), value('x', FLOAT, [2])],
            initializers: [tensor({ name: 'W', dims: [2], type: FLOAT, raw: f32raw([5, 6]) })],
          }),
        ),
      );
      const x = Tensor.from([1, 2], [2]);
      const out = m.run({ x, s: { data: new BigInt64Array([2n]), dims: [1] } });
      x.data<'float32'>().fill(0);
      out.z.data<'float32'>().fill(0);
      expect(Array.from(out.y.toFloat32Array())).toEqual([1, 2]);
      expect(Array.from(out.x.toFloat32Array())).toEqual([1, 2]);
      for (const t of Object.values(out)) t.dispose();
      const again = m.run({ x, s: { data: new BigInt64Array([2n]), dims: [1] } });
      expect(Array.from(again.z.toFloat32Array())).toEqual([5, 6]);
      for (const t of Object.values(again)) t.dispose();
      x.dispose();
      m.dispose();
    });
  });
});
