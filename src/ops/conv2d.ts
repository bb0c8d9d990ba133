/**
 * Convolution (NCHW, PyTorch semantics): conv2d / conv1d and the path planner.
 *
 * Mapping onto the GEMM (src/ops/gemm.ts computes C = act(A·W^T + bias + rowBias)):
 *   C[outC, P] = Wconv[outC, K] · col[K, P]    per image and group, P = output positions
 * A is the convolution weight as it is ([outC, K] row-major, no packing), the im2col tile is B,
 * written by f32_im2col_packw_x8 straight into the packed panels (PackedWeights.fromPanels over one
 * reused buffer), and the convolution bias is the GEMM's rowBias. The
 * GEMM then writes straight into the NCHW output (ldc = OH*OW): no transpose, no output copy.
 *
 * Paths (planConv2d):
 * - 'depthwise': groups == inChannels > 1 (outChannels = m * inChannels): direct SIMD kernel
 *   f32_dwconv_{3x3s1,3x3s2,5x5s1,5x5s2,generic}__wasmsimd (relaxed build: the
 *   __wasmrelaxedsimd_fma twins) over all channels in one call, with a workspace of a few
 *   zero-padded input rows (dwconvWorkspace).
 * - '1x1': 1x1 kernel, stride 1, no padding: B is the input itself ([C, H*W] is already [K, P]),
 *   packed in column tiles; no im2col.
 * - 'direct': reduction K = (c/groups)*kh*kw <= DIRECT_MAX_K (the RGB stem): f32_conv2d_4x8__wasmsimd
 *   (relaxed build: the __wasmrelaxedsimd_fma twin)
 *   per image and group, 4 output channels x 8 columns per tile from input rows staged per output
 *   row (workspace: weights + c*kh rows, independent of the height). gelu falls back to im2col.
 * - 'im2col': everything else, per group, tiled over output rows so that the packed column tile stays
 *   under COL_BUDGET_BYTES (at least one output row): the workspace does not grow with the height.
 */
import { Tensor } from '../tensor.js';
import type { Engine } from '../runtime/engine.js';
import { ArgumentError, ShapeError, fmtShape } from '../runtime/errors.js';
import { blockBytes } from '../runtime/memory.js';
import { SPLIT, runSplit, splitParts } from '../threads/split.js';
import { PackedWeights, gemm, gemmWorkspaceBytes, packedWeightsBytes, packedWeightsFloats, type Activation } from './gemm.js';
import { expectRank, expectTensor, sameEngine } from './check.js';
import { owning } from './own.js';
import { GEOM_BLOCK_BYTES, convOut, pair, withGeom, type Geom } from './conv-geom.js';

export type Padding = 'valid' | 'same' | number | readonly number[];

/** Column budget per im2col tile (bytes of the [K, tile] column matrix; its packed panels are the same size plus padding). */
export const COL_BUDGET_BYTES = 512 * 1024;

/** A fully resolved convolution of one batch. */
export interface ConvSpec extends Geom {
  n: number;
  c: number;
  o: number;
  groups: number;
}

export type ConvPath = 'depthwise' | '1x1' | 'im2col' | 'direct';

export interface ConvPlan {
  path: ConvPath;
  /** im2col: output rows per tile; 1x1: output positions per tile; depthwise: 0. */
  tile: number;
  /** Peak bytes of scratch wasm memory one call allocates (packed column tile or depthwise rows, GEMM A panels, geometry). */
  workspaceBytes: number;
}

/**
 * The 'direct' path (f32_conv2d_4x8) takes convolutions whose reduction K = (c/groups)*kh*kw is
 * at most this: there the GEMM's work per column is small and the im2col pass is a large share
 * (RGB stem 3x224x224 -> 32 k3 s2, K = 27).
 */
export const DIRECT_MAX_K = 32;

/**
 * Workspace floats of f32_conv2d_4x8 (mirrors f32_conv2d_4x8_ws_floats in
 * assembly/f32-conv2d/f32-conv2d-4x8-wasmsimd.ts): repacked weights, tap offsets, staged rows.
 */
