/**
 * com.microsoft MatMulNBits (onnxruntime's contrib op for block-quantized weights, as written by
 * its quantization tools and used by transformers.js q4 models): Y = A · Wᵀ + bias, with
 *   W[n, k] = (q[n, k] - zp[n, blk]) * scale[n, blk],   blk = g_idx[k] or floor(k / block_size),
 * q the `bits`-bit codes (2, 4 or 8) of B [N, k_blocks, block_size * bits / 8] (uint8, little
 * bit order: code j of a block at bit j * bits, low nibble first for 4 bits), scales [N * k_blocks]
 * or [N, k_blocks], zero points either packed uint8 codes ([N, ceil(k_blocks * bits / 8)], same
 * bit order) or float32 like scales (then W = (q - zp) * scale in float), default 2^(bits-1).
 *
 * Block scales do not map onto the int8 GEMM's per-output-channel scales without requantizing
 * (which would change results), so the weights are dequantized to float32 once, when B and its
 * scales are constants (always, for exported models), and run on the packed float GEMM: results
 * equal onnxruntime's dequantize-then-multiply reference up to float summation order; memory
 * holds the float32 weights (8x a 4-bit B).
 */
import { Tensor } from '../../tensor.js';
import type { OnnxNode, OpDef, OpTable, PreparedOp } from '../node.js';
import { PackedWeights, gemm } from '../../ops/gemm.js';

interface NBitsAttrs {
  K: number;
  N: number;
  bits: number;
  blockSize: number;
}

function attrs(node: OnnxNode): NBitsAttrs {
  const a = { K: node.int('K', -1), N: node.int('N', -1), bits: node.int('bits', 4), blockSize: node.int('block_size', -1) };
  if (a.K < 1 || a.N < 1) throw node.error(`attributes K and N are required and must be >= 1, got K=${a.K}, N=${a.N}`);
  if (a.bits !== 2 && a.bits !== 4 && a.bits !== 8) throw node.error(`bits must be 2, 4 or 8, got ${a.bits}`);
  if (a.blockSize < 16 || (a.blockSize & (a.blockSize - 1)) !== 0) throw node.error(`block_size must be a power of 2 >= 16, got ${a.blockSize}`);
  return a;
}

/** W [N, K] in float32 from the quantized inputs, every shape checked first. */
export function dequantizeNBits(node: OnnxNode, b: Tensor, scales: Tensor, zp: Tensor | null, gIdx: Tensor | null): Float32Array {
  const { K, N, bits, blockSize } = attrs(node);
  const kBlocks = Math.ceil(K / blockSize);
  const blob = (blockSize * bits) / 8;
  if (b.dtype !== 'uint8' || b.numel !== N * kBlocks * blob) throw node.error(`B must be uint8 [${N}, ${kBlocks}, ${blob}] (N, k_blocks, block_size * bits / 8), got ${b.dtype} [${b.shape.join(', ')}]`);
  if (scales.dtype !== 'float32' || scales.numel !== N * kBlocks) throw node.error(`scales must be float32 with N * k_blocks = ${N * kBlocks} values, got ${scales.dtype} [${scales.shape.join(', ')}]`);
  const zpRow = Math.ceil((kBlocks * bits) / 8);
  if (zp && !((zp.dtype === 'uint8' && zp.numel === N * zpRow) || (zp.dtype === 'float32' && zp.numel === N * kBlocks))) {
    throw node.error(`zero_points must be uint8 with N * ceil(k_blocks * bits / 8) = ${N * zpRow} values or float32 with ${N * kBlocks}, got ${zp.dtype} [${zp.shape.join(', ')}]`);
  }
  let blockOf: ArrayLike<number> | null = null;
  if (gIdx) {
    if (gIdx.numel !== K || (gIdx.dtype !== 'int32' && gIdx.dtype !== 'int64')) throw node.error(`g_idx must be int32 [${K}], got ${gIdx.dtype} [${gIdx.shape.join(', ')}]`);
    blockOf = Array.from(gIdx.toTypedArray() as ArrayLike<number | bigint>, Number);
    const bad = Array.from(blockOf).findIndex((v) => !(v >= 0 && v < kBlocks));
    if (bad >= 0) throw node.error(`g_idx[${bad}] = ${blockOf[bad]} is outside [0, ${kBlocks})`);
  }
  const q = b.toTypedArray() as Uint8Array;
  const s = scales.toFloat32Array();
  const zq = zp?.dtype === 'uint8' ? (zp.toTypedArray() as Uint8Array) : null;
  const zf = zp?.dtype === 'float32' ? zp.toFloat32Array() : null;
  const mask = (1 << bits) - 1;
  const code = (bytes: Uint8Array, base: number, j: number) => (bytes[base + ((j * bits) >> 3)] >> ((j * bits) & 7)) & mask;
  const w = new Float32Array(N * K);
  for (let n = 0; n < N; n++) {
    for (let k = 0; k < K; k++) {
      const blk = blockOf ? blockOf[k] : Math.floor(k / blockSize);
      const within = k % blockSize; // g_idx reorders blocks only: codes stay at their k position
      const v = code(q, (n * kBlocks + Math.floor(k / blockSize)) * blob, within);
      const z = zq ? code(zq, n * zpRow, blk) : zf ? zf[n * kBlocks + blk] : 1 << (bits - 1);
      w[n * K + k] = (v - z) * s[n * kBlocks + blk];
    }
  }
  return w;
}

