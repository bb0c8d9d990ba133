export { qd8_f32_qc8w_lstm_seq__wasmsimd, qd8_f32_qc8w_gru_seq__wasmsimd, qd8_f32_qc8w_rnn_seq__wasmsimd } from './qd8-f32-qc8w-rnn-seq-wasmsimd';
