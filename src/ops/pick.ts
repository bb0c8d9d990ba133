/**
 * Kernel choice by build: the relaxed build carries `__wasmrelaxedsimd_fma` twins of some
 * kernels (same contract and error bounds, relaxed_madd inside); every other build uses the
 * baseline kernel.
 */
import type { Engine } from '../runtime/engine.js';

export function fmaTwin<K>(e: Engine, relaxed: K | undefined, base: K): K {
  return e.relaxed && relaxed ? relaxed : base;
}