export function directWorkspaceFloats(s: Geom, cg: number, og: number): number {
  const k = cg * s.kh * s.kw;
  const phase = (Math.ceil(s.ow / 8) * 8 + Math.floor(((s.kw - 1) * s.dw) / s.sw) + 3) & ~3;
  return Math.ceil(og / 4) * (k + 1) * 8 + cg * s.kh * s.sw * phase;
}

/** Resolves a padding argument to [top, left, totalH, totalW]. */
export function resolvePadding(op: string, padding: Padding, kh: number, kw: number, dh: number, dw: number, sh: number, sw: number, dims: number): [number, number, number, number] {
  if (padding === 'valid') return [0, 0, 0, 0];
  if (padding === 'same') {
    if (sh !== 1 || sw !== 1) throw new ArgumentError(`${op}: padding='same' is not supported for strided convolutions (stride ${dims === 1 ? sw : `[${sh}, ${sw}]`})`);
    const th = dh * (kh - 1);
    const tw = dw * (kw - 1);
    return [Math.floor(th / 2), Math.floor(tw / 2), th, tw];
  }
  if (typeof padding === 'string') throw new ArgumentError(`${op}: padding must be 'valid', 'same', an integer or a list, got '${padding}'`);
  const [ph, pw] = pair(op, 'padding', padding, 0, dims);
  const top = dims === 1 ? 0 : ph; // pair() fills the missing height with 1, right for kernel/stride/dilation only
  return [top, pw, 2 * top, 2 * pw];
}

/**
 * Depthwise workspace: a ring of zero-padded input rows plus a zero row, [(kh-1)*dh + 2] rows of
 * `ld` floats. ld mirrors the kernel's assert (assembly/f32-dwconv/dwconv-driver.ts).
 */
export function dwconvWorkspace(s: Geom): { rows: number; ld: number } {
  const need = Math.max(s.pw + s.w, Math.max(s.ow - 1, 3) * s.sw + (s.kw - 1) * s.dw + 13);
  return { rows: (s.kh - 1) * s.dh + 2, ld: Math.ceil(need / 4) * 4 };
}

/** Arena bytes of the geometry block every conv kernel reads. */
const GEOM_BYTES = blockBytes(GEOM_BLOCK_BYTES);

export function planConv2d(s: ConvSpec): ConvPlan {
  if (s.groups === s.c && s.c > 1) {
    const ws = dwconvWorkspace(s);
    return { path: 'depthwise', tile: 0, workspaceBytes: GEOM_BYTES + blockBytes(ws.rows * ws.ld * 4) };
  }
  const cg = s.c / s.groups;
  const p = s.oh * s.ow;
  if (s.kh === 1 && s.kw === 1 && s.sh === 1 && s.sw === 1 && s.ph === 0 && s.pw === 0 && s.oh === s.h && s.ow === s.w) {
    const cols = Math.min(p, Math.max(16, Math.floor(COL_BUDGET_BYTES / (cg * 4 * 16)) * 16));
    return { path: '1x1', tile: cols, workspaceBytes: packedWeightsBytes(cols, cg) + gemmWorkspaceBytes(s.o / s.groups, cg) };
  }
  if (cg * s.kh * s.kw <= DIRECT_MAX_K) return { path: 'direct', tile: 0, workspaceBytes: GEOM_BYTES + blockBytes(directWorkspaceFloats(s, cg, s.o / s.groups) * 4) };
  return planIm2col(s);
}

/** The im2col plan (valid for every spec): output rows per tile under COL_BUDGET_BYTES. */
export function planIm2col(s: ConvSpec): ConvPlan {
  const k = (s.c / s.groups) * s.kh * s.kw;
  const rows = Math.max(1, Math.min(s.oh, Math.floor(COL_BUDGET_BYTES / (k * s.ow * 4))));
  return { path: 'im2col', tile: rows, workspaceBytes: GEOM_BYTES + packedWeightsBytes(rows * s.ow, k) + gemmWorkspaceBytes(s.o / s.groups, k) };
}

