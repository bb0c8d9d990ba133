export { f32_maxpool2d__wasmsimd } from './f32-maxpool2d-wasmsimd';
export { f32_avgpool2d__wasmsimd } from './f32-avgpool2d-wasmsimd';
export { f32_gavgpool_cw__wasmsimd } from './f32-gavgpool-cw-wasmsimd';
export { f32_adaptive_avgpool2d__scalar } from './f32-adaptive-avgpool2d-scalar';
export { f32_adaptive_maxpool2d__scalar } from './f32-adaptive-maxpool2d-scalar';
