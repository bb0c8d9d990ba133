// ABI helpers shared by every build.
// heap_base(): first byte of linear memory free for the TypeScript arena (after static data).
// abi_version(): bumped whenever an export's signature or a packed layout changes; the loader
// compares it with the version the TypeScript side was written for and refuses a mismatch.

export function heap_base(): usize {
  return __heap_base;
}

export function abi_version(): i32 {
  return 1;
}
