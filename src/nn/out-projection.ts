/**
 * The output projection of nn.MultiheadAttention, named as PyTorch names its class
 * (`NonDynamicallyQuantizableLinear`, a Linear) so the module tree prints the same and its keys
 * come out as `out_proj.weight` / `out_proj.bias`. As in PyTorch's MHA init, the bias starts at 0.
 */
import { Linear } from './linear.js';
import { getEngine, type Engine } from '../runtime/engine.js';

export class NonDynamicallyQuantizableLinear extends Linear {
  constructor(inFeatures: number, outFeatures: number, bias = true, engine: Engine = getEngine()) {
    super(inFeatures, outFeatures, { bias }, engine);
    if (this.bias) {
      this.bias.data<'float32'>().fill(0);
      this.repack();
    }
  }
}
