export { x8_copy_nd6__wasmsimd } from './x8-copy-nd6-wasmsimd';
export { x16_copy_nd6__wasmsimd } from './x16-copy-nd6-wasmsimd';
export { x32_copy_nd6__wasmsimd } from './x32-copy-nd6-wasmsimd';
export { x64_copy_nd6__wasmsimd } from './x64-copy-nd6-wasmsimd';
