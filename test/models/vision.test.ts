/**
 * The torchvision CNNs of the model zoo (src/models/vision/):
 * - the golden cases test/fixtures/realmodel.<name>/ (tools/gen-golden-zoo-vision.py: small widths,
 *   random weights, BatchNorm statistics from a train pass, float64 references) run in
 *   test/nn/golden.test.ts: the conformance runner builds models.<name>(kwargs), loads strictly;
 * - state_dict keys and shapes of the full-size factories against torchvision's
 *   (test/fixtures/zoo-vision-keys.json, same order);
 * - the fused forward (BatchNorm folded, activation in the epilogue) against the modules run one
 *   by one, for ResNet blocks and the activations FoldedConv fuses;
 * - typed errors for bad constructor arguments.
 * Full-size models (tens of MB, not committed): generate them with
 *   /usr/bin/python3 tools/gen-golden-zoo-vision.py --full /tmp/zoo-vision-full
 * and run ZOO_VISION_FULL=/tmp/zoo-vision-full npx vitest run test/models/vision.test.ts.
 */
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { models, nn, Tensor, ArgumentError, ShapeError } from '../../dist/src/entries/node.js';
import { compareTensors } from '../../dist/tools/conformance/compare.js';
import { runCase } from '../../dist/tools/conformance/run-case.js';
import { FoldedConv } from '../../dist/src/nn/fusion.js';
import { runnableBuilds, useBuild } from '../helpers/engines.js';
import { Rng } from '../helpers/rng.js';

type Model = nn.Module & { forward(x: Tensor): Tensor };
type Build = (options: Record<string, never>) => Model;

/** torchvision name -> JS constructor, for the structure checks (the golden cases build theirs in the conformance runner). */
const VISION: Record<string, Build> = Object.fromEntries(['resnet18', 'resnet34', 'resnet50', 'mobilenet_v2', 'mobilenet_v3_small', 'mobilenet_v3_large', 'efficientnet_b0',
  'efficientnet_b1', 'efficientnet_b2', 'efficientnet_b3', 'squeezenet1_0', 'squeezenet1_1', 'shufflenet_v2_x0_5', 'shufflenet_v2_x1_0', 'vit_b_16']
  .map((n) => [n, (o: Record<string, never>) => (models as unknown as Record<string, Build>)[n](o)]));

const fixtures = new URL('../fixtures/', import.meta.url).pathname;

/** The full-size cases of tools/gen-golden-zoo-vision.py --full (flat folder or realmodel.<name>/ folders). */
function fullCases(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.safetensors')).sort().map((f) => join(root, f));
}

