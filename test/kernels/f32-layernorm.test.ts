/**
 * f32_layernorm_u16__wasmsimd against the f64 reference: odd row lengths and counts, affine /
 * weight only / none, guarded outputs, junk after inputs, in place; large offsets (mean 100 and
 * 1e4, std 1), an outlier first element, constant rows (exactly bias).
 */
import { describe, expect, it } from 'vitest';
import { KernelAssertError, type Engine } from '../../dist/src/entries/node.js';
import { engineFor, runnableBuilds } from '../helpers/engines.js';
import { input, output, sizeTaxonomy } from '../helpers/guarded.js';
import { Rng } from '../helpers/rng.js';
import { layerNormRow } from '../reference/eltwise.js';

const SEED = 4242;
const TOL = 2e-6; // |y - ref| <= TOL * (1 + |ref|)
const EPS = 1e-5;
type Mode = 'affine' | 'weight-only' | 'none';

function run(e: Engine, mode: Mode, rows: number, n: number, xs: Float32Array, ws: Float32Array, bs: Float32Array, label: string, tol = TOL): Float32Array {
  const x = input(e, xs);
  const w = input(e, ws);
  const b = input(e, bs);
  const y = output(e, rows * n);
  e.k.f32_layernorm_u16__wasmsimd(rows, n, x.ptr, mode === 'none' ? 0 : w.ptr, mode === 'affine' ? b.ptr : 0, EPS, y.ptr);
  y.checkGuards(label);
  const got = y.read();
  [x, w, b, y].forEach((t) => t.free());
  for (let r = 0; r < rows; r++) {
    const ref = layerNormRow(xs.subarray(r * n, (r + 1) * n), EPS, mode === 'none' ? undefined : ws, mode === 'affine' ? bs : undefined);
    for (let i = 0; i < n; i++) {
      const g = got[r * n + i];
      if (!(Math.abs(g - ref[i]) <= tol * (1 + Math.abs(ref[i])))) {
        expect.fail(`${label} row=${r} index=${i}: x=${xs[r * n + i]} got ${g}, expected ${ref[i]}`);
      }
    }
  }
  return got;
}

describe.each(runnableBuilds())('f32_layernorm_u16__wasmsimd [%s build]', (build) => {
  it('matches the f64 reference over row lengths x row counts x affine modes (guards intact)', async () => {
    const e = await engineFor(build);
    const rng = new Rng(SEED);
    for (const n of [...sizeTaxonomy(16), 4096 + 7]) {
      for (const rows of [1, 3, 4]) {
        for (const mode of ['affine', 'weight-only', 'none'] as Mode[]) {
          run(e, mode, rows, n, rng.randn(rows * n), rng.randn(n), rng.randn(n), `seed=${SEED} ${mode} rows=${rows} n=${n}`);
        }
      }
    }
  });

  it('stays exact for large offsets, an outlier first element, and gives bias on constant rows', async () => {
    const e = await engineFor(build);
    const rng = new Rng(SEED + 1);
    for (const n of [1, 3, 7, 17, 33, 127, 1031]) {
      const rows = 5;
      const xs = rng.randn(rows * n);
      for (let i = 0; i < n; i++) {
        xs[i] += 100; // row 0: mean 100, std 1
        xs[n + i] += 1e4; // row 1: mean 1e4, std 1
        xs[2 * n + i] = 0.3; // row 2: constant
        xs[3 * n + i] = -7.25; // row 3: constant
      }
      xs[4 * n] = 1e4; // row 4: outlier first element
      const ws = rng.randn(n);
      const bs = rng.randn(n);
      // Offsets: the f32 input itself carries the offset's ulp; the f64 reference sees the same f32 values.
      const got = run(e, 'affine', rows, n, xs, ws, bs, `seed=${SEED + 1} special rows n=${n}`, 1e-5);
      for (const r of [2, 3]) {
        for (let i = 0; i < n; i++) {
          if (got[r * n + i] !== bs[i]) expect.fail(`constant row ${r} n=${n} index=${i}: got ${got[r * n + i]}, expected bias ${bs[i]}`);
        }
      }
    }
  });

  it('works in place (y == x)', async () => {
    const e = await engineFor(build);
    const rng = new Rng(SEED + 2);
    const [rows, n] = [3, 41];
    const xs = rng.randn(rows * n);
    const w = input(e, rng.randn(n));
    const b = input(e, rng.randn(n));
    const x = input(e, xs);
    const y = output(e, rows * n);
    e.k.f32_layernorm_u16__wasmsimd(rows, n, x.ptr, w.ptr, b.ptr, EPS, y.ptr);
    e.k.f32_layernorm_u16__wasmsimd(rows, n, x.ptr, w.ptr, b.ptr, EPS, x.ptr);
    expect(Array.from(x.read())).toEqual(Array.from(y.read()));
    [x, y, w, b].forEach((t) => t.free());
  });
});

describe('row kernels assert their preconditions in the debug build', () => {
  it('rows = 0, n = 0, bias without weight throw KernelAssertError naming the kernel', async () => {
    const e = await engineFor('debug');
    const x = input(e, new Float32Array(8));
    const y = output(e, 8);
    expect(() => e.k.f32_layernorm_u16__wasmsimd(0, 8, x.ptr, 0, 0, 1e-5, y.ptr)).toThrow(KernelAssertError);
    expect(() => e.k.f32_layernorm_u16__wasmsimd(1, 8, x.ptr, 0, x.ptr, 1e-5, y.ptr)).toThrow(/b must be 0 when w is 0/);
    expect(() => e.k.f32_softmax_u16__wasmsimd(1, 0, x.ptr, y.ptr)).toThrow(/f32_softmax_u16__wasmsimd: rows and n must be >= 1/);
    expect(() => e.k.f32_vadd_u8__wasmsimd(1, 0, x.ptr, 0, x.ptr, 0, y.ptr)).toThrow(KernelAssertError);
    expect(() => e.k.f32_vsilu_u8__wasmsimd(0, x.ptr, y.ptr)).toThrow(KernelAssertError);
    y.checkGuards('after failed asserts');
    x.free();
    y.free();
  });
});
