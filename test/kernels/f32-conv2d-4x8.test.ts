/**
 * f32_conv2d_4x8__wasmsimd and, on the relaxed build, its __wasmrelaxedsimd_fma twin (direct
 * convolution, 4 output channels x 8 columns) against a float64
 * direct convolution: odd sizes, channels and outputs not divisible by 4, strides 1..3, dilation,
 * padding, clamp and bias on/off; NaN-guarded output and workspace, junk after inputs; the
 * workspace size of the kernel equals src/ops/conv2d.ts's directWorkspaceFloats.
 */
import { describe, expect, it } from 'vitest';
import { directWorkspaceFloats } from '../../dist/src/ops/conv2d.js';
import { engineFor, runnableBuilds } from '../helpers/engines.js';
import { input, output } from '../helpers/guarded.js';
import { Rng } from '../helpers/rng.js';
import { CONV_GEOMS, expectClose, geomBlock, geomCases } from '../helpers/geom.js';
import { conv2dRef } from '../reference/conv.js';

const SEED = 4848;

describe.each(runnableBuilds())('f32_conv2d_4x8 (__wasmsimd, __wasmrelaxedsimd_fma) [%s build]', (build) => {
  it('matches a float64 direct convolution (odd sizes, o % 4 != 0, stride, dilation, padding, clamp)', async () => {
    const e = await engineFor(build);
    const rng = new Rng(SEED);
    let cases = 0;
    const kernels: [string, typeof e.k.f32_conv2d_4x8__wasmsimd][] = [['f32_conv2d_4x8__wasmsimd', e.k.f32_conv2d_4x8__wasmsimd]];
    if (build === 'relaxed') {
      expect(e.k.f32_conv2d_4x8__wasmrelaxedsimd_fma, 'relaxed build exports the fma twin').toBeTypeOf('function');
      kernels.push(['f32_conv2d_4x8__wasmrelaxedsimd_fma', e.k.f32_conv2d_4x8__wasmrelaxedsimd_fma!]);
    }
    for (const [c, o] of [[1, 1], [3, 5], [2, 8], [4, 9]]) for (const geom of geomCases([[7, 5], [1, 1], [5, 13], [4, 33], [9, 2], [3, 17]], CONV_GEOMS.kernels, CONV_GEOMS.strides, CONV_GEOMS.dilations, CONV_GEOMS.paddings)) {
        const { h, w, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw } = geom;
        cases++;
        const k = c * kh * kw;
        const xs = rng.f32(c * h * w), ws = rng.f32(o * k), bs = rng.f32(o);
        const withBias = (cases & 1) === 0;
        const [lo, hi] = cases % 3 === 0 ? [0, Infinity] : cases % 3 === 1 ? [-0.5, 0.75] : [-Infinity, Infinity];
        const x = input(e, xs), wt = input(e, ws), b = input(e, bs);
        const g = geomBlock(e, geom);
        const wsFloats = e.k.f32_conv2d_4x8_ws_floats(g.ptr, c, o);
        const label = `seed=${SEED} c=${c} o=${o} ${h}x${w} k=${kh}x${kw} s=${sh},${sw} d=${dh},${dw} p=${ph},${pw} bias=${withBias} clamp=[${lo}, ${hi}]`;
        expect(wsFloats, `${label}: workspace size`).toBe(directWorkspaceFloats(geom, c, o));
        const ref = conv2dRef({ n: 1, c, h, w, o, kh, kw, sh, sw, ph, pw, dh, dw, groups: 1, oh, ow }, xs, ws, withBias ? bs : null);
        for (const [name, fn] of kernels) {
          const work = output(e, wsFloats);
          const y = output(e, o * oh * ow);
          fn(g.ptr, c, o, x.ptr, wt.ptr, withBias ? b.ptr : 0, work.ptr, y.ptr, lo, hi);
          work.checkGuards(`${name} ${label} workspace`);
          y.checkGuards(`${name} ${label}`);
          expectClose(`${name} ${label}`, y.read(), ref.map((v) => Math.min(Math.max(v, lo), hi)), 1e-5);
          work.free();
          y.free();
        }
        for (const t of [x, wt, b, g]) t.free();
      }
    if (cases < 300) throw new Error(`only ${cases} cases ran`);
  });
});
