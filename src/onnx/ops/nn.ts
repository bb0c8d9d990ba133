/**
 * ONNX network layers mapped onto src/ops: Conv (1-D/2-D: auto_pad, asymmetric pads, strides,
 * dilations, group) onto runConv's paths, Gemm and MatMul onto the GEMM (a constant B is packed
 * once at load), Softmax/LogSoftmax (the flattened-2-D semantics before opset 13, one axis from
 * 13), LayerNormalization (optional Mean/InvStdDev outputs), BatchNormalization (inference).
 */
import { Tensor } from '../../tensor.js';
import { runConv, type ConvSpec } from '../../ops/conv2d.js';
import { convOut } from '../../ops/conv-geom.js';
import { PackedWeights, gemm } from '../../ops/gemm.js';
import { matmul } from '../../ops/matmul.js';
import { add, mul } from '../../ops/binary.js';
import { logSoftmax, softmax } from '../../ops/softmax.js';
import { layerNorm } from '../../ops/layernorm.js';
import { batchNorm } from '../../ops/batchnorm.js';
import { owning } from '../../ops/own.js';
import type { Dim, OnnxNode, OpDef, OpTable, PreparedOp, ValueType } from '../node.js';
import { UNKNOWN, broadcastDims, sameAs } from '../infer.js';
import { axisOf } from '../values.js';
import { prepareQdqMatMul } from './quant.js';

function f32(node: OnnxNode, t: Tensor | null, what: string): Tensor {
  if (!t) throw node.error(`input ${what} is required`);
  if (t.dtype !== 'float32') throw node.error(`input ${what} must be float32, got ${t.dtype} of shape [${t.shape.join(', ')}]`);
  return t;
}

/** Frees `ts` after fn, also when it throws. */
function using<T>(ts: (Tensor | null)[], fn: () => T): T {
  try {
    return fn();
  } finally {
    for (const t of ts) t?.dispose();
  }
}

// ---- Conv ----------------------------------------------------------------------------------

const AUTO_PADS = ['NOTSET', 'SAME_UPPER', 'SAME_LOWER', 'VALID'];

/** Resolves the convolution geometry of one spatial dim: [pad begin, output size]. */
function convDim(node: OnnxNode, n: number, k: number, s: number, d: number, pb: number, pe: number, autoPad: string): [number, number] {
  if (autoPad === 'VALID') return [0, convOut(n, k, s, 0, d)];
  if (autoPad === 'SAME_UPPER' || autoPad === 'SAME_LOWER') {
    const out = Math.ceil(n / s);
    const total = Math.max(0, (out - 1) * s + (k - 1) * d + 1 - n);
    const begin = autoPad === 'SAME_UPPER' ? Math.floor(total / 2) : Math.ceil(total / 2);
    return [begin, out];
  }
  if (pb < 0 || pe < 0) throw node.error(`negative pads [${pb}, ${pe}] are not supported`);
  return [pb, convOut(n, k, s, pb + pe, d)];
}

/** Conv's output type from X and W (spatial sizes when X's are known). */
function convInfer(node: OnnxNode, x: ValueType | null, w: ValueType | null): ValueType {
  if (!x?.shape) return { dtype: 'float32', shape: null };
  const dims = x.shape.length - 2;
  const ks = w?.shape?.slice(2) ?? node.ints('kernel_shape', []);
  const strides = node.ints('strides', Array(dims).fill(1));
  const dil = node.ints('dilations', Array(dims).fill(1));
  const pads = node.ints('pads', Array(2 * dims).fill(0));
  const ap = node.string('auto_pad', 'NOTSET');
  const spatial = x.shape.slice(2).map((d, i): Dim => (typeof d === 'number' && typeof ks[i] === 'number' ? convDim(node, d, ks[i] as number, strides[i], dil[i], pads[i], pads[i + dims], ap)[1] : UNKNOWN));
  return { dtype: 'float32', shape: [x.shape[0], w?.shape?.[0] ?? UNKNOWN, ...spatial] };
}

