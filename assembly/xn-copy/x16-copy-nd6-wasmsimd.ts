// x16_copy_nd6__wasmsimd: dst[i.d] = src[i.s] over a 6-d index space, elements of 16 bits
// copied as raw bits (bit-exact). Layouts, tile, preconditions and bounds: see copy-nd6.ts.
import { copy_nd6 } from './copy-nd6';

export function x16_copy_nd6__wasmsimd(params: usize, src: usize, dst: usize): void {
  copy_nd6<u16>(params, src, dst);
}
