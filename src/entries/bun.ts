/**
 * Bun entry: Bun reads files like Node (`import x from './x.wasm'` is a path string there, and
 * `import source` is a syntax error), so it shares the Node entry's loading.
 */
export * from './node.js';
