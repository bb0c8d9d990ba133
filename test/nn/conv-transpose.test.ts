/**
 * ConvTranspose1d/2d and F.conv_transpose* (GEMM + f32_col2im) against a float64 scatter
 * reference over odd shapes, strides, paddings, output paddings, dilations and groups; the
 * col2im kernel alone with guarded output; reprs, keys and errors.
 */
import { describe, expect, it } from 'vitest';
import { F, nn, Tensor, ArgumentError, ShapeError } from '../../dist/src/entries/node.js';
import { engineFor, runnableBuilds, useBuild } from '../helpers/engines.js';
import { Rng } from '../helpers/rng.js';
import { expectClose, geomBlock } from '../helpers/geom.js';
import { input, output } from '../helpers/guarded.js';
import { convTransposeRef } from '../reference/layers.js';

const SEED = 9091;

describe.each(runnableBuilds())('transposed convolution [%s build]', (build) => {
  it('f32_col2im scatters every tap (strides, dilation, negative and positive padding), guards intact', async () => {
    const e = await engineFor(build);
    const rng = new Rng(SEED);
    for (const [h, w, k, s, p, d] of [[3, 5, 3, 2, 1, 1], [4, 7, 2, 1, 0, 2], [1, 9, 4, 3, -1, 1], [5, 5, 1, 1, 0, 1], [2, 13, 5, 2, 2, 1]]) {
      const oh = (h - 1) * s + d * (k - 1) + 1 - 2 * p, ow = (w - 1) * s + d * (k - 1) + 1 - 2 * p;
      const ch = 3;
      for (const [iy0, niy] of [[0, h], [h - 1, 1]]) {
        const cols = rng.f32(ch * k * k * niy * w);
        const cb = input(e, cols);
        const y = output(e, ch * oh * ow, 0);
        const g = geomBlock(e, { h, w, oh, ow, kh: k, kw: k, sh: s, sw: s, ph: p, pw: p, dh: d, dw: d });
        e.k.f32_col2im__wasmsimd(g.ptr, ch, iy0, niy, cb.ptr, y.ptr);
        const label = `seed=${SEED} col2im h=${h} w=${w} k=${k} s=${s} p=${p} d=${d} rows=${iy0}+${niy}`;
        y.checkGuards(label);
        const ref = new Float64Array(ch * oh * ow);
        for (let c = 0; c < ch; c++) for (let ky = 0; ky < k; ky++) for (let kx = 0; kx < k; kx++) for (let r = 0; r < niy; r++) for (let ix = 0; ix < w; ix++) {
          const oy = (iy0 + r) * s - p + ky * d, ox = ix * s - p + kx * d;
          if (oy >= 0 && oy < oh && ox >= 0 && ox < ow) ref[(c * oh + oy) * ow + ox] += cols[(((c * k + ky) * k + kx) * niy + r) * w + ix];
        }
        expectClose(label, y.read(), ref, 1e-6);
        for (const b of [cb, y, g]) b.free();
      }
    }
  });

  it('ConvTranspose2d / ConvTranspose1d equal the reference', async () => {
    await useBuild(build);
    const rng = new Rng(SEED + 1);
    const CASES: [number, number, number, number, number, number, number, number, number, number, number, boolean][] = [
      // n, cin, cout, h, w, k, s, p, op, d, groups, bias
      [1, 3, 4, 5, 7, 3, 1, 0, 0, 1, 1, true], [2, 4, 6, 3, 4, 3, 2, 1, 1, 1, 2, true], [1, 2, 3, 6, 5, 4, 2, 1, 0, 1, 1, false],
      [1, 6, 6, 4, 4, 3, 2, 1, 1, 2, 3, true], [2, 5, 1, 1, 1, 2, 1, 0, 0, 1, 1, true], [1, 1, 2, 9, 3, 5, 3, 2, 2, 1, 1, true],
      [1, 8, 4, 2, 17, 2, 2, 0, 0, 1, 4, false], [1, 3, 5, 7, 7, 1, 1, 0, 0, 1, 1, true],
    ];
    for (const [n, cin, cout, h, w, k, s, p, opad, d, groups, bias] of CASES) for (const dims of [2, 1] as const) {
      const hh = dims === 2 ? h : 1;
      const ohh = dims === 2 ? (h - 1) * s - 2 * p + d * (k - 1) + opad + 1 : 1;
      const ow = (w - 1) * s - 2 * p + d * (k - 1) + opad + 1;
      const M = dims === 2 ? nn.ConvTranspose2d : nn.ConvTranspose1d;
      const m = new M(cin, cout, k, { stride: s, padding: p, outputPadding: opad, dilation: d, groups, bias });
      const xs = rng.f32(n * cin * hh * w, -1, 1);
      const x = Tensor.from(xs, dims === 2 ? [n, cin, h, w] : [n, cin, w]);
      const y = m.forward(x);
      expect(y.shape).toEqual(dims === 2 ? [n, cout, ohh, ow] : [n, cout, ow]);
      const ref = convTransposeRef({ n, cin, h: hh, w, cout, groups, kh: dims === 2 ? k : 1, kw: k, sh: dims === 2 ? s : 1, sw: s, ph: dims === 2 ? p : 0, pw: p, dh: dims === 2 ? d : 1, dw: d, oh: ohh, ow }, xs, m.weight.toFloat32Array(), m.bias ? m.bias.toFloat32Array() : null);
      const label = `seed=${SEED + 1} ConvTranspose${dims}d n=${n} ${cin}->${cout} ${hh}x${w} k=${k} s=${s} p=${p} op=${opad} d=${d} g=${groups}`;
      expectClose(label, y.toFloat32Array(), ref, 1e-5);
      const yf = dims === 2 ? F.convTranspose2d(x, m.weight, m.bias, s, p, opad, groups, d) : F.convTranspose1d(x, m.weight, m.bias, s, p, opad, groups, d);
      expectClose(`F ${label}`, yf.toFloat32Array(), ref, 1e-5);
      m.dispose();
    }
  });

  it('keys, repr, output_size, unbatched input, weights written in place, errors', async () => {
    await useBuild(build);
    const m = new nn.ConvTranspose2d(2, 4, 3, { stride: 2, padding: 1, outputPadding: 1, groups: 2, bias: false, dilation: 2 });
    expect(String(m)).toBe('ConvTranspose2d(2, 4, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), dilation=(2, 2), output_padding=(1, 1), groups=2, bias=False)');
    expect(Object.keys(m.stateDict())).toEqual(['weight']);
    expect(m.weight.shape).toEqual([2, 2, 3, 3]);
    const m1 = new nn.ConvTranspose1d(2, 3, 4);
    expect(String(m1)).toBe('ConvTranspose1d(2, 3, kernel_size=(4,), stride=(1,))');
    const up = new nn.ConvTranspose2d(3, 2, 3, { stride: 2, padding: 1 });
    const x = Tensor.from(new Rng(SEED + 2).f32(3 * 4 * 5), [3, 4, 5]);
    expect(up.forward(x).shape).toEqual([2, 7, 9]);
    expect(up.forward(x, [8, 10]).shape).toEqual([2, 8, 10]);
    expect(() => up.forward(x, [9, 10])).toThrow(ArgumentError);
    const before = up.forward(x).toFloat32Array();
    up.weight.data<'float32'>().fill(0);
    const after = up.forward(x).toFloat32Array();
    expect(after[0]).toBe(up.bias!.toFloat32Array()[0]);
    expect(before[0]).not.toBe(after[0]);
    expect(() => new nn.ConvTranspose2d(3, 4, 3, { groups: 2 })).toThrow(ArgumentError);
    expect(() => F.convTranspose2d(Tensor.zeros([1, 3, 4, 4]), Tensor.zeros([2, 1, 3, 3]))).toThrow(ShapeError);
    expect(() => F.convTranspose2d(Tensor.zeros([1, 2, 4, 4]), Tensor.zeros([2, 1, 3, 3]), null, 1, 0, 1)).toThrow(ArgumentError);
    for (const t of [m, m1, up]) t.dispose();
  });
});
