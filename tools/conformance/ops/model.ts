/**
 * Runner for the golden `model` op (whole small networks): one builder per `params.model`, each
 * built from the public API. Families add their network here, one entry per model.
 */
import { F, nn, Tensor } from '../../../src/api.js';
import { Unsupported, type GoldenCase, type OpRunner } from '../types.js';

/** Tensors of the case whose key starts with `prefix`, with the prefix removed. */
function sub(c: GoldenCase, prefix: string): Record<string, Tensor> {
  return Object.fromEntries(c.stateDict.filter((k) => k.startsWith(prefix)).map((k) => [k.slice(prefix.length), c.tensors[k]]));
}

/** embedding + learned positions -> TransformerEncoder (post-norm, relu) -> mean over T -> Linear. */
function tinyTransformerClassifier(c: GoldenCase): Record<string, Tensor> {
  const k = c.params.kwargs;
  const tokens = c.tensors.input;
  const [N, T] = tokens.shape;
  const d = k.d_model;
  const emb = new nn.Embedding(k.vocab, d);
  const layer = new nn.TransformerEncoderLayer(d, k.nhead, { dimFeedforward: k.dim_feedforward, dropout: 0, batchFirst: true });
  const enc = new nn.TransformerEncoder(layer, k.num_layers);
  const fc = new nn.Linear(d, k.num_classes);
  try {
    emb.loadStateDict(sub(c, 'embedding.'));
    enc.loadStateDict(sub(c, 'encoder.'));
    fc.loadStateDict(sub(c, 'classifier.'));
    const pos = Tensor.from(c.tensors.pos_embedding.toFloat32Array().subarray(0, T * d), [T, d]);
    const x = F.add(emb.forward(tokens), pos);
    const y = enc.forward(x).toFloat32Array();
    const mean = new Float32Array(N * d);
    for (let n = 0; n < N; n++) for (let t = 0; t < T; t++) for (let j = 0; j < d; j++) mean[n * d + j] += y[(n * T + t) * d + j] / T;
    return { output: fc.forward(Tensor.from(mean, [N, d])) };
  } finally {
    for (const m of [emb, layer, enc, fc]) m.dispose();
  }
}

/** (conv3x3 p1 -> BatchNorm2d -> ReLU -> MaxPool2d(2)) x2 -> flatten (NCHW) -> Linear. */
function tinyCnn(c: GoldenCase): Record<string, Tensor> {
  const k = c.params.kwargs;
  const side = Math.floor(Math.floor(k.hw / 2) / 2);
  const conv1 = new nn.Conv2d(k.in_ch, k.c1, 3, { padding: 1 });
  const bn1 = new nn.BatchNorm2d(k.c1);
  const conv2 = new nn.Conv2d(k.c1, k.c2, 3, { padding: 1 });
  const bn2 = new nn.BatchNorm2d(k.c2);
  const fc = new nn.Linear(k.c2 * side * side, k.num_classes);
  try {
    for (const [m, p] of [[conv1, 'conv1.'], [bn1, 'bn1.'], [conv2, 'conv2.'], [bn2, 'bn2.'], [fc, 'fc.']] as const) m.loadStateDict(sub(c, p));
    let x = F.maxPool2d(F.relu(bn1.forward(conv1.forward(c.tensors.input))), 2);
    x = F.maxPool2d(F.relu(bn2.forward(conv2.forward(x))), 2);
    return { output: fc.forward(F.flatten(x, 1)) };
  } finally {
    for (const m of [conv1, bn1, conv2, bn2, fc]) m.dispose();
  }
}

/** embedding -> multi-layer batch-first LSTM -> Linear to vocabulary logits; also h_n, c_n. */
function charLstm(c: GoldenCase): Record<string, Tensor> {
  const k = c.params.kwargs;
  const emb = new nn.Embedding(k.vocab, k.emb);
  const lstm = new nn.LSTM(k.emb, k.hidden, { numLayers: k.num_layers, batchFirst: true });
  const fc = new nn.Linear(k.hidden, k.vocab);
  try {
    emb.loadStateDict(sub(c, 'embedding.'));
    lstm.loadStateDict(sub(c, 'lstm.'));
    fc.loadStateDict(sub(c, 'fc.'));
    const [y, [h, cn]] = lstm.forward(emb.forward(c.tensors.input));
    return { output: fc.forward(y), h_n: h, c_n: cn };
  } finally {
    for (const m of [emb, lstm, fc]) m.dispose();
  }
}

const MODELS: Record<string, (c: GoldenCase) => Record<string, Tensor>> = {
  tiny_transformer_classifier: tinyTransformerClassifier,
  tiny_cnn: tinyCnn,
  char_lstm: charLstm,
};

export const runners: Record<string, OpRunner> = {
  model: (c) => {
    const build = MODELS[c.params.model];
    if (!build) throw new Unsupported(`model ${String(c.params.model)} has no builder in tools/conformance/ops/model.ts yet`);
    return build(c);
  },
};