const Conv: OpDef = {
  infer: (node, [x, w]) => [convInfer(node, x, w)],
  check(node) {
    const ap = node.string('auto_pad', 'NOTSET');
    if (!AUTO_PADS.includes(ap)) throw node.error(`auto_pad must be one of ${AUTO_PADS.join(', ')}, got ${JSON.stringify(ap)}`);
    const ks = node.ints('kernel_shape', []);
    if (ks.length > 3) throw node.error(`${ks.length}-D convolution is not supported (1-D, 2-D and 3-D are)`);
    if (node.int('group', 1) < 1) throw node.error(`group must be >= 1, got ${node.int('group', 1)}`);
  },
  run(node, [xIn, wIn, b]) {
    const x = f32(node, xIn, 'X');
    const w = f32(node, wIn, 'W');
    if (b) f32(node, b, 'B');
    const dims = x.ndim - 2;
    if (dims < 1 || dims > 3) throw node.error(`input X must be [N, C, L], [N, C, H, W] or [N, C, D, H, W], got [${x.shape.join(', ')}]`);
    if (w.ndim !== x.ndim) throw node.error(`weight W of shape [${w.shape.join(', ')}] must have the rank of X [${x.shape.join(', ')}]`);
    const group = node.int('group', 1);
    const [n, c] = x.shape;
    const o = w.shape[0];
    if (w.shape[1] * group !== c) throw node.error(`weight W [${w.shape.join(', ')}] with group ${group} expects ${w.shape[1] * group} input channels, X [${x.shape.join(', ')}] has ${c}`);
    if (o % group !== 0) throw node.error(`output channels ${o} must be divisible by group ${group}`);
    if (b && (b.ndim !== 1 || b.shape[0] !== o)) throw node.error(`bias B must be [${o}], got [${b.shape.join(', ')}]`);
    const ks = w.shape.slice(2);
    const kshape = node.ints('kernel_shape', ks);
    if (kshape.length !== dims || kshape.some((k, i) => k !== ks[i])) throw node.error(`kernel_shape [${kshape.join(', ')}] does not match W [${w.shape.join(', ')}]`);
    const strides = node.ints('strides', Array(dims).fill(1));
    const dil = node.ints('dilations', Array(dims).fill(1));
    const pads = node.ints('pads', Array(2 * dims).fill(0));
    if (strides.length !== dims || dil.length !== dims || pads.length !== 2 * dims) throw node.error(`strides/dilations need ${dims} values and pads ${2 * dims}, got [${strides}], [${dil}], [${pads}]`);
    if (strides.some((s) => s < 1) || dil.some((d) => d < 1)) throw node.error(`strides [${strides}] and dilations [${dil}] must be >= 1`);
    const ap = node.string('auto_pad', 'NOTSET');
    const sp = x.shape.slice(2);
    const geo = sp.map((len, i) => convDim(node, len, ks[i], strides[i], dil[i], pads[i], pads[i + dims], ap));
    if (geo.some(([, out]) => out < 1)) throw node.error(`input X [${x.shape.join(', ')}] is smaller than the dilated kernel [${ks.join(', ')}] after padding`);
    if (dims === 3) return [conv3d(x, w, b, group, geo, strides[0], dil[0], strides.slice(1), dil.slice(1))];
    const [gh, gw] = dims === 2 ? geo : [[0, 1], geo[0]];
    const [kh, kw] = dims === 2 ? ks : [1, ks[0]];
    const [sh, sw] = dims === 2 ? strides : [1, strides[0]];
    const [dh, dw] = dims === 2 ? dil : [1, dil[0]];
    const h = dims === 2 ? sp[0] : 1;
    const spec: ConvSpec = { n, c, o, groups: group, h, w: sp[dims - 1], oh: gh[1], ow: gw[1], kh, kw, sh, sw, ph: gh[0], pw: gw[0], dh, dw };
    const y = Tensor.empty([n, o, ...geo.map(([, out]) => out)], 'float32', x.engine);
    try {
      if (c === 0 || kh * kw === 0) y.bytes().fill(0);
      else runConv(x.engine, spec, x.ptr, w.ptr, b ? b.ptr : 0, y.ptr);
    } catch (e) {
      y.dispose();
      throw e;
    }
    return [y];
  },
};

