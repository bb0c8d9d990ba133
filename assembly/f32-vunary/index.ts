export { f32_vrelu_u8__wasmsimd } from './f32-vrelu-u8-wasmsimd';
