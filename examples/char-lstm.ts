/**
 * CharLSTM, the golden `model` case `char_lstm` rebuilt as a custom module (PyTorch source below),
 * plus greedy text generation through the streaming LSTM API:
 *
 *   class CharLSTM(nn.Module):
 *       def __init__(self, vocab=40, emb=16, hidden=64, num_layers=2):
 *           self.embedding = nn.Embedding(vocab, emb)
 *           self.lstm = nn.LSTM(emb, hidden, num_layers=num_layers, batch_first=True)
 *           self.fc = nn.Linear(hidden, vocab)
 *       def forward(self, tokens):
 *           y, (h, c) = self.lstm(self.embedding(tokens))
 *           return self.fc(y), h, c
 *
 * State keys as PyTorch's: embedding.weight, lstm.weight_ih_l0 ..., fc.*. The alphabet (token id
 * -> character) is not part of the state dict: pass it as an option to use encode/decode/generate.
 *
 * generate(prefix, n) feeds the prefix one character at a time through `lstm.step()` and then
 * appends the argmax character n times. Everything it needs (the LSTM state, the input frame, the
 * logits) is allocated once per call; a step allocates no engine memory.
 */
import { nn, Tensor, ArgumentError, type Engine } from '../src/api.js';

export interface CharLSTMOptions {
  vocab?: number;
  emb?: number;
  hidden?: number;
  numLayers?: number;
  /** Character of each token id (length vocab); needed by encode/decode/generate. */
  alphabet?: string;
}

export interface GenerateOptions {
  /**
   * Called once per predicted character with the next-character logits [vocab] (a live view, valid
   * during the call) and the number of tokens consumed so far (prefix + generated).
   */
  onLogits?: (logits: Float32Array, consumed: number) => void;
}

export class CharLSTM extends nn.Module {
  readonly embedding: nn.Embedding;
  readonly lstm: nn.LSTM;
  readonly fc: nn.Linear;
  readonly alphabet: string | null;

  constructor(options: CharLSTMOptions = {}, engine?: Engine) {
    super(engine);
    const { vocab = 40, emb = 16, hidden = 64, numLayers = 2 } = options;
    const e = this.engine;
    this.alphabet = options.alphabet ?? null;
    if (this.alphabet !== null && [...this.alphabet].length !== vocab) {
      throw new ArgumentError(`CharLSTM: alphabet has ${[...this.alphabet].length} characters, expected vocab = ${vocab}`);
    }
    this.embedding = this.registerModule('embedding', new nn.Embedding(vocab, emb, {}, e));
    this.lstm = this.registerModule('lstm', new nn.LSTM(emb, hidden, { numLayers, batchFirst: true }, e));
    this.fc = this.registerModule('fc', new nn.Linear(hidden, vocab, {}, e));
  }

  /** tokens [N, T] (int64) -> [logits [N, T, vocab], h_n [L, N, H], c_n [L, N, H]]. */
  forward(tokens: Tensor): [Tensor, Tensor, Tensor] {
    this.checkLive();
    return this.engine.scope(() => {
      const [y, [h, c]] = this.lstm.forward(this.embedding.forward(tokens));
      return [this.fc.forward(y), h, c] as [Tensor, Tensor, Tensor];
    });
  }

  /** Token ids of `text` over the alphabet. */
  encode(text: string): number[] {
    const chars = this.chars('encode');
    return [...text].map((ch, i) => {
      const id = chars.indexOf(ch);
      if (id < 0) throw new ArgumentError(`CharLSTM.encode: character ${JSON.stringify(ch)} at ${i} is not in the alphabet`);
      return id;
    });
  }

  decode(ids: Iterable<number>): string {
    const chars = this.chars('decode');
    return [...ids].map((id) => chars[id] ?? '\uFFFD').join('');
  }

  /**
   * Greedy decoding: feeds `prefix` (at least one character) through lstm.step(), then n times
   * appends the most likely next character (the first one on ties) and feeds it. Returns the n
   * generated characters.
   */
  generate(prefix: string, n: number, options: GenerateOptions = {}): string {
    this.checkLive();
    const ids = this.encode(prefix);
    if (ids.length === 0) throw new ArgumentError('CharLSTM.generate: prefix must have at least one character, got ""');
    if (!Number.isInteger(n) || n < 0) throw new ArgumentError(`CharLSTM.generate: n must be an integer >= 0, got ${n}`);
    const e = this.engine;
    const E = this.embedding.embeddingDim;
    const V = this.fc.outFeatures;
    const state = this.lstm.initState(1);
    const frame = e.keep(Tensor.empty([1, E], 'float32', e));
    const logits = e.keep(Tensor.empty([1, V], 'float32', e));
    const table = new LiveView(this.embedding.weight);
    const frameView = new LiveView(frame);
    const logitsView = new LiveView(logits);
    const feed = (id: number): void => {
      frameView.get().set(table.get().subarray(id * E, id * E + E));
      this.lstm.step(frame, state);
    };
    const out: number[] = [];
    try {
      for (const id of ids) feed(id);
      for (let i = 0; i < n; i++) {
        this.fc.forward(state.output, logits);
        options.onLogits?.(logitsView.get(), ids.length + i);
        const next = argmax(logitsView.get());
        out.push(next);
        if (i + 1 < n) feed(next);
      }
    } finally {
      state.dispose();
      frame.dispose();
      logits.dispose();
    }
    return this.decode(out);
  }

  private chars(op: string): string[] {
    if (this.alphabet === null) throw new ArgumentError(`CharLSTM.${op}: no alphabet (pass { alphabet } to the constructor)`);
    return [...this.alphabet];
  }
}

/** A tensor's data view, re-made only when a memory growth detached the previous one. */
class LiveView {
  private view: Float32Array;
  constructor(private readonly t: Tensor) {
    this.view = t.data<'float32'>();
  }
  get(): Float32Array {
    if (this.view.length === 0) this.view = this.t.data<'float32'>();
    return this.view;
  }
}

function argmax(v: Float32Array): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}