/**
 * 3-D convolution as a sum of 2-D ones: Y[n, :, od] = sum over kd of conv2d(X[n, :, id], W[:, :, kd])
 * with id = od*sd - pd + kd*dd inside the input (each slice copied out contiguously), then bias.
 */
function conv3d(x: Tensor, w: Tensor, b: Tensor | null, groups: number, geo: [number, number][], sd: number, dd: number, [sh, sw]: number[], [dh, dw]: number[]): Tensor {
  const e = x.engine;
  const a = e.arena;
  const [n, c, dIn, h, wd] = x.shape;
  const [o, cg, kd, kh, kw] = w.shape;
  const [[pd, od], [ph, oh], [pw, ow]] = geo;
  const spec: ConvSpec = { n: 1, c, o, groups, h, w: wd, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw };
  const y = Tensor.zeros([n, o, od, oh, ow], 'float32', e);
  const plane = h * wd;
  const oplane = oh * ow;
  const wk = kh * kw;
  const tmp = [a.alloc(c * plane * 4), a.alloc(o * cg * wk * 4), a.alloc(o * oplane * 4)];
  const [xs, ws, ys] = tmp;
  try {
    for (let ni = 0; ni < n; ni++) {
      for (let z = 0; z < od; z++) {
        for (let t = 0; t < kd; t++) {
          const id = z * sd - pd + t * dd;
          if (id < 0 || id >= dIn) continue;
          const xv = x.data<'float32'>();
          const xsv = a.f32(xs, c * plane);
          for (let ch = 0; ch < c; ch++) xsv.set(xv.subarray(((ni * c + ch) * dIn + id) * plane, ((ni * c + ch) * dIn + id + 1) * plane), ch * plane);
          const wv = w.data<'float32'>();
          const wsv = a.f32(ws, o * cg * wk);
          for (let q = 0; q < o * cg; q++) wsv.set(wv.subarray((q * kd + t) * wk, (q * kd + t + 1) * wk), q * wk);
          runConv(e, spec, xs, ws, 0, ys);
          const yv = y.data<'float32'>();
          const ysv = a.f32(ys, o * oplane);
          for (let q = 0; q < o; q++) {
            const base = ((ni * o + q) * od + z) * oplane;
            for (let j = 0; j < oplane; j++) yv[base + j] += ysv[q * oplane + j];
          }
        }
      }
    }
    if (b) {
      const bv = b.toFloat32Array();
      const yv = y.data<'float32'>();
      const per = od * oplane;
      for (let i = 0; i < n * o; i++) for (let j = i * per; j < (i + 1) * per; j++) yv[j] += bv[i % o];
    }
  } catch (err) {
    y.dispose();
    throw err;
  } finally {
    for (const p of tmp) a.free(p);
  }
  return y;
}

// ---- Gemm / MatMul -------------------------------------------------------------------------

/** [rows, cols] of a 2-D operand after an optional transpose. */
function dims2(node: OnnxNode, t: Tensor, what: string, trans: boolean): [number, number] {
  if (t.ndim !== 2) throw node.error(`${what} must be 2-D, got [${t.shape.join(', ')}]`);
  return trans ? [t.shape[1], t.shape[0]] : [t.shape[0], t.shape[1]];
}

/** A transposed copy of a 2-D float32 tensor. */
function transpose2(t: Tensor): Tensor {
  const [r, c] = t.shape;
  const y = Tensor.empty([c, r], 'float32', t.engine);
  const a = t.data<'float32'>();
  const b = y.data<'float32'>();
  for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) b[j * r + i] = a[i * c + j];
  return y;
}

/** Packs B ([K, N], or [N, K] when transB) with an optional bias of N floats. */
function packB(b: Tensor, transB: boolean, bias: Tensor | null): PackedWeights {
  const [r, c] = b.shape;
  return transB ? PackedWeights.fromOutIn(b.engine, r, c, b.ptr, bias ? bias.ptr : 0) : PackedWeights.fromKN(b.engine, r, c, b.ptr, c, bias ? bias.ptr : 0);
}

interface GemmAttrs {
  alpha: number;
  beta: number;
  transA: boolean;
  transB: boolean;
}

