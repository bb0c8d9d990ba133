/** Runners for the recurrent ops: rnn (tanh/relu), gru, lstm (golden README "rnn / gru / lstm"). */
import { nn } from '../../../src/api.js';
import { stateDictOf, type GoldenCase, type OpRunner } from '../types.js';

function options(c: GoldenCase) {
  const p = c.params;
  return {
    numLayers: p.num_layers ?? 1,
    bias: p.bias ?? true,
    batchFirst: p.batch_first ?? false,
    bidirectional: p.bidirectional ?? false,
  };
}

function load<M extends nn.Module>(m: M, c: GoldenCase): M {
  m.loadStateDict(stateDictOf(c));
  return m;
}

export const runners: Record<string, OpRunner> = {
  rnn: (c) => {
    const p = c.params;
    const m = load(new nn.RNN(p.input_size, p.hidden_size, { ...options(c), nonlinearity: p.nonlinearity ?? 'tanh' }), c);
    try {
      const [output, h_n] = m.forward(c.tensors.input, c.tensors.h0);
      return { output, h_n };
    } finally {
      m.dispose();
    }
  },
  gru: (c) => {
    const p = c.params;
    const m = load(new nn.GRU(p.input_size, p.hidden_size, options(c)), c);
    try {
      const [output, h_n] = m.forward(c.tensors.input, c.tensors.h0);
      return { output, h_n };
    } finally {
      m.dispose();
    }
  },
  lstm: (c) => {
    const p = c.params;
    const m = load(new nn.LSTM(p.input_size, p.hidden_size, options(c)), c);
    try {
      const hx = c.tensors.h0 ? ([c.tensors.h0, c.tensors.c0] as [typeof c.tensors.h0, typeof c.tensors.c0]) : undefined;
      const [output, [h_n, c_n]] = m.forward(c.tensors.input, hx);
      return { output, h_n, c_n };
    } finally {
      m.dispose();
    }
  },
};
