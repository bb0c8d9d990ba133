/** Runners for the recurrent ops: rnn (tanh/relu), gru, lstm (golden README "rnn / gru / lstm"). */
import { nn, type Tensor } from '../../../src/api.js';
import { stateDictOf, type GoldenCase, type OpRunner } from '../types.js';

type Kind = 'rnn' | 'gru' | 'lstm';

function build(kind: Kind, c: GoldenCase): nn.RNN | nn.GRU | nn.LSTM {
  const p = c.params;
  const o = { numLayers: p.num_layers ?? 1, bias: p.bias ?? true, batchFirst: p.batch_first ?? false, bidirectional: p.bidirectional ?? false };
  if (kind === 'lstm') return new nn.LSTM(p.input_size, p.hidden_size, o);
  if (kind === 'gru') return new nn.GRU(p.input_size, p.hidden_size, o);
  return new nn.RNN(p.input_size, p.hidden_size, { ...o, nonlinearity: p.nonlinearity ?? 'tanh' });
}

function runner(kind: Kind): OpRunner {
  return (c): Record<string, Tensor> => {
    const m = build(kind, c);
    try {
      m.loadStateDict(stateDictOf(c));
      const t = c.tensors;
      if (m instanceof nn.LSTM) {
        const [output, [h_n, c_n]] = m.forward(t.input, t.h0 ? ([t.h0, t.c0] as [Tensor, Tensor]) : undefined);
        return { output, h_n, c_n };
      }
      const [output, h_n] = m.forward(t.input, t.h0);
      return { output, h_n };
    } finally {
      m.dispose();
    }
  };
}

export const runners: Record<string, OpRunner> = { rnn: runner('rnn'), gru: runner('gru'), lstm: runner('lstm') };
