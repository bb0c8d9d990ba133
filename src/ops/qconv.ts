/**
 * The int8 convolution (nn.quantizeDynamic'ed Conv1d/Conv2d): the int8 GEMM with the convolution
 * weight as the packed int8 operand [O/groups, K = (C/groups) kh kw] and the output positions as
 * the dynamically quantized rows: per image, group and tile of output rows,
 *   1x1 / stride 1 / unpadded: the rows are the input columns (x[c, pos] transposed to [pos, c]);
 *   otherwise im2col (f32_im2col__wasmsimd, [K, pos]) transposed to [pos, K];
 * then qgemm ([pos, O/groups], bias and activation fused) and a transpose into NCHW. The
 * transposes are x32_copy_nd6 strided copies (ops/copy.ts). Tiles keep the scratch near
 * TILE_BYTES. Dynamic activation quantization is per output position (one row per position).
 */
import type { Engine } from '../runtime/engine.js';
import { Tensor } from '../tensor.js';
import { withGeom } from './conv-geom.js';
import { copyStrided } from './copy.js';
import { resolveConv, type ConvArgs, type ConvSpec } from './conv2d.js';
import { owning } from './own.js';
import { QPackedWeights, qgemm } from './qgemm.js';
import type { Activation } from './gemm.js';

/** Scratch budget of one tile (column matrix, its transpose and the output tile). */
const TILE_BYTES = 1 << 21;

/** Per-group int8 packs of a convolution weight. */
export class QConvWeights {
  private constructor(readonly groups: QPackedWeights[]) {}

  /** From int8 weights [O, C/groups, (kh,) kw], their per-channel scales [O] (or [1]) and an optional bias [O]. */
  static fromTensors(weight: Tensor, scale: Tensor, bias: Tensor | null, groups: number): QConvWeights {
    const o = weight.shape[0];
    const og = o / groups;
    const kk = weight.numel / o;
    const q = weight.toTypedArray() as Int8Array;
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
export function runQConv(engine: Engine, s: ConvSpec, x: number, qw: QConvWeights, y: number, act: Activation = 'none'): void {
  const a = engine.arena;
  const cg = s.c / s.groups;
  const og = s.o / s.groups;
  const kk = cg * s.kh * s.kw;
  const hw = s.h * s.w;
  const p = s.oh * s.ow;
  const direct = s.kh === 1 && s.kw === 1 && s.sh === 1 && s.sw === 1 && s.ph === 0 && s.pw === 0;
  const rowsPerTile = Math.max(1, Math.min(s.oh, Math.floor(TILE_BYTES / (4 * s.ow * (2 * kk + og)))));
  const tileP = rowsPerTile * s.ow;
  const col = direct ? 0 : a.alloc(kk * tileP * 4);
  const colT = a.alloc(kk * tileP * 4);
  const yT = a.alloc(og * tileP * 4);
  try {
    withGeom(engine, s, (geom) => {
      for (let n = 0; n < s.n; n++) {
        for (let gi = 0; gi < s.groups; gi++) {
          const xg = x + (n * s.c + gi * cg) * hw * 4;
          const yg = y + (n * s.o + gi * og) * p * 4;
          for (let oy = 0; oy < s.oh; oy += rowsPerTile) {
            const rows = Math.min(rowsPerTile, s.oh - oy);
            const np = rows * s.ow;
            const p0 = oy * s.ow;
            if (direct) copyStrided(engine, 4, [np, cg], xg + p0 * 4, [1, hw], colT, [cg, 1]);
            else {
              engine.k.f32_im2col__wasmsimd(geom, cg, oy, rows, xg, col);
              copyStrided(engine, 4, [np, kk], col, [1, np], colT, [kk, 1]);
            }
            qgemm(engine, { m: np, a: colT, c: yT, act }, qw.groups[gi]);
            copyStrided(engine, 4, [og, np], yT, [1, og], yg + p0 * 4, [p, 1]);
          }
        }
      }
    });
  } finally {
    if (col) a.free(col);
    a.free(colT);
    a.free(yT);
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
