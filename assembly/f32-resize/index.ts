export { f32_resize_taps2d__scalar } from './f32-resize-taps2d-scalar';
