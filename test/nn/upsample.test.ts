/**
 * nn.Upsample / F.interpolate: reprs as PyTorch's, the modes against small hand-checked cases
 * (the golden cases in test/fixtures/interpolate cover the rest against torch), argument errors.
 */
import { describe, expect, it } from 'vitest';
import { F, nn, Tensor, ArgumentError, ShapeError } from '../../dist/src/entries/node.js';
import { runnableBuilds, useBuild } from '../helpers/engines.js';

describe.each(runnableBuilds())('Upsample and interpolate [%s build]', (build) => {
  it('reprs, nearest and linear values, area = adaptive average, errors', async () => {
    await useBuild(build);
    expect(String(new nn.Upsample({ scaleFactor: 2 }))).toBe('Upsample(scale_factor=2.0, mode=nearest)');
    expect(String(new nn.Upsample({ size: [3, 4], mode: 'bilinear', alignCorners: true }))).toBe('Upsample(size=(3, 4), mode=bilinear)');
    expect(String(new nn.Upsample({ scaleFactor: [2, 1.5], mode: 'bilinear' }))).toBe('Upsample(scale_factor=(2.0, 1.5), mode=bilinear)');
    expect(String(new nn.UpsamplingBilinear2d({ scaleFactor: 2 }))).toBe('UpsamplingBilinear2d(scale_factor=2.0, mode=bilinear)');
    const x = Tensor.from([1, 2, 3, 4], [1, 1, 2, 2]);
    expect(Array.from(new nn.Upsample({ scaleFactor: 2 }).forward(x).toFloat32Array())).toEqual([1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4]);
    expect(Array.from(F.interpolate(x, { size: [3, 3], mode: 'bilinear', alignCorners: true }).toFloat32Array())).toEqual([1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4]);
    const l = Tensor.from([0, 4], [1, 1, 2]);
    expect(Array.from(F.interpolate(l, { scaleFactor: 2, mode: 'linear' }).toFloat32Array())).toEqual([0, 1, 3, 4]);
    expect(Array.from(F.interpolate(x, { size: 1, mode: 'area' }).toFloat32Array())).toEqual([2.5]);
    expect(() => F.interpolate(x, {})).toThrow(ArgumentError);
    expect(() => F.interpolate(x, { size: 2, scaleFactor: 2 })).toThrow(ArgumentError);
    expect(() => F.interpolate(x, { scaleFactor: 2, alignCorners: true })).toThrow(ArgumentError);
    expect(() => F.interpolate(x, { scaleFactor: 2, mode: 'linear' })).toThrow(ShapeError);
    expect(() => F.interpolate(x, { size: [2, 0] })).toThrow(ArgumentError);
    expect(() => F.interpolate(x, { scaleFactor: 2, antialias: true })).toThrow(ArgumentError);
  });
});
