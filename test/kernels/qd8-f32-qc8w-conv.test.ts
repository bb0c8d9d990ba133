/**
 * The int8 convolution pieces (issue 15), on every build:
 * - the conv forms of the qd8-f32-qc8w GEMM (qd8_f32_qc8w_conv_<tile>__<isa>: pre-quantized rows,
 *   one shared qparam block, channel-major output) against the exact integer reference, BIT FOR
 *   BIT (gelu within its approximation bound), over M 1..MR+1 and beyond, N around NR, K around the
 *   4-k block, prime row strides (ldq) and plane strides (ldc) whose gaps must stay NaN;
 * - f32_qd8_convert_nhwc__wasmsimd (per-tensor 7-bit codes written channel-last) against
 *   quantizeRowRef over the whole input, bytes of the pixel rows past c untouched;
 * - x8_im2col_nhwc__wasmsimd against a direct gather (padding = the zero point, K tail = 0) over
 *   strides, paddings, dilations, odd channel counts, and its 16-byte write slack guarded;
 * - runQConv (src/ops/qconv.ts) end to end against qconvRef (bit for bit) and against the float64
 *   convolution of the float weights (error relative to the output scale bounded), NaN / Inf images
 *   (whole image NaN, the other images untouched), all-zero images (exactly the bias), saturated
 *   inputs over K = 576.
 */
import { describe, expect, it } from 'vitest';
import { Tensor, type Engine } from '../../dist/src/entries/node.js';
import { QConvWeights, qconvKernelName, runQConv, type QConvKernel } from '../../dist/src/ops/qconv.js';
import { relaxedDotProbe } from '../../dist/src/ops/qgemm.js';
import { RELAXED_OK, engineFor, runnableBuilds } from '../helpers/engines.js';
import { output } from '../helpers/guarded.js';
import { Rng } from '../helpers/rng.js';
import { conv2dRef, type RefConv } from '../reference/conv.js';
import { act64, type RefAct } from '../reference/gemm.js';
import { nearest, packQc8wRef, qconvRef, quantizeRowRef } from '../reference/qgemm.js';

const SEED = 20261205;
const f = Math.fround;
type Fn = (...args: number[]) => number;
const ACT_CODE = (act: RefAct): [number, number, number] =>
  act === 'none' ? [0, 0, 0] : act === 'relu' ? [1, 0, 0] : act === 'gelu' ? [3, 0, 0] : act === 'gelu_tanh' ? [4, 0, 0] : [2, act.clamp[0], act.clamp[1]];

const PROBE = RELAXED_OK ? relaxedDotProbe(await engineFor('relaxed')) : null;

/** The conv-form kernels to test on a build; the relaxed ones only where qconv's probe finds them exact (else a visible skip). */
async function convKernelsOf(build: string): Promise<[string, QConvKernel][]> {
  const base: [string, QConvKernel][] = [['qd8_f32_qc8w_conv_1x1__scalar', 'scalar'], ['qd8_f32_qc8w_conv_2x8__wasmsimd_dot16x2', 'simd']];
  if (build !== 'relaxed') return base;
  const e = await engineFor(build);
  const out = [...base];
  for (const [name, kind] of [['qd8_f32_qc8w_conv_4x8__wasmrelaxedsimd', 'relaxed'], ['qd8_f32_qc8w_conv_4x8__wasmrelaxedsimd_dot2', 'relaxed_dot2']] as [string, QConvKernel][]) {
    try {
      qconvKernelName(e, kind);
      out.push([name, kind]);
    } catch (err) {
      console.warn(`[skip] ${name}: ${(err as Error).message} (probe ${JSON.stringify(PROBE)})`);
    }
  }
  return out;
}

interface GemmCase { m: number; n: number; k: number; ldq: number; ldc: number; act: RefAct; bias: boolean; s: number; zp: number; codes?: (i: number, p: number) => number; w?: Int8Array }

