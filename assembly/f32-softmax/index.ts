export { f32_softmax_u16__wasmsimd } from './f32-softmax-u16-wasmsimd';
export { f32_logsoftmax_u16__wasmsimd } from './f32-logsoftmax-u16-wasmsimd';
export { f32_softmax_strided_u4__wasmsimd } from './f32-softmax-strided-u4-wasmsimd';
export { f32_logsoftmax_strided_u4__wasmsimd } from './f32-logsoftmax-strided-u4-wasmsimd';