function gemmAttrs(node: OnnxNode): GemmAttrs {
  return { alpha: node.float('alpha', 1), beta: node.float('beta', 1), transA: node.int('transA', 0) !== 0, transB: node.int('transB', 0) !== 0 };
}

/** True when C can ride in the packed panels as the bias: [N] or [1, N], alpha = beta = 1. */
function biasFits(c: Tensor | null, n: number, g: GemmAttrs): boolean {
  return !!c && c.dtype === 'float32' && g.alpha === 1 && g.beta === 1 && c.numel === n && c.shape[c.ndim - 1] === n && c.ndim <= 2;
}

/** Y = alpha * A'B' + beta * C with B packed as `w` (C already inside w when `cInside`). */
function gemmRun(node: OnnxNode, a: Tensor, w: PackedWeights | null, bT: Tensor | null, c: Tensor | null, g: GemmAttrs, cInside: boolean, k: number, n: number): Tensor {
  const [m, ka] = dims2(node, a, 'A', g.transA);
  if (ka !== k) throw node.error(`A [${a.shape.join(', ')}]${g.transA ? ' (transposed)' : ''} and B (K = ${k}) do not multiply: ${ka} != ${k}`);
  const e = a.engine;
  let y: Tensor;
  if (m === 0 || n === 0 || k === 0) y = Tensor.zeros([m, n], 'float32', e);
  else {
    // Each temporary inside the try: an out-of-memory error at any step frees the ones before it.
    let at: Tensor | null = null;
    let own: PackedWeights | null = null;
    try {
      at = g.transA ? transpose2(a) : null;
      own = w ? null : packB(bT!, g.transB, null);
      const out = Tensor.empty([m, n], 'float32', e);
      try {
        gemm(e, { m, a: (at ?? a).ptr, c: out.ptr }, (w ?? own)!);
      } catch (err) {
        out.dispose();
        throw err;
      }
      y = out;
    } finally {
      at?.dispose();
      own?.dispose();
    }
  }
  if (cInside && k > 0) return y;
  const parts: Tensor[] = [y];
  try {
    if (g.alpha !== 1) parts.push((y = mul(y, g.alpha)));
    if (c && g.beta !== 0) {
      const bc = g.beta === 1 ? c : mul(c, g.beta);
      if (bc !== c) parts.push(bc);
      y = add(y, bc);
      parts.push(y);
    }
  } catch (err) {
    for (const t of parts) t.dispose();
    throw err;
  }
  for (const t of parts) if (t !== y) t.dispose();
  return y;
}

const Gemm: OpDef = {
  infer(node, [a, b]) {
    const g = gemmAttrs(node);
    const m = a?.shape?.length === 2 ? a.shape[g.transA ? 1 : 0] : UNKNOWN;
    const n = b?.shape?.length === 2 ? b.shape[g.transB ? 0 : 1] : UNKNOWN;
    return [{ dtype: 'float32', shape: [m, n] }];
  },
  run(node, [aIn, bIn, cIn]) {
    const g = gemmAttrs(node);
    const a = f32(node, aIn, 'A');
    const b = f32(node, bIn, 'B');
    const c = cIn ? f32(node, cIn, 'C') : null;
    const [k, n] = dims2(node, b, 'B', g.transB);
    const inside = biasFits(c, n, g) && k > 0 && n > 0;
    const w = k > 0 && n > 0 && inside ? packB(b, g.transB, c) : null;
    try {
      return [gemmRun(node, a, w, b, c, g, inside, k, n)];
    } finally {
      w?.dispose();
    }
  },
  prepare(node, [, b, c]) {
    if (!b || b.dtype !== 'float32' || b.ndim !== 2) return null;
    const g = gemmAttrs(node);
    const [k, n] = dims2(node, b, 'B', g.transB);
    if (k === 0 || n === 0) return null;
    const inside = biasFits(c, n, g);
    const w = packB(b, g.transB, inside ? c : null);
    return {
      run: ([a, , cRun]) => [gemmRun(node, f32(node, a, 'A'), w, null, cRun ? f32(node, cRun, 'C') : null, g, inside, k, n)],
      dispose: () => w.dispose(),
      absorbs: inside ? [1, 2] : [1],
    };
  },
};