function runGemmCase(e: Engine, kernel: string, rng: Rng, cs0: GemmCase): void {
  const cs = { ...cs0, s: f(cs0.s) };
  const { m, n, k, ldq, ldc, act } = cs;
  const label = `${kernel} seed=${SEED} m=${m} n=${n} k=${k} ldq=${ldq} ldc=${ldc} act=${JSON.stringify(act)} s=${cs.s} zp=${cs.zp}`;
  const q = e.arena.alloc(m * ldq + 16);
  const qv = e.arena.u8(q, m * ldq + 16);
  for (let i = 0; i < qv.length; i++) qv[i] = rng.int(0, 127); // gaps hold codes too: they must meet zero weights / not be read
  for (let i = 0; i < m; i++) for (let p = 0; p < k; p++) if (cs.codes) qv[i * ldq + p] = cs.codes(i, p);
  const codes = qv.slice();
  const qp = e.arena.alloc(8);
  e.arena.f32(qp, 1)[0] = cs.s;
  e.arena.i32(qp + 4, 1)[0] = cs.zp;
  const wv = cs.w ?? Int8Array.from({ length: n * k }, () => rng.int(-128, 127));
  const sv = rng.f32(n, 0.001, 0.02);
  const bv = cs.bias ? rng.f32(n, -1, 1) : null;
  const packed = packQc8wRef(n, k, wv, sv, bv);
  const W = e.arena.alloc(packed.length);
  e.arena.u8(W, packed.length).set(packed);
  const C = output(e, (n - 1) * ldc + m);
  const [code, lo, hi] = ACT_CODE(act);
  (e.k as unknown as Record<string, Fn>)[kernel](m, n, k, q, ldq, qp, W, C.ptr, ldc, code, lo, hi);
  C.checkGuards(label);
  const got = C.read();
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < ldc && j * ldc + i < got.length; i++) {
      const g = got[j * ldc + i];
      if (i >= m) {
        if (!Number.isNaN(g)) expect.fail(`${label}: wrote the gap of plane ${j} at ${i} (${g})`);
        continue;
      }
      let acc = 0;
      for (let p = 0; p < k; p++) acc += (codes[i * ldq + p] - cs.zp) * wv[j * k + p];
      let y = f(f(f(acc) * f(cs.s * sv[j])) + (bv ? bv[j] : 0));
      let tol = 0;
      if (act === 'relu') y = y < 0 ? 0 : y;
      else if (typeof act === 'object') y = Math.min(Math.max(y, act.clamp[0]), act.clamp[1]);
      else if (act !== 'none') {
        tol = 3e-6 * (1 + Math.abs(y));
        y = act64(y, act);
      }
      const ok = Number.isNaN(y) ? Number.isNaN(g) : tol === 0 ? g === y : Math.abs(g - y) <= tol;
      if (!ok) expect.fail(`${label} at row ${i}, channel ${j}: got ${g}, expected ${y} (int acc ${acc})`);
    }
  }
  C.free();
  e.arena.free(q);
  e.arena.free(qp);
  e.arena.free(W);
}

function nhwcRef(c: number, h: number, w: number, x: Float32Array) {
  return quantizeRowRef(x, c * h * w);
}

