/**
 * Bun entry: Bun reads files like Node (`import x from './x.wasm'` is a path string there, and
 * `import source` is a syntax error), so it shares the Node entry's loading: package.json points
 * the `bun` condition at the Node bundle (entries/node.min.js); this file gives its types.
 */
export * from './node.js';
