/**
 * Module state: PyTorch dotted keys through Sequential/ModuleList/custom modules, strict and
 * non-strict reports, dtype conversion, buffers (num_batches_tracked, non-persistent), the
 * safetensors round trip of a whole model, and toString() in PyTorch's repr format.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ArgumentError, StateDictError, Tensor, loadSafetensors, nn, saveSafetensors, type Engine } from '../../dist/src/entries/node.js';
import { useBuild } from '../helpers/engines.js';

let e: Engine;
beforeAll(async () => {
  e = await useBuild('simd');
});

/** Test double with nn.Linear's keys and repr; forward is y = x W^T + b in plain JS. */
class Linear extends nn.Module {
  loads = 0;
  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    readonly bias = true,
  ) {
    super();
    this.registerParameter('weight', Tensor.from(new Float32Array(inFeatures * outFeatures).map((_, i) => (i % 5) - 2), [outFeatures, inFeatures]));
    if (bias) this.registerParameter('bias', Tensor.from(new Float32Array(outFeatures).fill(0.5), [outFeatures]));
  }
  forward(x: Tensor): Tensor {
    const w = this.param('weight').toFloat32Array();
    const b = this.bias ? this.param('bias').toFloat32Array() : new Float32Array(this.outFeatures);
    const xs = x.toFloat32Array();
    const rows = xs.length / this.inFeatures;
    const y = new Float32Array(rows * this.outFeatures);
    for (let r = 0; r < rows; r++)
      for (let o = 0; o < this.outFeatures; o++) {
        let s = b[o];
        for (let i = 0; i < this.inFeatures; i++) s += xs[r * this.inFeatures + i] * w[o * this.inFeatures + i];
        y[r * this.outFeatures + o] = s;
      }
    return Tensor.from(y, [...x.shape.slice(0, -1), this.outFeatures]);
  }
  protected onLoad(): void {
    this.loads++;
  }
  protected extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias ? 'True' : 'False'}`;
  }
}

/** Test double with BatchNorm2d's keys: an int64 scalar buffer and a non-persistent one. */
class BatchNorm2d extends nn.Module {
  constructor(readonly n: number) {
    super();
    this.registerParameter('weight', Tensor.full([n], 1));
    this.registerParameter('bias', Tensor.zeros([n]));
    this.registerBuffer('running_mean', Tensor.zeros([n]));
    this.registerBuffer('running_var', Tensor.full([n], 1));
    this.registerBuffer('num_batches_tracked', Tensor.from(new BigInt64Array([0n]), []));
    this.registerBuffer('scratch', Tensor.zeros([n]), false);
  }
  protected optionalStateKeys(): readonly string[] {
    return ['num_batches_tracked'];
  }
  protected extraRepr(): string {
    return `${this.n}, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True`;
  }
}

/** A custom model composing layers, as in the golden `model` cases. */
class Net extends nn.Module {
  readonly features = this.registerModule('features', new nn.Sequential(new Linear(4, 3), new nn.ReLU(), new Linear(3, 2)));
  readonly layers = this.registerModule('layers', new nn.ModuleList([new BatchNorm2d(2), new BatchNorm2d(2)]));
  readonly head = this.registerModule('head', new Linear(2, 1, false));
  forward(x: Tensor): Tensor {
    return this.engine.scope(() => this.head.forward(this.features.forward(x)));
  }
}

const KEYS = [
  'features.0.weight', 'features.0.bias', 'features.2.weight', 'features.2.bias',
  ...[0, 1].flatMap((i) => ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked'].map((k) => `layers.${i}.${k}`)),
  'head.weight',
];

function values(m: nn.Module): Record<string, number[]> {
  return Object.fromEntries(Object.entries(m.stateDict()).map(([k, t]) => [k, Array.from(t.toFloat32Array())]));
}

describe('stateDict / loadStateDict', () => {
  it('uses PyTorch dotted keys in registration order, without non-persistent buffers', () => {
    const net = new Net();
    expect(Object.keys(net.stateDict())).toEqual(KEYS);
    expect(net.stateDict()['layers.1.num_batches_tracked'].dtype).toBe('int64');
    expect(net.stateDict()['layers.1.num_batches_tracked'].shape).toEqual([]);
    net.dispose();
  });

  it('strict: every missing, unexpected and mis-shaped key in one StateDictError, nothing changed', () => {
    const net = new Net();
    const before = values(net);
    const dict: Record<string, unknown> = { ...net.stateDict() };
    delete dict['features.2.bias'];
    delete dict['layers.1.running_var'];
    dict['features.9.weight'] = Tensor.zeros([1]);
    dict['head.weight'] = Tensor.zeros([2, 1]);
    dict['features.0.bias'] = { data: [1, 2], shape: [3] };
    let err: StateDictError | undefined;
    try {
      net.loadStateDict(dict as nn.StateDict);
    } catch (x) {
      err = x as StateDictError;
    }
    expect(err).toBeInstanceOf(StateDictError);
    expect(err!.missing).toEqual(['features.2.bias', 'layers.1.running_var']);
    expect(err!.unexpected).toEqual(['features.9.weight']);
    expect(err!.mismatched).toEqual(['features.0.bias: 2 values for shape [3] (3 elements)', 'head.weight: got [2, 1], expected [1, 2]']);
    expect(err!.message).toBe(
      'Net.loadStateDict: missing keys: features.2.bias, layers.1.running_var. unexpected keys: features.9.weight. ' +
        'mismatched keys: features.0.bias: 2 values for shape [3] (3 elements); head.weight: got [2, 1], expected [1, 2]',
    );
    expect(values(net)).toEqual(before);
    net.dispose();
  });

  it('non-strict: loads the keys it has, skips missing and unexpected ones (checkStateDict lists them), still rejects shape mismatches', () => {
    const net = new Net();
    const dict = { 'features.0.bias': Tensor.from([7, 8, 9], [3]), 'head.weight': { data: [3, 4], shape: [1, 2] }, extra: Tensor.zeros([1]) };
    const report = net.checkStateDict(dict);
    expect(report.unexpectedKeys).toEqual(['extra']);
    expect(report.missingKeys).toEqual(KEYS.filter((k) => k !== 'features.0.bias' && k !== 'head.weight' && !k.endsWith('num_batches_tracked')));
    expect(report.mismatched).toEqual([]);
    expect(() => net.loadStateDict(dict)).toThrow(StateDictError);
    net.loadStateDict(dict, { strict: false });
    expect(values(net)['features.0.bias']).toEqual([7, 8, 9]);
    expect(values(net)['head.weight']).toEqual([3, 4]);
    expect(() => net.loadStateDict({ 'head.weight': Tensor.zeros([2]) }, { strict: false })).toThrow(/mismatched keys: head.weight: got \[2\], expected \[1, 2\]/);
    net.dispose();
  });

  it('converts dtypes like torch copy_ (float -> int64 truncates, int64 -> float), rejects NaN into an integer buffer', () => {
    const bn = new BatchNorm2d(2);
    const sd = (k: string) => bn.stateDict()[k];
    bn.loadStateDict({ num_batches_tracked: Tensor.from([3.9], []), running_mean: Tensor.from(new BigInt64Array([5n, -6n]), [2]) }, { strict: false });
    expect(sd('num_batches_tracked').toTypedArray()).toEqual(new BigInt64Array([3n]));
    expect(Array.from(sd('running_mean').toFloat32Array())).toEqual([5, -6]);
    expect(() => bn.loadStateDict({ num_batches_tracked: Tensor.from([NaN], []) }, { strict: false })).toThrow(/num_batches_tracked: value NaN at index 0 cannot become int64/);
    expect(() => bn.loadStateDict({ num_batches_tracked: { data: [Infinity], shape: [] } }, { strict: false })).toThrow(/cannot become int64/);
    const gone = Tensor.zeros([2]);
    gone.dispose();
    expect(() => bn.loadStateDict({ running_var: gone }, { strict: false })).toThrow(/running_var: the tensor was disposed/);
    bn.dispose();
  });

  it('round-trips a whole model through saveSafetensors/loadSafetensors and repacks each module once per load', () => {
    const a = new Net();
    a.loadStateDict(Object.fromEntries(KEYS.map((k) => [k, { data: Array.from(a.stateDict()[k].toFloat32Array(), (_, i) => i + k.length), shape: a.stateDict()[k].shape }])));
    const file = saveSafetensors(a.stateDict(), { metadata: { format: 'pt' } });
    const b = new Net();
    const lin = b.features.at<Linear>(0);
    const loadsBefore = lin.loads;
    const sd = loadSafetensors(file);
    b.loadStateDict(sd);
    expect(lin.loads).toBe(loadsBefore + 1);
    expect(values(b)).toEqual(values(a));
    for (const t of Object.values(sd)) t.dispose();
    a.dispose();
    b.dispose();
  });

  it('an optional key (BatchNorm num_batches_tracked) may be missing in strict mode and keeps its value', () => {
    const net = new Net();
    const dict: Record<string, unknown> = { ...net.stateDict() };
    delete dict['layers.0.num_batches_tracked'];
    expect(net.checkStateDict(dict as nn.StateDict).missingKeys).toEqual([]);
    dict['layers.1.num_batches_tracked'] = Tensor.from(new BigInt64Array([7n]), []);
    net.loadStateDict(dict as nn.StateDict);
    expect(net.stateDict()['layers.0.num_batches_tracked'].toTypedArray()).toEqual(new BigInt64Array([0n]));
    expect(net.stateDict()['layers.1.num_batches_tracked'].toTypedArray()).toEqual(new BigInt64Array([7n]));
    delete dict['layers.0.running_mean'];
    expect(() => net.loadStateDict(dict as nn.StateDict)).toThrow(/missing keys: layers.0.running_mean$/);
    net.dispose();
  });

  it('rejects member names PyTorch rejects', () => {
    class Bad extends nn.Module {
      constructor(name: string) {
        super();
        this.registerParameter(name, Tensor.zeros([1]));
      }
    }
    expect(() => new Bad('a.b')).toThrow(ArgumentError);
    expect(() => new Bad('')).toThrow(/non-empty string without "\."/);
  });
});

describe('Sequential / ModuleList', () => {
  it('Sequential chains forward, frees the intermediates, indexes like seq[i]', () => {
    const seq = new nn.Sequential(new Linear(4, 3), new nn.ReLU(), new Linear(3, 2));
    expect(seq.length).toBe(3);
    expect(seq.at(-1)).toBe(seq.at(2));
    expect(() => seq.at(3)).toThrow(/index 3 is out of range for 3 modules/);
    const x = Tensor.from([1, -2, 3, -4, 0.5, 0.5, 0.5, 0.5], [2, 4]);
    const before = e.memoryStats().blocks;
    const y = seq.forward(x);
    expect(e.memoryStats().blocks).toBe(before + 1);
    const ref = seq.at<Linear>(2).forward(e.scope(() => seq.at(1).forward(seq.at<Linear>(0).forward(x))));
    expect(y.shape).toEqual([2, 2]);
    expect(Array.from(y.toFloat32Array())).toEqual(Array.from(ref.toFloat32Array()));
    [x, y, ref].forEach((t) => t.dispose());
    expect(() => new nn.Sequential(new Linear(1, 1), 42 as unknown as nn.Module)).toThrow(/Sequential: module 1 must be a Module with a forward\(\), got Number/);
    seq.dispose();
  });

  it('Sequential from an object keeps the names (OrderedDict form); append numbers by position', () => {
    const seq = new nn.Sequential({ fc: new Linear(2, 2), act: new nn.ReLU() });
    seq.append(new Linear(2, 1));
    expect(Object.keys(seq.stateDict())).toEqual(['fc.weight', 'fc.bias', '2.weight', '2.bias']);
    expect([...seq].length).toBe(3);
    seq.dispose();
  });

  it('ModuleList: numbered children, at(), iteration, extend', () => {
    const list = new nn.ModuleList([new Linear(2, 2)]).extend([new Linear(2, 3, false)]);
    expect(list.length).toBe(2);
    expect(list.at(1).outFeatures).toBe(3);
    expect([...list].map((m) => m.inFeatures)).toEqual([2, 2]);
    expect(Object.keys(list.stateDict())).toEqual(['0.weight', '0.bias', '1.weight']);
    list.dispose();
  });
});

describe('toString() in PyTorch repr format', () => {
  it('Sequential of leaves', () => {
    const seq = new nn.Sequential(new Linear(4, 2), new nn.ReLU());
    expect(String(seq)).toBe('Sequential(\n  (0): Linear(in_features=4, out_features=2, bias=True)\n  (1): ReLU()\n)');
    expect(String(new nn.Sequential())).toBe('Sequential()');
    seq.dispose();
  });

  it('nested containers in a custom model', () => {
    const net = new Net();
    expect(String(net)).toBe(
      [
        'Net(',
        '  (features): Sequential(',
        '    (0): Linear(in_features=4, out_features=3, bias=True)',
        '    (1): ReLU()',
        '    (2): Linear(in_features=3, out_features=2, bias=True)',
        '  )',
        '  (layers): ModuleList(',
        '    (0): BatchNorm2d(2, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)',
        '    (1): BatchNorm2d(2, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)',
        '  )',
        '  (head): Linear(in_features=2, out_features=1, bias=False)',
        ')',
      ].join('\n'),
    );
    net.dispose();
  });

  it('multi-line extra repr, and extra repr with children, as PyTorch prints them', () => {
    class Multi extends nn.Module {
      protected extraRepr() {
        return 'a=1\nb=2';
      }
    }
    class WithChild extends nn.Module {
      constructor() {
        super();
        this.registerModule('act', new nn.ReLU());
      }
      protected extraRepr() {
        return 'p=3';
      }
    }
    expect(String(new Multi())).toBe('Multi(\n  a=1\n  b=2\n)');
    expect(String(new WithChild())).toBe('WithChild(\n  p=3\n  (act): ReLU()\n)');
  });
});
