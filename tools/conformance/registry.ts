/**
 * op id -> runner. Each family registers its runners in tools/conformance/ops/<family>.ts and
 * adds one spread line here.
 */
import type { OpRunner } from './types.js';
import { runners as elementwise } from './ops/elementwise.js';
import { runners as attention } from './ops/attention.js';
import { runners as model } from './ops/model.js';
import { runners as linear } from './ops/linear.js';
import { runners as rnn } from './ops/rnn.js';
import { runners as conv } from './ops/conv.js';
import { runners as data } from './ops/data.js';
import { runners as layers } from './ops/layers.js';

export const RUNNERS: Record<string, OpRunner> = {
  ...elementwise,
  ...attention,
  ...model,
  ...linear,
  ...rnn,
  ...conv,
  ...data,
  ...layers,
};