/** Clamp bounds of a fused activation for the direct kernels (depthwise, direct); gelu has none. */
function clampOf(op: string, act: Activation): [number, number] {
  if (act === 'none') return [-Infinity, Infinity];
  if (act === 'relu') return [0, Infinity];
  if (typeof act === 'object') return act.clamp;
  throw new ArgumentError(`${op}: activation ${act} cannot be fused into a depthwise or direct convolution (use 'none', 'relu' or clamp)`);
}

/**
 * Runs the convolution described by `s` (x, w, bias, y are byte addresses; bias may be 0).
 * `plan` defaults to planConv2d(s); tests and benches pass another one to compare paths and tiles
 * ('im2col' and 'direct' are valid for every spec, '1x1' only for 1x1/stride-1/unpadded, 'depthwise' only for groups == c).
 */
export function runConv(engine: Engine, s: ConvSpec, x: number, w: number, bias: number, y: number, act: Activation = 'none', plan: ConvPlan = planConv2d(s)): void {
  if (s.n === 0 || s.o === 0 || s.oh * s.ow === 0) return;
  // gelu has no clamp form for the direct kernel: the GEMM epilogue does it.
  if (plan.path === 'direct' && (act === 'gelu' || act === 'gelu_tanh')) plan = planIm2col(s);
  const k = engine.k;
  const a = engine.arena;
  const hw = s.h * s.w;
  const p = s.oh * s.ow;
  if (plan.path === 'depthwise') {
    const [lo, hi] = clampOf('conv2d', act);
    const d1 = s.dh === 1 && s.dw === 1;
    const variant = d1 && s.kh === s.kw && (s.kh === 3 || s.kh === 5) && (s.sw === 1 || s.sw === 2) ? `${s.kh}x${s.kw}s${s.sw}` : 'generic';
    // The relaxed build has fused-multiply-add twins of every depthwise kernel.
    const fn = (engine.relaxed && k[`f32_dwconv_${variant}__wasmrelaxedsimd_fma` as keyof typeof k]) || k[`f32_dwconv_${variant}__wasmsimd` as keyof typeof k];
    const dwFn = fn as (g: number, c: number, m: number, x: number, w: number, b: number, ws: number, ld: number, y: number, lo: number, hi: number) => void;
    const dws = dwconvWorkspace(s);
    const mult = s.o / s.c;
    // Over the pool: each batch image split by input channels (with their `mult` outputs), each
    // task its own row ring; one dispatch per image.
    const parts = splitParts(engine, s.c, 1, 2 * s.o * p * s.kh * s.kw, SPLIT.flopsPerThread);
    const wsBytes = blockBytes(dws.rows * dws.ld * 4);
    const ws = a.alloc(parts > 1 ? wsBytes * parts : dws.rows * dws.ld * 4);
    try {
      withGeom(engine, s, (g) => {
        for (let i = 0; i < s.n; i++) {
          const xi = x + i * s.c * hw * 4, yi = y + i * s.o * p * 4;
          const split = parts > 1 && runSplit(engine, dwFn, s.c, 1, 2 * s.o * p * s.kh * s.kw, SPLIT.flopsPerThread, (c0, c1, t) => [
            g, (c1 - c0) * mult, mult, xi + c0 * hw * 4, w + c0 * mult * s.kh * s.kw * 4, bias ? bias + c0 * mult * 4 : 0, ws + t * wsBytes, dws.ld, yi + c0 * mult * p * 4, lo, hi]);
          if (!split) dwFn(g, s.o, mult, xi, w, bias, ws, dws.ld, yi, lo, hi);
        }
      });
    } finally {
      a.free(ws);
    }
    return;
  }
  const cg = s.c / s.groups;
  const og = s.o / s.groups;
  const kk = cg * s.kh * s.kw;
  const unit = (gi: number, n: number) => ({
    x: x + (n * s.c + gi * cg) * hw * 4,
    a: w + gi * og * kk * 4,
    c: y + (n * s.o + gi * og) * p * 4,
    rowBias: bias ? bias + gi * og * 4 : 0,
  });
  if (plan.path === 'direct') {
    const [lo, hi] = clampOf('conv2d', act);
    withGeom(engine, s, (g) => {
      // The relaxed build has a fused-multiply-add twin.
      const fn = (engine.relaxed && k.f32_conv2d_4x8__wasmrelaxedsimd_fma) || k.f32_conv2d_4x8__wasmsimd;
      // Over the pool: split by output channels in whole 4-channel tiles, each task packing its
      // own filter slice into its own workspace.
      const flops = 2 * og * p * kk;
      const parts = splitParts(engine, og, 4, flops, SPLIT.flopsPerThread);
      const wsBytes = blockBytes(k.f32_conv2d_4x8_ws_floats(g, cg, Math.ceil(og / parts / 4) * 4 + 4) * 4);
      const ws = a.alloc(parts > 1 ? wsBytes * parts : k.f32_conv2d_4x8_ws_floats(g, cg, og) * 4);
      try {
        for (let n = 0; n < s.n; n++) {
          for (let gi = 0; gi < s.groups; gi++) {
            const u = unit(gi, n);
            const split = parts > 1 && runSplit(engine, fn, og, 4, flops, SPLIT.flopsPerThread, (o0, o1, t) => [
              g, cg, o1 - o0, u.x, u.a + o0 * kk * 4, u.rowBias ? u.rowBias + o0 * 4 : 0, ws + t * wsBytes, u.c + o0 * p * 4, lo, hi]);
            if (!split) fn(g, cg, og, u.x, u.a, u.rowBias, ws, u.c, lo, hi);
          }
        }
      } finally {
        a.free(ws);
      }
    });
    return;
  }
  if (plan.path === '1x1') {
    for (let n = 0; n < s.n; n++) {
      for (let gi = 0; gi < s.groups; gi++) {
        const u = unit(gi, n);
        for (let p0 = 0; p0 < p; p0 += plan.tile) {
          const np = Math.min(plan.tile, p - p0);
          const packed = PackedWeights.fromKN(engine, cg, np, u.x + p0 * 4, hw);
          try {
            gemm(engine, { m: og, a: u.a, lda: kk, c: u.c + p0 * 4, ldc: p, rowBias: u.rowBias, act }, packed);
          } finally {
            packed.dispose();
          }
        }
      }
    }
    return;
  }
  // im2col writes the tile straight into the GEMM's packed panels (no column buffer, no pack pass).
  const panels = a.alloc(packedWeightsFloats(plan.tile * s.ow, kk) * 4);
  try {
    withGeom(engine, s, (g) => {
      for (let n = 0; n < s.n; n++) {
        for (let gi = 0; gi < s.groups; gi++) {
          const u = unit(gi, n);
          for (let oy = 0; oy < s.oh; oy += plan.tile) {
            const rows = Math.min(plan.tile, s.oh - oy);
            k.f32_im2col_packw_x8__wasmsimd(g, cg, oy, rows, u.x, panels);
            gemm(engine, { m: og, a: u.a, lda: kk, c: u.c + oy * s.ow * 4, ldc: p, rowBias: u.rowBias, act }, PackedWeights.fromPanels(engine, rows * s.ow, kk, panels));
          }
        }
      }
    });
  } finally {
    a.free(panels);
  }
}

