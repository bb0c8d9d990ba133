export { f32_layernorm_u16__wasmsimd } from './f32-layernorm-u16-wasmsimd';