const MatMul: OpDef = {
  infer(_node, [a, b]) {
    const x = a?.shape;
    const y = b?.shape;
    if (!x || !y || !x.length || !y.length) return [{ dtype: 'float32', shape: null }];
    const x2 = x.length === 1 ? [1, x[0]] : x;
    const y2 = y.length === 1 ? [y[0], 1] : y;
    const full = [...broadcastDims(x2.slice(0, -2), y2.slice(0, -2)), x2[x2.length - 2], y2[y2.length - 1]];
    return [{ dtype: 'float32', shape: full.filter((_, i) => !(x.length === 1 && i === full.length - 2) && !(y.length === 1 && i === full.length - 1)) }];
  },
  run(node, [a, b]) {
    return [matmul(f32(node, a, 'A'), f32(node, b, 'B'))];
  },
  prepare(node, [, b]): PreparedOp | null {
    const qdq = prepareQdqMatMul(node, b); // B = DequantizeLinear(int8 constant): the int8 GEMM (quant.ts)
    if (qdq) return qdq;
    if (!b || b.dtype !== 'float32' || b.ndim !== 2 || b.numel === 0) return null;
    const [k, n] = b.shape;
    const w = PackedWeights.fromKN(b.engine, k, n, b.ptr);
    return {
      run([aIn]) {
        const a = f32(node, aIn, 'A');
        if (a.ndim === 0 || a.shape[a.ndim - 1] !== k) throw node.error(`A [${a.shape.join(', ')}] and B [${k}, ${n}] do not multiply`);
        const y = Tensor.empty(a.ndim === 1 ? [n] : [...a.shape.slice(0, -1), n], 'float32', a.engine);
        try {
          if (a.numel > 0) gemm(a.engine, { m: a.numel / k, a: a.ptr, c: y.ptr }, w);
        } catch (e) {
          y.dispose();
          throw e;
        }
        return [y];
      },
      dispose: () => w.dispose(),
      absorbs: [1],
    };
  },
};

// ---- Softmax / LogSoftmax ------------------------------------------------------------------

function softmaxOp(fn: typeof softmax): OpDef {
  return {
    infer: (_n, ins) => [sameAs(ins)],
    run(node, [xIn], ctx) {
      const x = f32(node, xIn, 'input');
      const r = Math.max(1, x.ndim);
      if (ctx.opset >= 13) return [fn(x, axisOf(node, node.int('axis', -1), r))];
      // Before opset 13: the input is flattened to 2-D at `axis` and normalized over the second dim.
      const axis = axisOf(node, node.int('axis', 1), r);
      const inner = x.shape.slice(axis).reduce((p, d) => p * d, 1);
      const flat = x.reshape([x.numel / Math.max(inner, 1) || 0, inner]);
      return using([flat], () => {
        const y = fn(flat, -1);
        return using([y], () => [y.reshape(x.shape)]);
      });
    },
  };
}

// ---- LayerNormalization / BatchNormalization -----------------------------------------------

