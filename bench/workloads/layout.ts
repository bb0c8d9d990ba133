/** Layout conversions for the peers' inputs, done once in setup (never timed). */

/** A row-major [rows, cols] matrix transposed to [cols, rows] (ONNX MatMul's B, a tfjs Dense kernel). */
export function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  const t = new Float32Array(rows * cols);
  for (let j = 0; j < rows; j++) for (let p = 0; p < cols; p++) t[p * rows + j] = w[j * cols + p];
  return t;
}
