/**
 * TinyCNN, the golden `model` case `tiny_cnn` rebuilt as a custom module (PyTorch source below):
 *
 *   class TinyCNN(nn.Module):
 *       def __init__(self, in_ch=3, c1=8, c2=16, hw=32, num_classes=10):
 *           self.conv1 = nn.Conv2d(in_ch, c1, kernel_size=3, padding=1); self.bn1 = nn.BatchNorm2d(c1)
 *           self.conv2 = nn.Conv2d(c1, c2, kernel_size=3, padding=1);    self.bn2 = nn.BatchNorm2d(c2)
 *           self.fc = nn.Linear(c2 * (hw // 2 // 2) ** 2, num_classes)
 *       def forward(self, x):
 *           x = F.max_pool2d(F.relu(self.bn1(self.conv1(x))), 2)
 *           x = F.max_pool2d(F.relu(self.bn2(self.conv2(x))), 2)
 *           return self.fc(torch.flatten(x, 1))
 *
 * The submodules carry PyTorch's names, so `new TinyCNN().loadStateDict(loadSafetensors(bytes))`
 * loads `model.state_dict()` unchanged. When it runs, each BatchNorm2d is folded into the conv
 * before it (one convolution with adjusted weights and bias, see src/nn/fusion.ts); the folded
 * convs are rebuilt after every loadStateDict. `foldBatchNorm: false` runs conv then BatchNorm2d.
 */
import { F, nn, type Engine, type Tensor } from '../src/api.js';
// BatchNorm folding is not public API (yet): the example imports it from its module.
import { planFoldedForward, disposeFoldedPlan, type FoldedPlan } from '../src/nn/fusion.js';

export interface TinyCNNOptions {
  inCh?: number;
  c1?: number;
  c2?: number;
  /** Input height = width. */
  hw?: number;
  numClasses?: number;
  /** Fold bn1/bn2 into conv1/conv2 when running (default true). */
  foldBatchNorm?: boolean;
}

export class TinyCNN extends nn.Module {
  readonly conv1: nn.Conv2d;
  readonly bn1: nn.BatchNorm2d;
  readonly conv2: nn.Conv2d;
  readonly bn2: nn.BatchNorm2d;
  readonly fc: nn.Linear;
  readonly foldBatchNorm: boolean;
  /** The two conv(+bn) stages as they run: folded convs, or the original pairs. */
  private plans: FoldedPlan[] = [];

  constructor(options: TinyCNNOptions = {}, engine?: Engine) {
    super(engine);
    const { inCh = 3, c1 = 8, c2 = 16, hw = 32, numClasses = 10 } = options;
    this.foldBatchNorm = options.foldBatchNorm ?? true;
    const e = this.engine;
    this.conv1 = this.registerModule('conv1', new nn.Conv2d(inCh, c1, 3, { padding: 1 }, e));
    this.bn1 = this.registerModule('bn1', new nn.BatchNorm2d(c1, {}, e));
    this.conv2 = this.registerModule('conv2', new nn.Conv2d(c1, c2, 3, { padding: 1 }, e));
    this.bn2 = this.registerModule('bn2', new nn.BatchNorm2d(c2, {}, e));
    const side = Math.floor(Math.floor(hw / 2) / 2);
    this.fc = this.registerModule('fc', new nn.Linear(c2 * side * side, numClasses, {}, e));
    this.onLoad();
  }

  /** x [N, inCh, hw, hw] -> logits [N, numClasses]. */
  forward(x: Tensor): Tensor {
    this.checkLive();
    return this.engine.scope(() => {
      let y = x;
      for (const plan of this.plans) {
        for (const m of plan.steps) y = (m as nn.ForwardModule).forward(y);
        y = F.maxPool2d(F.relu(y), 2);
      }
      return this.fc.forward(F.flatten(y, 1));
    });
  }

  /** Rebuilds the folded convolutions from the (new) parameters. */
  protected override onLoad(): void {
    this.dropPlans();
    const fold = { foldBatchNorm: this.foldBatchNorm };
    this.plans = [planFoldedForward([this.conv1, this.bn1], fold), planFoldedForward([this.conv2, this.bn2], fold)];
  }

  protected override onDispose(): void {
    this.dropPlans();
  }

  private dropPlans(): void {
    for (const p of this.plans) disposeFoldedPlan(p);
    this.plans = [];
  }
}
