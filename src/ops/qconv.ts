/**
 * The int8 convolution (nn.quantizeDynamic'ed Conv1d/Conv2d): the int8 GEMM with the convolution
 * weight as the packed int8 operand [O/groups, K = kh kw (C/groups)] (taps outer, channels inner:
 * the NHWC patch order) and the output positions as the rows. Per image and group:
 *   1. f32_qd8_convert_nhwc__wasmsimd quantizes the group's input ONCE (per-tensor dynamic 7-bit
 *      codes, one {s, zp} per image and group: the integer dot of a patch needs one scale for all
 *      its taps) into NHWC bytes;
 *   2. 1x1 / stride 1 / unpadded: the rows ARE the NHWC pixels (ldq = C); otherwise
 *      x8_im2col_nhwc__wasmsimd gathers byte patch rows (padding taps = the zero point), tiled by
 *      output rows so the tile stays near TILE_BYTES (L2);
 *   3. the conv form of the int8 GEMM (qd8_f32_qc8w_conv_<tile>__<isa>: bias and activation fused)
 *      writes the NCHW output planes directly (channel-major store). No float im2col, no transpose.
 * Accuracy: one scale per image (and group) instead of one per output position; a NaN or +-Inf
 * anywhere in an image (group) makes that image's (group's) whole output NaN, never a finite
 * number. An all-zero image yields exactly the bias.
 */
import type { Engine } from '../runtime/engine.js';
import { ArgumentError } from '../runtime/errors.js';
import { Tensor } from '../tensor.js';
import { withGeom } from './conv-geom.js';
import { resolveConv, type ConvArgs, type ConvSpec } from './conv2d.js';
import { owning } from './own.js';
import { QPackedWeights, relaxedDotProbe } from './qgemm.js';
import { actCode, type Activation } from './gemm.js';

/** Budget of one byte patch tile (output rows x ow x kp bytes). */
const TILE_BYTES = 1 << 18;

export type QConvKernel = 'scalar' | 'simd' | 'relaxed' | 'relaxed_dot2';

type ConvGemmFn = (m: number, n: number, k: number, q: number, ldq: number, qp: number, w: number, c: number, ldc: number, act: number, lo: number, hi: number) => void;

const convProbes = new WeakMap<Engine, { dotAdd: boolean; dot2: boolean }>();

/** Runs a conv driver and the scalar twin on small problems (row and column tails, shared qparams) and compares bits. */
function convDriverAgrees(engine: Engine, name: string): boolean {
  const k = engine.k as unknown as Record<string, ConvGemmFn>;
  for (const [m, n, kk] of [[7, 11, 37], [1, 9, 70], [4, 8, 4], [6, 3, 5]]) {
    const w = QPackedWeights.fromInt8(engine, n, kk, Int8Array.from({ length: n * kk }, (_, i) => ((i * 37) % 255) - 127), Float32Array.from({ length: n }, (_, j) => 0.01 * (j + 1)), null);
    const ldq = kk + 3;
    const q = engine.arena.alloc(m * ldq + 16);
    const c = engine.arena.alloc(2 * m * n * 4);
    const qp = engine.arena.alloc(8);
    try {
      const qv = engine.arena.u8(q, m * ldq + 16);
      for (let i = 0; i < qv.length; i++) qv[i] = (i * 29 + 7) % 128;
      engine.arena.f32(qp, 1)[0] = 0.03;
      engine.arena.i32(qp + 4, 1)[0] = 57;
      k[name](m, n, kk, q, ldq, qp, w._w, c, m, 0, 0, 0);
      k.qd8_f32_qc8w_conv_1x1__scalar(m, n, kk, q, ldq, qp, w._w, c + m * n * 4, m, 0, 0, 0);
      const out = engine.arena.i32(c, 2 * m * n);
      for (let i = 0; i < m * n; i++) if (out[i] !== out[m * n + i]) return false;
    } finally {
      w.dispose();
      engine.arena.free(q);
      engine.arena.free(c);
      engine.arena.free(qp);
    }
  }
  return true;
}

/**
 * The conv GEMM export of a kernel choice. Default: on the relaxed build the relaxed_dot_add form
 * when the probe (instruction and this driver against its scalar twin) finds it exact, else the
 * two-step form when exact, else (and on the simd build) the SIMD128 dot16x2 form. Asking for a
 * relaxed kernel the runtime gets wrong throws.
 */
export function qconvKernelName(engine: Engine, kernel?: QConvKernel): string {
  const probe = engine.relaxed ? relaxedDotProbe(engine) : null;
  let conv = convProbes.get(engine);
  if (probe && !conv) {
    conv = {
      dotAdd: probe.dotAddExact && convDriverAgrees(engine, 'qd8_f32_qc8w_conv_4x8__wasmrelaxedsimd'),
      dot2: probe.dot2Exact && convDriverAgrees(engine, 'qd8_f32_qc8w_conv_4x8__wasmrelaxedsimd_dot2'),
    };
    convProbes.set(engine, conv);
  }
  const want = kernel ?? (conv?.dotAdd ? 'relaxed' : conv?.dot2 ? 'relaxed_dot2' : 'simd');
  if (want === 'relaxed' || want === 'relaxed_dot2') {
    if (!conv) throw new ArgumentError(`qconv: the ${want} kernel needs the relaxed build, this engine runs '${engine.build}'`);
    if (!(want === 'relaxed' ? conv.dotAdd : conv.dot2)) throw new ArgumentError(`qconv: the ${want} kernel is not exact in this runtime (relaxed-dot probe failed)`);
    return want === 'relaxed' ? 'qd8_f32_qc8w_conv_4x8__wasmrelaxedsimd' : 'qd8_f32_qc8w_conv_4x8__wasmrelaxedsimd_dot2';
  }
  return want === 'scalar' ? 'qd8_f32_qc8w_conv_1x1__scalar' : 'qd8_f32_qc8w_conv_2x8__wasmsimd_dot16x2';
}

