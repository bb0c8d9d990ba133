/**
 * TinyTransformerClassifier, the golden `model` case `tiny_transformer_classifier` rebuilt as a
 * custom module (PyTorch source below):
 *
 *   class TinyTransformerClassifier(nn.Module):
 *       def __init__(self, vocab=50, d_model=32, nhead=4, dim_feedforward=64, num_layers=2, max_len=64, num_classes=5):
 *           self.embedding = nn.Embedding(vocab, d_model)
 *           self.pos_embedding = nn.Parameter(torch.randn(max_len, d_model) * 0.1)
 *           layer = nn.TransformerEncoderLayer(d_model, nhead, dim_feedforward, dropout=0.0, batch_first=True)
 *           self.encoder = nn.TransformerEncoder(layer, num_layers, enable_nested_tensor=False)
 *           self.classifier = nn.Linear(d_model, num_classes)
 *       def forward(self, tokens):
 *           x = self.embedding(tokens) + self.pos_embedding[: tokens.shape[1]]
 *           return self.classifier(self.encoder(x).mean(dim=1))
 *
 * State keys as PyTorch's: pos_embedding, embedding.weight, encoder.layers.N.*, classifier.*.
 * `embed(tokens)` is the encoder's input (what the first layer's self-attention sees).
 */
import { F, nn, Tensor, ShapeError, type Engine } from '../src/api.js';

export interface TinyTransformerClassifierOptions {
  vocab?: number;
  dModel?: number;
  nhead?: number;
  dimFeedforward?: number;
  numLayers?: number;
  maxLen?: number;
  numClasses?: number;
}

export class TinyTransformerClassifier extends nn.Module {
  readonly posEmbedding: Tensor;
  readonly embedding: nn.Embedding;
  readonly encoder: nn.TransformerEncoder;
  readonly classifier: nn.Linear;
  readonly dModel: number;
  readonly maxLen: number;

  constructor(options: TinyTransformerClassifierOptions = {}, engine?: Engine) {
    super(engine);
    const { vocab = 50, dModel = 32, nhead = 4, dimFeedforward = 64, numLayers = 2, maxLen = 64, numClasses = 5 } = options;
    const e = this.engine;
    this.dModel = dModel;
    this.maxLen = maxLen;
    // Registered in PyTorch's order (parameters of the module itself come first in its state_dict).
    this.posEmbedding = this.registerParameter('pos_embedding', Tensor.zeros([maxLen, dModel], 'float32', e));
    this.embedding = this.registerModule('embedding', new nn.Embedding(vocab, dModel, {}, e));
    // As in PyTorch, `layer` is a template the encoder copies; it is not a submodule.
    const layer = new nn.TransformerEncoderLayer(dModel, nhead, { dimFeedforward, dropout: 0, batchFirst: true }, e);
    try {
      this.encoder = this.registerModule('encoder', new nn.TransformerEncoder(layer, numLayers, {}, e));
    } finally {
      layer.dispose();
    }
    this.classifier = this.registerModule('classifier', new nn.Linear(dModel, numClasses, {}, e));
  }

  /** embedding(tokens) + pos_embedding[:T]: the encoder input [N, T, dModel] for int64 tokens [N, T]. */
  embed(tokens: Tensor): Tensor {
    this.checkLive();
    if (tokens.ndim !== 2) throw new ShapeError(`TinyTransformerClassifier: tokens must be [N, T], got [${tokens.shape.join(', ')}]`);
    const T = tokens.shape[1];
    if (T > this.maxLen) throw new ShapeError(`TinyTransformerClassifier: ${T} tokens, expected at most maxLen ${this.maxLen}`);
    return this.engine.scope(() => {
      const first = Tensor.from(this.posEmbedding.data<'float32'>().slice(0, T * this.dModel), [T, this.dModel], 'float32', this.engine);
      return F.add(this.embedding.forward(tokens), first);
    });
  }

  /** tokens [N, T] (int64) -> class logits [N, numClasses]. */
  forward(tokens: Tensor): Tensor {
    return this.engine.scope(() => {
      const y = this.encoder.forward(this.embed(tokens));
      return this.classifier.forward(meanOverTime(y));
    });
  }
}

/** x [N, T, D] -> mean over T [N, D] (summed in float64, rounded once). */
function meanOverTime(x: Tensor): Tensor {
  const [N, T, D] = x.shape;
  const v = x.data<'float32'>();
  const acc = new Float64Array(N * D);
  for (let n = 0; n < N; n++) for (let t = 0; t < T; t++) for (let j = 0; j < D; j++) acc[n * D + j] += v[(n * T + t) * D + j];
  for (let i = 0; i < acc.length; i++) acc[i] /= T;
  return Tensor.from(acc, [N, D], 'float32', x.engine);
}
