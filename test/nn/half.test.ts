/**
 * fp16 storage: loadSafetensors(bytes, { keep: 'f16' }) keeps F16 tensors as float16 (half the
 * bytes); nn.Linear adopts a float16 weight (its parameter stays float16, the fp16-weight GEMM
 * runs) and matches the float32 Linear loaded from the same file widened; other layers widen
 * float16 values into their float32 parameters; F16 round-trips through saveSafetensors.
 */
import { describe, expect, it } from 'vitest';
import { Tensor, nn, loadSafetensors, saveSafetensors } from '../../dist/src/entries/node.js';
import { runnableBuilds, useBuild } from '../helpers/engines.js';
import { Rng } from '../helpers/rng.js';

describe.each(runnableBuilds())('fp16 storage [%s build]', (build) => {
  it('Linear keeps float16 weights and matches the widened float32 Linear', async () => {
    const e = await useBuild(build);
    const src = new nn.Sequential(new nn.Linear(40, 24, {}, e), new nn.ReLU(), new nn.Linear(24, 5, {}, e), new nn.LayerNorm(5, {}, e));
    const bytes = saveSafetensors(src.stateDict(), { floatDtype: 'F16' });
    const kept = loadSafetensors(bytes, { keep: 'f16', engine: e });
    const wide = loadSafetensors(bytes, e);
    expect(kept['0.weight'].dtype).toBe('float16');
    expect(kept['0.weight'].byteLength).toBe(wide['0.weight'].byteLength / 2);
    expect(Array.from(kept['0.weight'].toFloat32Array())).toEqual(Array.from(wide['0.weight'].toFloat32Array()));
    const mk = () => new nn.Sequential(new nn.Linear(40, 24, {}, e), new nn.ReLU(), new nn.Linear(24, 5, {}, e), new nn.LayerNorm(5, {}, e));
    const h = mk().loadStateDict(kept);
    const f = mk().loadStateDict(wide);
    const sd = h.stateDict();
    expect(sd['0.weight'].dtype).toBe('float16');
    expect(sd['2.weight'].dtype).toBe('float16');
    expect(sd['3.weight'].dtype).toBe('float32'); // LayerNorm widens
    const x = Tensor.from(new Rng(9).f32(7 * 40), [7, 40], 'float32', e);
    const yh = h.forward(x).toFloat32Array();
    const yf = f.forward(x).toFloat32Array();
    for (let i = 0; i < yf.length; i++) expect(Math.abs(yh[i] - yf[i]), `index ${i}`).toBeLessThanOrEqual(1e-5 * (1 + Math.abs(yf[i])));
    // round trip: the float16 parameters save as F16 bits unchanged
    const again = loadSafetensors(saveSafetensors(sd), { keep: 'f16', engine: e });
    expect(Array.from(again['0.weight'].toTypedArray())).toEqual(Array.from(kept['0.weight'].toTypedArray()));
    for (const m of [src, h, f]) m.dispose();
  });

  it('a float16 weight with Inf falls back to widened float32 panels (Inf is not lost)', async () => {
    const e = await useBuild(build);
    const lin = new nn.Linear(3, 2, { bias: false }, e);
    const w = Tensor.from(new Uint16Array([0x3c00, 0x7c00, 0, 0x3c00, 0x3c00, 0x3c00]), [2, 3], 'float16', e);
    lin.loadStateDict({ weight: w });
    expect(lin.weight.dtype).toBe('float16');
    const y = lin.forward(Tensor.from([1, 1, 1], [1, 3], 'float32', e)).toFloat32Array();
    expect(y[0]).toBe(Infinity);
    expect(y[1]).toBe(3);
    lin.dispose();
  });
});