/** Per-group int8 packs of a convolution weight. */
export class QConvWeights {
  private constructor(readonly groups: QPackedWeights[]) {}

  /**
   * From int8 weights [O, C/groups, (kh,) kw], their per-channel scales [O] (or [1]) and an
   * optional bias [O]. The packs hold K in NHWC patch order (tap-major, channel-minor).
   */
  static fromTensors(weight: Tensor, scale: Tensor, bias: Tensor | null, groups: number): QConvWeights {
    const o = weight.shape[0];
    const og = o / groups;
    const kk = weight.numel / o;
    const cg = weight.shape[1];
    const taps = kk / cg;
    const src = weight.toTypedArray() as Int8Array;
    const q = new Int8Array(src.length);
    for (let j = 0; j < o; j++) for (let ci = 0; ci < cg; ci++) for (let t = 0; t < taps; t++) q[j * kk + t * cg + ci] = src[j * kk + ci * taps + t];
    const sv = scale.toFloat32Array();
    const sc = sv.length === 1 ? new Float32Array(o).fill(sv[0]) : sv;
    const bv = bias ? bias.toFloat32Array() : null;
    const packs: QPackedWeights[] = [];
    try {
      for (let g = 0; g < groups; g++) {
        packs.push(QPackedWeights.fromInt8(weight.engine, og, kk, q.subarray(g * og * kk, (g + 1) * og * kk), sc.subarray(g * og, (g + 1) * og), bv ? bv.subarray(g * og, (g + 1) * og) : null));
      }
    } catch (e) {
      for (const p of packs) p.dispose();
      throw e;
    }
    return new QConvWeights(packs);
  }

  dispose(): void {
    for (const p of this.groups) p.dispose();
  }
}

/** Runs the int8 convolution of spec `s`: x, y byte addresses (NCHW), weights packed per group. */
export function runQConv(engine: Engine, s: ConvSpec, x: number, qw: QConvWeights, y: number, act: Activation = 'none', kernel?: QConvKernel): void {
  const a = engine.arena;
  const cg = s.c / s.groups;
  const og = s.o / s.groups;
  const kk = cg * s.kh * s.kw;
  const kp = Math.ceil(kk / 4) * 4;
  const hw = s.h * s.w;
  const p = s.oh * s.ow;
  const direct = s.kh === 1 && s.kw === 1 && s.sh === 1 && s.sw === 1 && s.ph === 0 && s.pw === 0 && s.oh === s.h && s.ow === s.w;
  const rowsPerTile = Math.max(1, Math.min(s.oh, Math.floor(TILE_BYTES / (s.ow * kp))));
  const [code, lo, hi] = actCode(act);
  const fn = (engine.k as unknown as Record<string, ConvGemmFn>)[qconvKernelName(engine, kernel)];
  const k = engine.k;
  const qimg = a.alloc(hw * s.c);
  const qp = a.alloc(8 * s.groups);
  const col = direct ? 0 : a.alloc(rowsPerTile * s.ow * kp + 16);
  try {
    withGeom(engine, s, (geom) => {
      for (let n = 0; n < s.n; n++) {
        for (let gi = 0; gi < s.groups; gi++) k.f32_qd8_convert_nhwc__wasmsimd(cg, hw, x + (n * s.c + gi * cg) * hw * 4, qimg + gi * cg, s.c, qp + gi * 8);
        for (let gi = 0; gi < s.groups; gi++) {
          const yg = y + (n * s.o + gi * og) * p * 4;
          const qg = qimg + gi * cg;
          const qpg = qp + gi * 8;
          const w = qw.groups[gi]._w;
          if (direct) {
            fn(p, og, cg, qg, s.c, qpg, w, yg, p, code, lo, hi);
            continue;
          }
          const zp = a.i32(qpg + 4, 1)[0];
          for (let oy = 0; oy < s.oh; oy += rowsPerTile) {
            const rows = Math.min(rowsPerTile, s.oh - oy);
            k.x8_im2col_nhwc__wasmsimd(geom, cg, qg, s.c, oy, rows, zp, kp, col);
            fn(rows * s.ow, og, kk, col, kp, qpg, w, yg + oy * s.ow * 4, p, code, lo, hi);
          }
        }
      }
    });
  } finally {
    if (col) a.free(col);
    a.free(qimg);
    a.free(qp);
  }
}

/** The int8 twin of convNd: weight int8 (validated like the float one), packs `qw`. */
export function qconvNd(op: string, dims: 1 | 2, input: Tensor, weight: Tensor, bias: Tensor | null, qw: QConvWeights, args: ConvArgs): Tensor {
  const { engine, spec, outShape } = resolveConv(op, dims, input, weight, bias, args, 'int8');
  return owning((own) => {
    const y = own(Tensor.empty(outShape, 'float32', engine));
    if (spec.n > 0 && spec.o > 0 && spec.oh * spec.ow > 0) runQConv(engine, spec, input.ptr, qw, y.ptr, args.act ?? 'none');
    return y;
  });
}
