export { f32_rsum_u4__wasmsimd } from './f32-rsum-u4-wasmsimd';
export { f32_rsumsq_u4__wasmsimd } from './f32-rsumsq-u4-wasmsimd';
export { f32_rasum_u4__wasmsimd } from './f32-rasum-u4-wasmsimd';
export { f32_rprod_u4__wasmsimd } from './f32-rprod-u4-wasmsimd';
export { f32_rmax_u4__wasmsimd } from './f32-rmax-u4-wasmsimd';
export { f32_rmin_u4__wasmsimd } from './f32-rmin-u4-wasmsimd';