describe.each(runnableBuilds())('int8 convolution kernels [%s build]', (build) => {
  it('conv GEMM forms: size taxonomy, prime ldq / ldc, shared qparams, bit-exact vs the int reference', async () => {
    const e = await engineFor(build);
    for (const [kernel] of await convKernelsOf(build)) {
      const rng = new Rng(SEED);
      let t = 0;
      for (const m of [1, 2, 3, 4, 5, 7, 8, 13]) {
        for (const n of [1, 3, 4, 5, 8, 9, 15, 16, 17]) {
          for (const k of [1, 3, 4, 5, 8, 9, 17, 64]) {
            t++;
            runGemmCase(e, kernel, rng, { m, n, k, ldq: t % 2 ? k : k + 7, ldc: t % 3 ? m : m + 5, act: 'none', bias: t % 4 !== 1, s: 0.01 + 0.001 * (t % 7), zp: t % 128 });
          }
        }
      }
    }
  });

  it('conv GEMM forms: fused epilogues, NaN / zero scale, saturation (codes 0 / 127 against -128 / 127 over K = 4099)', async () => {
    const e = await engineFor(build);
    for (const [kernel] of await convKernelsOf(build)) {
      const rng = new Rng(SEED + 1);
      for (const act of ['relu', { clamp: [-0.5, 0.75] }, 'gelu', 'gelu_tanh'] as RefAct[]) {
        for (const [m, n, k] of [[1, 17, 33], [9, 24, 40], [6, 3, 7]]) runGemmCase(e, kernel, rng, { m, n, k, ldq: k + 3, ldc: m + 2, act, bias: true, s: 0.02, zp: 60 });
      }
      runGemmCase(e, kernel, rng, { m: 5, n: 9, k: 20, ldq: 23, ldc: 5, act: 'none', bias: true, s: NaN, zp: 0 });
      runGemmCase(e, kernel, rng, { m: 5, n: 9, k: 20, ldq: 23, ldc: 5, act: 'relu', bias: true, s: 0, zp: 0 });
      for (const wval of [-128, 127]) {
        for (const [code, zp] of [[127, 0], [0, 127], [127, 127]]) {
          runGemmCase(e, kernel, rng, { m: 5, n: 9, k: 4099, ldq: 4099, ldc: 7, act: 'none', bias: true, s: 1, zp, codes: () => code, w: new Int8Array(9 * 4099).fill(wval) });
        }
      }
    }
  });

  it('f32_qd8_convert_nhwc__wasmsimd: per-tensor codes channel-last, qparams of the reference, row gaps untouched', async () => {
    const e = await engineFor(build);
    const rng = new Rng(SEED + 2);
    for (const [c, h, w] of [[1, 1, 1], [3, 5, 7], [4, 4, 4], [7, 3, 6], [16, 9, 2], [17, 1, 33]]) {
      for (const kind of ['mixed', 'positive', 'negative', 'zero', 'nan', 'inf']) {
        const hw = h * w;
        const x = new Float32Array(c * hw);
        for (let i = 0; i < x.length; i++) {
          const u = rng.uniform(-1, 1);
          x[i] = kind === 'positive' ? Math.abs(u) : kind === 'negative' ? -Math.abs(u) : kind === 'zero' ? 0 : u * 5;
        }
        if (kind === 'nan') x[x.length >> 1] = NaN;
        if (kind === 'inf') x[0] = -Infinity;
        const ldq = c + 3;
        const X = e.arena.alloc(x.length * 4);
        e.arena.f32(X, x.length).set(x);
        const q = e.arena.alloc(hw * ldq + 16);
        e.arena.u8(q, hw * ldq + 16).fill(0xee);
        const qp = e.arena.alloc(8);
        e.k.f32_qd8_convert_nhwc__wasmsimd(c, hw, X, q, ldq, qp);
        const ref = nhwcRef(c, h, w, x);
        const label = `seed=${SEED + 2} c=${c} h=${h} w=${w} kind=${kind}`;
        const s = e.arena.f32(qp, 1)[0];
        const zp = e.arena.i32(qp + 4, 1)[0];
        expect(Object.is(s, ref.s) || s === ref.s, `${label}: s ${s} vs ${ref.s}`).toBe(true);
        expect(zp, `${label}: zp`).toBe(ref.zp);
        if (kind === 'nan' || kind === 'inf') expect(Number.isNaN(s), label).toBe(true);
        if (kind === 'zero') expect([s, zp], label).toEqual([0, 0]);
        const codes = e.arena.u8(q, hw * ldq + 16);
        for (let pos = 0; pos < hw; pos++) {
          for (let j = 0; j < ldq; j++) {
            const want = j < c ? ref.q[j * hw + pos] : 0xee;
            if (codes[pos * ldq + j] !== want) expect.fail(`${label}: byte [pixel ${pos}][${j}] = ${codes[pos * ldq + j]}, expected ${want}`);
          }
        }
        for (let j = hw * ldq; j < hw * ldq + 16; j++) expect(codes[j], `${label}: wrote past the last pixel`).toBe(0xee);
        e.arena.free(X);
        e.arena.free(q);
        e.arena.free(qp);
      }
    }
  });

  it('x8_im2col_nhwc__wasmsimd: patches of the reference gather (strides, padding, dilation, tiles), zero-point padding, zero K tail, 16-byte slack only', async () => {
    const e = await engineFor(build);
    const rng = new Rng(SEED + 3);
    // [c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, ldq-extra]
    const geoms = [
      [64, 7, 6, 3, 3, 1, 1, 1, 1, 1, 1, 0], [3, 9, 11, 7, 7, 2, 2, 3, 3, 1, 1, 0], [7, 13, 19, 3, 3, 2, 3, 1, 0, 1, 1, 7],
      [1, 9, 9, 4, 2, 1, 1, 0, 1, 2, 3, 0], [17, 6, 6, 1, 1, 2, 2, 0, 0, 1, 1, 5], [16, 4, 5, 2, 3, 1, 2, 1, 2, 1, 1, 16], [33, 3, 3, 3, 3, 1, 1, 2, 2, 2, 2, 0],
    ];
    for (const [c, h, w, kh, kw, sh, sw, ph, pw, dh, dw, extra] of geoms) {
      const oh = Math.floor((h + 2 * ph - dh * (kh - 1) - 1) / sh) + 1;
      const ow = Math.floor((w + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
      const ldq = c + extra;
      const kk = kh * kw * c;
      const kp = Math.ceil(kk / 4) * 4 + (c % 2 ? 4 : 0);
      const q = e.arena.alloc(h * w * ldq);
      const qv = e.arena.u8(q, h * w * ldq + 16);
      for (let i = 0; i < qv.length; i++) qv[i] = rng.int(0, 127);
      const codes = qv.slice();
      const g = e.arena.alloc(48);
      e.arena.i32(g, 12).set([h, w, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw]);
      const zp = rng.int(0, 127);
      for (const [oy0, noy] of [[0, oh], [Math.floor(oh / 2), oh - Math.floor(oh / 2)], [oh - 1, 1]]) {
        const bytes = noy * ow * kp;
        const out = e.arena.alloc(bytes + 32);
        e.arena.u8(out, bytes + 32).fill(0xcc);
        e.k.x8_im2col_nhwc__wasmsimd(g, c, q, ldq, oy0, noy, zp, kp, out);
        const got = e.arena.u8(out, bytes + 32);
        const label = `seed=${SEED + 3} c=${c} ${h}x${w} k${kh}x${kw} s${sh}x${sw} p${ph}x${pw} d${dh}x${dw} ldq=${ldq} kp=${kp} rows ${oy0}+${noy}`;
        for (let oy = oy0; oy < oy0 + noy; oy++) {
          for (let ox = 0; ox < ow; ox++) {
            const r = ((oy - oy0) * ow + ox) * kp;
            for (let ky = 0; ky < kh; ky++) {
              for (let kx = 0; kx < kw; kx++) {
                const iy = oy * sh - ph + ky * dh;
                const ix = ox * sw - pw + kx * dw;
                const inside = iy >= 0 && iy < h && ix >= 0 && ix < w;
                for (let ci = 0; ci < c; ci++) {
                  const want = inside ? codes[(iy * w + ix) * ldq + ci] : zp;
                  const at = r + (ky * kw + kx) * c + ci;
                  if (got[at] !== want) expect.fail(`${label}: out [${oy},${ox}] tap (${ky},${kx}) ch ${ci} = ${got[at]}, expected ${want}`);
                }
              }
            }
            for (let p = kk; p < kp; p++) if (got[r + p] !== 0) expect.fail(`${label}: K tail byte ${p} of [${oy},${ox}] = ${got[r + p]}`);
          }
        }
        for (let i = bytes + 16; i < bytes + 32; i++) expect(got[i], `${label}: wrote more than 16 B past the rows`).toBe(0xcc);
        e.arena.free(out);
      }
      e.arena.free(q);
      e.arena.free(g);
    }
  });

  it('runQConv: bit-exact vs qconvRef for every kernel, error vs the float64 convolution bounded; NaN / Inf / all-zero images; saturation', async () => {
    const e = await engineFor(build);
    const rng = new Rng(SEED + 4);
    // [n, c, h, w, o, kh, kw, sh, sw, ph, pw, dh, dw, groups, act]
    const specs: [number, number, number, number, number, number, number, number, number, number, number, number, number, number, RefAct][] = [
      [2, 16, 9, 8, 24, 3, 3, 1, 1, 1, 1, 1, 1, 1, 'none'], [1, 64, 10, 10, 64, 3, 3, 1, 1, 1, 1, 1, 1, 1, 'relu'],
      [3, 12, 7, 9, 10, 1, 1, 1, 1, 0, 0, 1, 1, 2, 'none'], [1, 3, 17, 15, 13, 7, 7, 2, 2, 3, 3, 1, 1, 1, { clamp: [-0.3, 0.4] }],
      [2, 14, 13, 19, 14, 3, 3, 3, 2, 1, 0, 1, 1, 7, 'gelu'], [1, 5, 10, 9, 6, 4, 2, 1, 1, 2, 1, 2, 3, 1, 'none'],
      [2, 8, 12, 12, 9, 1, 1, 2, 2, 0, 0, 1, 1, 1, 'none'], [1, 6, 1, 31, 5, 1, 3, 1, 1, 0, 1, 1, 1, 1, 'none'],
    ];
    const kernels = await convKernelsOf(build);
    for (const [n, c, h, w, o, kh, kw, sh, sw, ph, pw, dh, dw, groups, act] of specs) {
      const oh = Math.floor((h + 2 * ph - dh * (kh - 1) - 1) / sh) + 1;
      const ow = Math.floor((w + 2 * pw - dw * (kw - 1) - 1) / sw) + 1;
      const spec = { n, c, h, w, o, kh, kw, sh, sw, ph, pw, dh, dw, groups, oh, ow };
      const cg = c / groups;
      const kk = cg * kh * kw;
      const wf = rng.f32(o * kk, -1 / Math.sqrt(kk), 1 / Math.sqrt(kk));
      const scales = new Float32Array(o);
      const wq = new Int8Array(o * kk);
      for (let j = 0; j < o; j++) {
        let amax = 0;
        for (let p = 0; p < kk; p++) amax = Math.max(amax, Math.abs(wf[j * kk + p]));
        scales[j] = f(amax / 127);
        for (let p = 0; p < kk; p++) wq[j * kk + p] = Math.max(-127, Math.min(127, nearest(f(wf[j * kk + p] / scales[j]))));
      }
      const bias = rng.f32(o, -0.5, 0.5);
      const label0 = `seed=${SEED + 4} ${JSON.stringify(spec)} act=${JSON.stringify(act)}`;
      const W = Tensor.from(wq, kh === 1 && h === 1 ? [o, cg, kw] : [o, cg, kh, kw], 'int8', e);
      const S = Tensor.from(scales, [o], 'float32', e);
      const B = Tensor.from(bias, [o], 'float32', e);
      const qw = QConvWeights.fromTensors(W, S, B, groups);
      for (const variant of ['random', 'nan', 'zero', 'saturate']) {
        if (variant !== 'random' && n < 2) continue;
        const x = rng.f32(n * c * h * w, -2, 2);
        const img = c * h * w;
        if (variant === 'nan') {
          x[img + 5] = NaN;
          x[img + img - 1] = Infinity;
        }
        if (variant === 'zero') x.fill(0, img, 2 * img);
        if (variant === 'saturate') for (let i = 0; i < x.length; i++) x[i] = i % 3 ? 3 : -3;
        const X = Tensor.from(x, [n, c, h, w], 'float32', e);
        const ref = qconvRef(spec, x, wq, scales, bias, act);
        for (const [kernel, kind] of kernels) {
          const Y = Tensor.empty([n, o, oh, ow], 'float32', e);
          runQConv(e, spec, X.ptr, qw, Y.ptr, act === 'none' ? 'none' : act, kind);
          const got = Y.toFloat32Array();
          const label = `${kernel} ${label0} ${variant}`;
          for (let i = 0; i < got.length; i++) {
            const r = ref.out[i];
            const ok = Number.isNaN(r) ? Number.isNaN(got[i]) : ref.tol[i] === 0 ? got[i] === r : Math.abs(got[i] - r) <= ref.tol[i];
            if (!ok) expect.fail(`${label} at ${i}: got ${got[i]}, expected ${r}`);
          }
          const per = o * oh * ow;
          if (variant === 'nan') {
            // the groups of image 1 holding the NaN (channel 5 / hw) and the Inf (last channel) are NaN; the rest is finite
            const bad = new Set([Math.floor(Math.floor(5 / (h * w)) / cg), groups - 1]);
            for (let i = 0; i < 2 * per; i++) {
              const poisoned = i >= per && bad.has(Math.floor(Math.floor((i - per) / (oh * ow)) / (o / groups)));
              if (Number.isNaN(got[i]) !== poisoned) expect.fail(`${label}: output ${i} is ${got[i]}, expected ${poisoned ? 'NaN (its image group holds a NaN/Inf)' : 'finite'}`);
            }
          }
          if (variant === 'zero' && act === 'none') for (let i = per; i < 2 * per; i++) if (got[i] !== bias[Math.floor((i - per) / (oh * ow))]) expect.fail(`${label}: all-zero image, output ${i} = ${got[i]}, not the bias`);
          if (variant === 'random' && act === 'none') {
            // accuracy against the float64 convolution of the float weights
            const fr = conv2dRef(spec as RefConv, x, wf, bias);
            let maxAbs = 0;
            let scale = 0;
            for (let i = 0; i < fr.length; i++) {
              maxAbs = Math.max(maxAbs, Math.abs(got[i] - fr[i]));
              scale = Math.max(scale, Math.abs(fr[i]));
            }
            // 7-bit per-image codes (step range/127 ~ 0.03 here) and 8-bit weights: a few percent of the output scale
            expect(maxAbs / scale, `${label}: max abs ${maxAbs} over scale ${scale}`).toBeLessThan(0.05);
          }
          Y.dispose();
        }
        X.dispose();
      }
      qw.dispose();
      W.dispose();
      S.dispose();
      B.dispose();
    }
  });
});
