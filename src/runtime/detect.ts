/**
 * Synchronous feature detection by WebAssembly.validate on tiny modules (the byte arrays are the
 * ones wasm-feature-detect 1.9.0 uses). `threads` also requires that a SharedArrayBuffer can be
 * posted, which is false in workerd and in pages that are not cross-origin isolated.
 */
const SIMD = [0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11];
const RELAXED = [0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 15, 1, 13, 0, 65, 1, 253, 15, 65, 2, 253, 15, 253, 128, 2, 11];
const THREADS = [0, 97, 115, 109, 1, 0, 0, 0, 1, 4, 1, 96, 0, 0, 3, 2, 1, 0, 5, 4, 1, 3, 1, 1, 10, 11, 1, 9, 0, 65, 0, 254, 16, 2, 0, 26, 11];

export interface Features {
  simd: boolean;
  relaxedSimd: boolean;
  threads: boolean;
}

function validates(bytes: number[]): boolean {
  try {
    return typeof WebAssembly === 'object' && WebAssembly.validate(new Uint8Array(bytes));
  } catch {
    return false;
  }
}

function sabPostable(): boolean {
  try {
    if (typeof SharedArrayBuffer !== 'function' || typeof MessageChannel !== 'function') return false;
    const c = new MessageChannel();
    c.port1.postMessage(new SharedArrayBuffer(1));
    c.port1.close();
    c.port2.close();
    return true;
  } catch {
    return false;
  }
}

let cached: Features | undefined;

export function detectFeatures(): Features {
  cached ??= {
    simd: validates(SIMD),
    relaxedSimd: validates(RELAXED),
    threads: validates(THREADS) && sabPostable(),
  };
  return { ...cached };
}
