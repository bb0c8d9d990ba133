export { f32_vmulcaddc_cw_u8__wasmsimd } from './f32-vmulcaddc-cw-u8-wasmsimd';
