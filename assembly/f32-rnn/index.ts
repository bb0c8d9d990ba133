export { f32_lstm_seq_2x16__wasmsimd } from './f32-lstm-seq-2x16-wasmsimd';
export { f32_gru_seq_2x16__wasmsimd } from './f32-gru-seq-2x16-wasmsimd';
export { f32_rnn_seq_2x16__wasmsimd } from './f32-rnn-seq-2x16-wasmsimd';
export { f32_lstm_seq_2x16__wasmsimd_onnx } from './f32-lstm-seq-2x16-wasmsimd-onnx';
export { f32_gru_seq_2x16__wasmsimd_reseth } from './f32-gru-seq-2x16-wasmsimd-reseth';
export { f32_gru_seq_2x16__wasmsimd_clip } from './f32-gru-seq-2x16-wasmsimd-clip';
export { f32_rnn_seq_2x16__wasmsimd_clip } from './f32-rnn-seq-2x16-wasmsimd-clip';
