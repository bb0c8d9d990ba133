/**
 * ConvTranspose1d/2d and F.conv_transpose* (GEMM + f32_col2im) against a float64 scatter
 * reference over odd shapes, strides, paddings, output paddings, dilations and groups (and a
 * non-contiguous input); reprs, keys and errors. The kernel alone: test/kernels/f32-col2im.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { F, nn, Tensor, ArgumentError, ShapeError } from '../../dist/src/entries/node.js';
import { runnableBuilds, useBuild } from '../helpers/engines.js';
import { Rng } from '../helpers/rng.js';
import { expectClose } from '../helpers/geom.js';
import { convTransposeRef } from '../reference/layers.js';

const SEED = 9091;

describe.each(runnableBuilds())('transposed convolution [%s build]', (build) => {
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
      if (dims === 2 && n === 1) {
        // A non-contiguous view with the same values (the transpose of a [.., W, H] tensor) gives the same result.
        const xsT = new Float32Array(xs.length);
        for (let c = 0; c < cin; c++) for (let i = 0; i < h; i++) for (let j = 0; j < w; j++) xsT[(c * w + j) * h + i] = xs[(c * h + i) * w + j];
        const view = Tensor.from(xsT, [n, cin, w, h]).transpose(2, 3);
        expect(view.isContiguous()).toBe(false);
        expectClose(`non-contiguous ${label}`, m.forward(view).toFloat32Array(), ref, 1e-5);
      }
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
