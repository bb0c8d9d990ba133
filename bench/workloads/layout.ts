/** Layout conversions for the peers' inputs, done once in setup (never timed). */

/**
 * A row-major [rows, cols] matrix of `block`-float elements transposed to [cols, rows]
 * (block 1: ONNX MatMul's B, a tfjs Dense kernel; block d: [h, S, d] <-> [S, h, d]).
 */
export function transpose(w: Float32Array, rows: number, cols: number, block = 1): Float32Array {
  const t = new Float32Array(rows * cols * block);
  if (block === 1) {
    for (let j = 0; j < rows; j++) for (let p = 0; p < cols; p++) t[p * rows + j] = w[j * cols + p];
    return t;
  }
  for (let j = 0; j < rows; j++)
    for (let p = 0; p < cols; p++) t.set(w.subarray((j * cols + p) * block, (j * cols + p + 1) * block), (p * rows + j) * block);
  return t;
}

/** [C, H, W] (NCHW, batch 1) -> [H, W, C] (NHWC, tfjs's layout). */
export function toNHWC(x: Float32Array, c: number, h: number, w: number): Float32Array {
  const y = new Float32Array(x.length);
  for (let ci = 0; ci < c; ci++) for (let i = 0; i < h * w; i++) y[i * c + ci] = x[ci * h * w + i];
  return y;
}

/** [H, W, C] -> [C, H, W]. */
export function fromNHWC(y: Float32Array, c: number, h: number, w: number): Float32Array {
  return transpose(y, h * w, c);
}
