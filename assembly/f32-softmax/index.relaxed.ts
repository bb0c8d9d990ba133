export { f32_softmax_u16__wasmrelaxedsimd_fma } from './f32-softmax-u16-wasmrelaxedsimd-fma';
export { f32_logsoftmax_u16__wasmrelaxedsimd_fma } from './f32-logsoftmax-u16-wasmrelaxedsimd-fma';
