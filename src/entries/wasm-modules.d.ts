/** A static `.wasm` import is a compiled module in workerd (and with wrangler's bundler). */
declare module '*.wasm' {
  const module: WebAssembly.Module;
  export default module;
}