describe.each(runnableBuilds())('model zoo, vision [%s build]', (build) => {
  it('fused conv chains (BatchNorm folded; ReLU, ReLU6, Hardtanh, Hardsigmoid in the epilogue; SiLU, Hardswish after) equal the modules run one by one', async () => {
    const e = await useBuild(build);
    const rng = new Rng(1616);
    const acts: (() => nn.Module & { forward(x: Tensor): Tensor })[] = [
      () => new nn.ReLU(), () => new nn.ReLU6(), () => new nn.Hardtanh(-0.5, 0.7), () => new nn.Hardsigmoid(), () => new nn.SiLU(), () => new nn.Hardswish(),
    ];
    // c, o, k, stride, groups, h, w (depthwise, grouped, 1x1, strided, odd sizes)
    const convs: [number, number, number, number, number, number, number][] = [[3, 5, 3, 2, 1, 9, 7], [6, 6, 3, 1, 6, 5, 11], [8, 16, 5, 2, 8, 13, 6], [7, 9, 1, 1, 1, 3, 17], [4, 6, 3, 1, 2, 1, 1]];
    for (const [c, o, k, s, g, h, w] of convs) {
      for (const [ai, act] of [null, ...acts].entries()) {
        e.scope(() => {
          const conv = new nn.Conv2d(c, o, k, { stride: s, padding: Math.floor(k / 2), groups: g, bias: ai % 2 === 0 });
          const bn = ai === 3 ? null : new nn.BatchNorm2d(o, { eps: 1e-3 });
          const a = act ? act() : null;
          if (bn) {
            bn.loadStateDict({
              weight: { data: rng.randn(o).map((v) => 1 + 0.3 * v), shape: [o] }, bias: { data: rng.randn(o), shape: [o] },
              running_mean: { data: rng.randn(o), shape: [o] }, running_var: { data: rng.randn(o).map((v) => 0.5 + v * v), shape: [o] },
            });
          }
          const x = Tensor.from(rng.randn(2 * c * h * w), [2, c, h, w]);
          let ref = conv.forward(x);
          if (bn) ref = bn.forward(ref);
          if (a) ref = a.forward(ref);
          const f = new FoldedConv(conv, bn, a);
          const got = f.forward(x);
          const r = compareTensors('fused', got.toFloat32Array(), got.shape, ref.toFloat32Array(), ref.shape, 2e-5);
          if (r.failure) expect.fail(`seed 1616 conv ${[c, o, k, s, g, h, w]} act ${a?.constructor.name ?? 'none'} bn ${!!bn}: ${r.failure}`);
          // A write into the BatchNorm's statistics is seen by the next forward (the fused copy is rebuilt).
          if (bn) {
            bn.runningMean.data<'float32'>().fill(0.25);
            let ref2 = bn.forward(conv.forward(x));
            if (a) ref2 = a.forward(ref2);
            const got2 = f.forward(x);
            const r2 = compareTensors('refold', got2.toFloat32Array(), got2.shape, ref2.toFloat32Array(), ref2.shape, 2e-5);
            if (r2.failure) expect.fail(`seed 1616 refold after an in-place write: ${r2.failure}`);
          }
          f.dispose();
          for (const m of [conv, bn, a]) m?.dispose();
        });
      }
    }
  });

  it('ResNet BasicBlock / Bottleneck (with downsample, groups, dilation) equal their modules run one by one', async () => {
    const e = await useBuild(build);
    const rng = new Rng(1617);
    const unfused = (blk: nn.Module, x: Tensor, bottleneck: boolean): Tensor => {
      const ch = Object.fromEntries(blk.namedChildren()) as Record<string, nn.Module & { forward(x: Tensor): Tensor }>;
      let y = ch.relu.forward(ch.bn1.forward(ch.conv1.forward(x)));
      y = ch.bn2.forward(ch.conv2.forward(y));
      if (bottleneck) y = ch.bn3.forward(ch.conv3.forward(ch.relu.forward(y)));
      let id = x;
      if (ch.downsample) {
        const [c, b] = [...(ch.downsample as nn.Sequential)] as (nn.Module & { forward(x: Tensor): Tensor })[];
        id = b.forward(c.forward(x));
      }
      return ch.relu.forward(y.add(id));
    };
    const randomize = (m: nn.Module) => {
      const sd: Record<string, { data: ArrayLike<number>; shape: number[] }> = {};
      for (const [k, t] of Object.entries(m.stateDict())) {
        if (k.endsWith('num_batches_tracked')) continue;
        const v = rng.randn(t.numel);
        sd[k] = { data: k.endsWith('running_var') ? v.map((z) => 0.5 + z * z) : k.match(/bn\d\.weight|downsample\.1\.weight/) ? v.map((z) => 1 + 0.2 * z) : v.map((z) => z * (t.ndim > 1 ? 1 / Math.sqrt(t.numel / t.shape[0]) : 0.3)), shape: [...t.shape] };
      }
      m.loadStateDict(sd, { strict: false });
    };
    const cases: [boolean, number, number, number, number, number, number][] = [
      // bottleneck, inplanes, planes, stride, groups, baseWidth, dilation
      [false, 8, 8, 1, 1, 64, 1], [false, 8, 16, 2, 1, 64, 1], [true, 16, 4, 1, 1, 64, 1], [true, 8, 8, 2, 2, 32, 1], [true, 32, 8, 1, 4, 16, 2],
    ];
    for (const [bottleneck, inp, planes, stride, groups, baseWidth, dilation] of cases) {
      e.scope(() => {
        const exp = bottleneck ? 4 : 1;
        const down = stride !== 1 || inp !== planes * exp ? new nn.Sequential(new nn.Conv2d(inp, planes * exp, 1, { stride, bias: false }), new nn.BatchNorm2d(planes * exp)) : null;
        const Block = bottleneck ? models.Bottleneck : models.BasicBlock;
        const blk = new Block(inp, planes, { stride, downsample: down, groups, baseWidth, dilation });
        randomize(blk);
        const x = Tensor.from(rng.randn(2 * inp * 11 * 9), [2, inp, 11, 9]);
        const got = blk.forward(x);
        const ref = unfused(blk, x, bottleneck);
        const r = compareTensors('block', got.toFloat32Array(), got.shape, ref.toFloat32Array(), ref.shape, 2e-5);
        if (r.failure) expect.fail(`seed 1617 ${bottleneck ? 'Bottleneck' : 'BasicBlock'}(${inp}, ${planes}, stride ${stride}, groups ${groups}, baseWidth ${baseWidth}, dilation ${dilation}): ${r.failure}`);
        blk.dispose();
      });
    }
  });
});

