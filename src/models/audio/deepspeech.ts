/**
 * torchaudio.models.DeepSpeech(n_feature, n_hidden=2048, n_class=40, dropout=0.0) as
 * `models.DeepSpeech({ nFeature, nHidden, nClass, dropout })`, loading torchaudio's state_dict
 * unchanged (fc1..fc4.fc.*, bi_rnn.*_l0[_reverse], out.*).
 *
 *   x [N, 1, T, F] -> fc1, fc2, fc3 (Linear, relu, hardtanh(0, 20): one clamp(0, 20) in the GEMM
 *   epilogue) -> squeeze(1) -> [T, N, H] -> bidirectional relu RNN -> forward half + reverse half
 *   -> fc4 -> out (Linear) -> [N, T, n_class] -> log_softmax over classes.
 * Dropout is inactive (inference).
 */
import { Module } from '../../nn/module.js';
import { Linear } from '../../nn/linear.js';
import { RNN } from '../../nn/rnn.js';
import { Tensor } from '../../tensor.js';
import type { Engine } from '../../runtime/engine.js';
import { ShapeError, fmtShape } from '../../runtime/errors.js';
import { expectInt, expectNumber, expectTensor } from '../../ops/check.js';
import { add } from '../../ops/binary.js';
import { logSoftmax } from '../../ops/softmax.js';

export interface DeepSpeechOptions {
  /** Input features per frame (torchaudio's n_feature). */
  nFeature: number;
  /** Hidden units (default 2048). */
  nHidden?: number;
  /** Output classes (default 40). */
  nClass?: number;
  /** Ignored: inference only (default 0). */
  dropout?: number;
}

/** torchaudio's FullyConnected: clamp(fc(x), 0, relu_max_clip) (relu then hardtanh(0, clip)). */
export class FullyConnected extends Module {
  readonly fc: Linear;

  constructor(nFeature: number, nHidden: number, readonly reluMaxClip = 20, engine?: Engine) {
    super(engine);
    this.fc = this.registerModule('fc', new Linear(nFeature, nHidden, { bias: true }, engine));
  }

  forward(x: Tensor): Tensor {
    return this.fc.forwardFused(x, { clamp: [0, this.reluMaxClip] });
  }
}

export class DeepSpeech extends Module {
  readonly nFeature: number;
  readonly nHidden: number;
  readonly nClass: number;
  readonly fc1: FullyConnected;
  readonly fc2: FullyConnected;
  readonly fc3: FullyConnected;
  readonly biRnn: RNN;
  readonly fc4: FullyConnected;
  readonly out: Linear;

  constructor(options: DeepSpeechOptions, engine?: Engine) {
    super(engine);
    const op = 'DeepSpeech';
    this.nFeature = expectInt(op, 'nFeature', options?.nFeature, 1);
    this.nHidden = expectInt(op, 'nHidden', options.nHidden ?? 2048, 1);
    this.nClass = expectInt(op, 'nClass', options.nClass ?? 40, 1);
    expectNumber(op, 'dropout', options.dropout ?? 0);
    const H = this.nHidden;
    this.fc1 = this.registerModule('fc1', new FullyConnected(this.nFeature, H, 20, engine));
    this.fc2 = this.registerModule('fc2', new FullyConnected(H, H, 20, engine));
    this.fc3 = this.registerModule('fc3', new FullyConnected(H, H, 20, engine));
    this.biRnn = this.registerModule('bi_rnn', new RNN(H, H, { numLayers: 1, nonlinearity: 'relu', bidirectional: true }, engine));
    this.fc4 = this.registerModule('fc4', new FullyConnected(H, H, 20, engine));
    this.out = this.registerModule('out', new Linear(H, this.nClass, { bias: true }, engine));
  }

  /** x [batch, channel, time, feature] (channel 1) -> log-probabilities [batch, time, n_class]. */
  forward(x: Tensor): Tensor {
    this.checkLive();
    const op = 'DeepSpeech.forward';
    expectTensor(op, 'x', x);
    if (x.ndim !== 4 || x.shape[1] !== 1 || x.shape[3] !== this.nFeature) {
      throw new ShapeError(`${op}: x must be [batch, 1, time, ${this.nFeature}], got ${fmtShape(x.shape)}`);
    }
    return this.engine.scope(() => {
      let h = this.fc3.forward(this.fc2.forward(this.fc1.forward(x))); // [N, 1, T, H]
      h = h.squeeze(1).transpose(0, 1); // [T, N, H]
      const [y] = this.biRnn.forward(h); // [T, N, 2H]
      const H = this.nHidden;
      const s = add(y.narrow(2, 0, H), y.narrow(2, H, H));
      const logits = this.out.forward(this.fc4.forward(s)); // [T, N, C]
      return logSoftmax(logits.permute(1, 0, 2), 2);
    });
  }
}