const LayerNormalization: OpDef = {
  sinceVersion: 17,
  infer(node, ins) {
    const t = sameAs(ins);
    if (!t.shape) return [t, { dtype: 'float32', shape: null }, { dtype: 'float32', shape: null }];
    const r = t.shape.length;
    const a = node.int('axis', -1);
    const axis = a < 0 ? a + r : a;
    const stat = { dtype: 'float32' as const, shape: t.shape.map((d, i) => (i < axis ? d : 1)) };
    return [t, stat, stat];
  },
  run(node, [xIn, sIn, bIn]) {
    const x = f32(node, xIn, 'X');
    const axis = axisOf(node, node.int('axis', -1), x.ndim);
    const eps = node.float('epsilon', 1e-5);
    const ns = x.shape.slice(axis);
    const n = ns.reduce((p, d) => p * d, 1);
    const views: Tensor[] = [];
    const fit = (t: Tensor | null, what: string) => {
      if (!t) return null;
      f32(node, t, what);
      if (t.numel !== n) throw node.error(`${what} [${t.shape.join(', ')}] must hold the ${n} elements of the normalized shape [${ns.join(', ')}]`);
      const v = t.reshape(ns);
      views.push(v);
      return v;
    };
    // owning(): an out-of-memory error for Mean or InvStdDev frees the outputs made before it.
    return owning((keep) => {
      const y = keep(using(views, () => layerNorm(x, ns, fit(sIn, 'Scale'), fit(bIn, 'B'), eps)));
      const outs = [y];
      if (node.outputs[1] || node.outputs[2]) {
        const rows = n ? x.numel / n : 0;
        const stat = [...x.shape.slice(0, axis), ...ns.map(() => 1)];
        const d = x.toFloat32Array();
        const mean = new Float32Array(rows);
        const inv = new Float32Array(rows);
        for (let r = 0; r < rows; r++) {
          let s = 0;
          for (let i = 0; i < n; i++) s += d[r * n + i];
          const mu = s / n;
          let v = 0;
          for (let i = 0; i < n; i++) v += (d[r * n + i] - mu) ** 2;
          mean[r] = mu;
          inv[r] = 1 / Math.sqrt(v / n + eps);
        }
        outs.push(keep(Tensor.from(mean, stat, 'float32', x.engine)), keep(Tensor.from(inv, stat, 'float32', x.engine)));
      }
      return outs;
    });
  },
};

/** Per-channel mean and biased variance of x [N, C, ...] (float64 sums). */
function channelStats(x: Tensor): [Float32Array, Float32Array] {
  const [n, c] = x.shape;
  const inner = x.numel / Math.max(n * c, 1);
  const d = x.toFloat32Array();
  const mean = new Float32Array(c);
  const v = new Float32Array(c);
  const cnt = n * inner;
  for (let ch = 0; ch < c; ch++) {
    let s = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < inner; j++) s += d[(i * c + ch) * inner + j];
    const mu = s / cnt;
    let q = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < inner; j++) q += (d[(i * c + ch) * inner + j] - mu) ** 2;
    mean[ch] = mu;
    v[ch] = q / cnt;
  }
  return [mean, v];
}

const BatchNormalization: OpDef = {
  infer: (_n, ins) => [sameAs(ins), sameAs(ins, 3), sameAs(ins, 4)],
  check(node) {
    if (node.int('spatial', 1) !== 1) throw node.error('spatial=0 is not supported');
  },
  run(node, [xIn, s, b, meanIn, vIn]) {
    const x = f32(node, xIn, 'X');
    const mean = f32(node, meanIn, 'input_mean');
    const v = f32(node, vIn, 'input_var');
    const eps = node.float('epsilon', 1e-5);
    if (node.int('training_mode', 0) === 0) return [batchNorm(x, mean, v, f32(node, s, 'scale'), f32(node, b, 'B'), false, 0, eps)];
    // Training mode (opset 14+): normalize with the batch statistics; also the updated running ones.
    if (x.ndim < 2) throw node.error(`X must be [N, C, ...], got [${x.shape.join(', ')}]`);
    const m = node.float('momentum', 0.9);
    const [bm, bv] = channelStats(x);
    const rm = mean.toFloat32Array().map((r, i) => r * m + bm[i] * (1 - m));
    const rv = v.toFloat32Array().map((r, i) => r * m + bv[i] * (1 - m));
    const e = x.engine;
    const stats = [Tensor.from(bm, [bm.length], 'float32', e), Tensor.from(bv, [bv.length], 'float32', e)];
    const y = using(stats, () => batchNorm(x, stats[0], stats[1], f32(node, s, 'scale'), f32(node, b, 'B'), false, 0, eps));
    const outs = [y];
    if (node.outputs[1]) outs.push(Tensor.from(rm, [rm.length], 'float32', e));
    if (node.outputs[2]) outs.push(Tensor.from(rv, [rv.length], 'float32', e));
    return outs;
  },
};

export const nnOps: OpTable = {
  Conv,
  Gemm,
  MatMul,
  Softmax: softmaxOp(softmax),
  LogSoftmax: softmaxOp(logSoftmax),
  LayerNormalization,
  BatchNormalization,
};
