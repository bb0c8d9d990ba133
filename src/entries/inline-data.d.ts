/** Generated into dist by tools/build-entries.mjs: each build's wasm as base64. */
export declare const simd: string;
export declare const relaxed: string;
