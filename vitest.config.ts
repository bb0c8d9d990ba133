import { defineConfig } from 'vitest/config';

// Tests import the built package (dist/), so `npm test` builds first and tests what ships.
// Node 20 validates relaxed SIMD only with --experimental-wasm-relaxed-simd on the command line
// of the process (it is refused in NODE_OPTIONS), hence execArgv for the forked workers.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    execArgv: ['--experimental-wasm-relaxed-simd'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    reporters: ['default', './test/helpers/summary-reporter.ts'],
  },
});