export interface ConvArgs {
  stride?: number | readonly number[];
  padding?: Padding;
  dilation?: number | readonly number[];
  groups?: number;
  /** Fused epilogue (not in PyTorch's signature): 'relu' or a clamp, applied after the bias. */
  act?: Activation;
}

/** Validates a convolution (shapes, groups, padding) and resolves its ConvSpec and output shape (convNd and the int8 qconvNd). */
export function resolveConv(op: string, dims: 1 | 2, input: Tensor, weight: Tensor, bias: Tensor | null | undefined, args: ConvArgs, weightDtype: 'float32' | 'int8' = 'float32'): { engine: Engine; spec: ConvSpec; outShape: number[] } {
  expectTensor(op, 'input', input);
  expectTensor(op, 'weight', weight, weightDtype);
  if (bias != null) expectTensor(op, 'bias', bias);
  const engine = bias ? sameEngine(op, input, weight, bias) : sameEngine(op, input, weight);
  expectRank(op, 'input', input, [dims + 1, dims + 2]);
  expectRank(op, 'weight', weight, [dims + 2]);
  const batched = input.ndim === dims + 2;
  const xs = batched ? input.shape : [1, ...input.shape];
  const n = xs[0];
  const c = xs[1];
  const h = dims === 2 ? xs[2] : 1;
  const w = xs[dims + 1];
  const o = weight.shape[0];
  const cgw = weight.shape[1];
  const kh = dims === 2 ? weight.shape[2] : 1;
  const kw = weight.shape[dims + 1];
  const groups = args.groups ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new ArgumentError(`${op}: groups must be an integer >= 1, got ${groups}`);
  if (cgw * groups !== c) {
    throw new ShapeError(`${op}: weight of shape ${fmtShape(weight.shape)} expects input with ${cgw * groups} channels (groups=${groups}), got input of shape ${fmtShape(input.shape)}`);
  }
  if (o % groups !== 0) throw new ArgumentError(`${op}: out_channels (${o}) must be divisible by groups (${groups})`);
  if (kh < 1 || kw < 1) throw new ShapeError(`${op}: weight has an empty kernel, shape ${fmtShape(weight.shape)}`);
  if (bias != null && (bias.ndim !== 1 || bias.shape[0] !== o)) {
    throw new ShapeError(`${op}: bias must have shape [${o}], got ${fmtShape(bias.shape)}`);
  }
  const [sh, sw] = pair(op, 'stride', args.stride ?? 1, 1, dims);
  const [dh, dw] = pair(op, 'dilation', args.dilation ?? 1, 1, dims);
  const [ph, pw, th, tw] = resolvePadding(op, args.padding ?? 0, kh, kw, dh, dw, sh, sw, dims);
  const oh = convOut(h, kh, sh, th, dh);
  const ow = convOut(w, kw, sw, tw, dw);
  if (oh < 1 || ow < 1) {
    throw new ShapeError(`${op}: input of shape ${fmtShape(input.shape)} is smaller than the (dilated) kernel ${dims === 2 ? `${dh * (kh - 1) + 1}x${dw * (kw - 1) + 1}` : dw * (kw - 1) + 1} after padding: output size would be ${dims === 2 ? `${oh}x${ow}` : ow}`);
  }
  const spatial = dims === 2 ? [oh, ow] : [ow];
  const spec: ConvSpec = { n, c, o, groups, h, w, oh, ow, kh, kw, sh, sw, ph, pw, dh, dw };
  return { engine, spec, outShape: batched ? [n, o, ...spatial] : [o, ...spatial] };
}