/** The float32 GEMM weights (bias folded in) for one MatMulNBits node. */
function packNBits(node: OnnxNode, [, b, scales, zp, gIdx, bias]: (Tensor | null)[], engine: Tensor['engine']): PackedWeights {
  const { K, N } = attrs(node);
  if (!b || !scales) throw node.error('inputs B and scales are required');
  if (bias && (bias.dtype !== 'float32' || bias.numel !== N)) throw node.error(`bias must be float32 [${N}], got ${bias.dtype} [${bias.shape.join(', ')}]`);
  const w = Tensor.from(dequantizeNBits(node, b, scales, zp, gIdx), [N, K], 'float32', engine);
  try {
    return PackedWeights.fromOutIn(engine, N, K, w.ptr, bias ? bias.ptr : 0);
  } finally {
    w.dispose();
  }
}

function apply(node: OnnxNode, aIn: Tensor | null, w: PackedWeights): Tensor {
  const { K, N } = attrs(node);
  if (!aIn || aIn.dtype !== 'float32') throw node.error(`A must be float32, got ${aIn ? aIn.dtype : 'nothing'}`);
  if (aIn.ndim === 0 || aIn.shape[aIn.ndim - 1] !== K) throw node.error(`A [${aIn.shape.join(', ')}] must end in K=${K}`);
  const y = Tensor.empty([...aIn.shape.slice(0, -1), N], 'float32', aIn.engine);
  try {
    if (aIn.numel > 0) gemm(aIn.engine, { m: aIn.numel / K, a: aIn.ptr, c: y.ptr }, w);
  } catch (e) {
    y.dispose();
    throw e;
  }
  return y;
}

const MatMulNBits: OpDef = {
  check(node) {
    attrs(node);
  },
  infer(node, [a]) {
    const { N } = attrs(node);
    return [{ dtype: 'float32', shape: a?.shape ? [...a.shape.slice(0, -1), N] : null }];
  },
  run(node, inputs, ctx) {
    const w = packNBits(node, inputs, ctx.engine);
    try {
      return [apply(node, inputs[0], w)];
    } finally {
      w.dispose();
    }
  },
  prepare(node, consts, ctx): PreparedOp | null {
    // every present weight-side input (B, scales, zero_points, g_idx, bias) must be a constant
    for (let i = 1; i <= 5; i++) if (node.input(i) && !consts[i]) return null;
    const w = packNBits(node, consts, ctx.engine);
    return { run: ([a]) => [apply(node, a, w)], dispose: () => w.dispose(), absorbs: [1, 2, 3, 4, 5] };
  },
};

export const matmulNBitsOps: OpTable = { 'com.microsoft.MatMulNBits': MatMulNBits };