describe('model zoo, vision: structure and arguments', () => {
  const keys = JSON.parse(readFileSync(join(fixtures, 'zoo-vision-keys.json'), 'utf8')) as { models: Record<string, [string, number[]][]> };

  it.each(Object.keys(keys.models))('%s has torchvision\'s state_dict keys and shapes, in order', async (name) => {
    await useBuild('simd');
    const m = VISION[name]({});
    try {
      const got = m.namedTensors().map(([k, t]) => [k, [...t.shape]]);
      expect(got).toEqual(keys.models[name]);
      const size = name.startsWith('vit_') ? 224 : 64; // a ViT takes its image_size only
      const y = m.forward(Tensor.zeros([1, 3, size, size]));
      expect(y.shape).toEqual([1, 1000]);
      y.dispose();
    } finally {
      m.dispose();
    }
  }, 120_000);

  it('bad constructor arguments give typed errors naming the argument', async () => {
    await useBuild('simd');
    expect(() => new models.ResNet({ block: 'Basic' as never, layers: [2, 2, 2, 2] })).toThrow(/block must be BasicBlock or Bottleneck/);
    expect(() => new models.ResNet({ block: 'BasicBlock', layers: [2, 2, 2] })).toThrow(ArgumentError);
    expect(() => models.resnet18({ replaceStrideWithDilation: [true] })).toThrow(/replaceStrideWithDilation/);
    expect(() => models.resnet18({ groups: 0 })).toThrow(/groups must be an integer >= 1, got 0/);
    expect(() => models.resnext50_32x4d({ groups: 2 })).toThrow(/groups expected value 32 but got 2/);
    expect(() => new models.BasicBlock(8, 8, { groups: 2 })).toThrow(/BasicBlock only supports groups=1/);
    expect(() => models.mobilenet_v2({ widthMult: 0 })).toThrow(/widthMult must be > 0, got 0/);
    expect(() => models.mobilenet_v2({ invertedResidualSetting: [[1, 16, 1]] })).toThrow(/4-element/);
    expect(() => models.mobilenet_v3_small({ numClasses: 0 })).toThrow(/numClasses must be an integer >= 1, got 0/);
    expect(() => new models.EfficientNet({ invertedResidualSetting: [] })).toThrow(/invertedResidualSetting/);
    expect(() => new models.SqueezeNet({ version: '1_2' as never })).toThrow(/unsupported SqueezeNet version "1_2"/);
    expect(() => new models.ShuffleNetV2({ stagesRepeats: [4, 8], stagesOutChannels: [24, 48, 96, 192, 1024] })).toThrow(/stagesRepeats/);
    expect(() => models.mobilenet_v2(5 as never)).toThrow(/expected an options object, got number/);
    const m = models.squeezenet1_1({ numClasses: 3 });
    expect(() => m.forward(Tensor.zeros([1, 1, 32, 32]))).toThrow(ShapeError);
    m.dispose();
  });
});

const full = process.env.ZOO_VISION_FULL;
describe.skipIf(!full)('model zoo, vision: full-size golden cases (ZOO_VISION_FULL)', () => {
  it.each(fullCases(full ?? ''))('%s', async (file) => {
    await useBuild('simd');
    const r = runCase(new Uint8Array(readFileSync(file)), file);
    console.log(`[simd] ${r.op}/${r.name}: ${r.status} max err ${r.maxError.toExponential(2)}`);
    if (r.status !== 'PASS') expect.fail(`${r.op}/${r.name}: ${r.status} ${r.detail ?? ''}`);
  }, 600_000);
});