/**
 * Validates and resolves a convolution of `dims` spatial dimensions (1 or 2) into a ConvSpec, the
 * output shape, and runs it. Accepts batched (N, C, ...) and unbatched (C, ...) input.
 */
export function convNd(op: string, dims: 1 | 2, input: Tensor, weight: Tensor, bias: Tensor | null | undefined, args: ConvArgs): Tensor {
  const { engine, spec, outShape } = resolveConv(op, dims, input, weight, bias, args);
  return owning((own) => {
    // The workspace is allocated after the output: an OutOfMemoryError there frees the output.
    const y = own(Tensor.empty(outShape, 'float32', engine));
    runConv(engine, spec, input.ptr, weight.ptr, bias ? bias.ptr : 0, y.ptr, args.act ?? 'none');
    return y;
  });
}

/** F.conv2d(input, weight, bias?, stride=1, padding=0, dilation=1, groups=1), NCHW. */
export function conv2d(
  input: Tensor, weight: Tensor, bias: Tensor | null = null,
  stride: number | readonly number[] = 1, padding: Padding = 0, dilation: number | readonly number[] = 1, groups = 1,
): Tensor {
  return convNd('conv2d', 2, input, weight, bias, { stride, padding, dilation, groups });
}

/** F.conv1d(input, weight, bias?, stride=1, padding=0, dilation=1, groups=1), NCL. */
export function conv1d(
  input: Tensor, weight: Tensor, bias: Tensor | null = null,
  stride: number | readonly number[] = 1, padding: Padding = 0, dilation: number | readonly number[] = 1, groups = 1,
): Tensor {
  return convNd('conv1d', 1, input, weight, bias, { stride, padding, dilation, groups });
}
