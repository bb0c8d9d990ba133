// f32_qd8_convert_u16__wasmsimd: dynamic per-row quantization of f32 rows to 7-bit codes
//   (x ~= s * (q - zp), q in 0..127; the exact rule, NaN/Inf/all-zero handling and layouts are in
//   assembly/qd8-f32-qc8w-gemm/common.ts). The GEMM drivers run the same routine on their own
//   workspace; this export serves the tests and ops that quantize once and reuse the codes.
// Operands: x f32 m rows of k, leading dimension ldx (elements); q u8 m rows of kp bytes
//   (kp >= k, multiple of 4; codes past k are 0); qp 8 bytes per row {f32 s, i32 zp}.
// Tile: 16 floats per step, then 4, then scalar. Preconditions: m, k >= 1, ldx >= k, kp >= k,
//   kp % 4 == 0. Reads exactly each row's k floats; writes m*kp + 8m bytes.
import { quantize_rows_u7 } from '../qd8-f32-qc8w-gemm/common';

export function f32_qd8_convert_u16__wasmsimd(m: usize, k: usize, x: usize, ldx: usize, kp: usize, q: usize, qp: usize): void {
  assert(m >= 1 && k >= 1 && ldx >= k && kp >= k && (kp & 3) == 0);
  quantize_rows_u7(m, k, x, ldx, kp, q, qp);
}
