import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createEngine, InitError, ArgumentError, KernelAssertError, detectFeatures } from '../../dist/src/entries/node.js';
import { makeEntry } from '../../dist/src/runtime/entry.js';

const wasmUrl = (b: string) => new URL(`../../dist/wasm/simdnn-${b}.wasm`, import.meta.url);
const bytes = (b: string) => new Uint8Array(readFileSync(wasmUrl(b)));

describe('loader: sources', () => {
  it('accepts nothing, bytes, a compiled Module, a Response, a path and a file URL', async () => {
    const fromDefault = await createEngine();
    expect(['simd', 'relaxed']).toContain(fromDefault.info().build);
    const fromBytes = await createEngine(bytes('simd'));
    expect(fromBytes.info().build).toBe('simd');
    const mod = new WebAssembly.Module(bytes('simd'));
    const fromModule = await createEngine({ module: mod });
    expect(fromModule.info().reason).toMatch(/caller supplied/);
    const res = new Response(bytes('simd'), { headers: { 'content-type': 'application/wasm' } });
    expect((await createEngine(res)).info().build).toBe('simd');
    expect((await createEngine(wasmUrl('simd').pathname)).info().build).toBe('simd');
    expect((await createEngine(wasmUrl('simd'))).info().build).toBe('simd');
    expect((await createEngine({ source: { simd: bytes('simd') }, simd: 'simd' })).info().build).toBe('simd');
  });

  it('an HTML answer is reported with the URL and the content type, not a cryptic compile error', async () => {
    const html = new Response('<!DOCTYPE html><html><body>Not found</body></html>', { headers: { 'content-type': 'text/html' } });
    const err = await createEngine(html).catch((e) => e);
    expect(err).toBeInstanceOf(InitError);
    expect(err.message).toMatch(/3c 21 44 4f.*expected 00 61 73 6d.*content-type was text\/html.*HTML/);
  });

  it('an HTTP error status is reported', async () => {
    const err = await createEngine(new Response('nope', { status: 404, statusText: 'Not Found' })).catch((e) => e);
    expect(err).toBeInstanceOf(InitError);
    expect(err.message).toMatch(/HTTP 404/);
  });

  it('garbage bytes, bad options and missing files are typed errors', async () => {
    await expect(createEngine(new Uint8Array([1, 2, 3]))).rejects.toThrow(/not a WebAssembly file/);
    await expect(createEngine({ simd: 'fast' as never })).rejects.toThrow(ArgumentError);
    await expect(createEngine('/nonexistent/simdnn.wasm')).rejects.toThrow(/could not read the wasm at \/nonexistent/);
    await expect(createEngine({ maxMemoryBytes: 1000 })).rejects.toThrow(/maxMemoryBytes/);
  });

  it('init is idempotent and a failure stays failed', async () => {
    let calls = 0;
    const good = makeEntry({ locate: () => (calls++, bytes('simd')), fetchUrl: async () => new ArrayBuffer(0) });
    const [a, b] = await Promise.all([good.init(), good.init()]);
    expect(a).toBe(b);
    expect(await good.init()).toBe(a);
    expect(calls).toBe(1);
    const bad = makeEntry({ locate: () => new Uint8Array([60, 33, 68, 79, 67, 84, 89, 80, 69]), fetchUrl: async () => new ArrayBuffer(0) });
    const e1 = await bad.init().catch((e) => e);
    const e2 = await bad.init().catch((e) => e);
    expect(e1).toBeInstanceOf(InitError);
    expect(e2).toBe(e1);
  });

  it('initSync takes a Module or bytes', () => {
    const s = makeEntry({ locate: () => bytes('simd'), fetchUrl: async () => new ArrayBuffer(0) });
    const e = s.initSync(bytes('simd'));
    expect(e.info().build).toBe('simd');
    expect(s.initSync(bytes('simd'))).toBe(e);
    const s2 = makeEntry({ locate: () => bytes('simd'), fetchUrl: async () => new ArrayBuffer(0) });
    expect(() => s2.initSync('file.wasm')).toThrow(/initSync: pass a compiled WebAssembly.Module or the wasm bytes/);
  });
});

describe('loader: builds', () => {
  it('auto picks relaxed where it validates, and says why', async () => {
    const e = await createEngine();
    const f = detectFeatures();
    expect(e.info().build).toBe(f.relaxedSimd ? 'relaxed' : 'simd');
    expect(e.info().reason).toMatch(/^auto:/);
  });

  it('Node 20 without the flag runs the simd build and refuses an explicit relaxed request', () => {
    const script = `
      const m = await import(${JSON.stringify(new URL('../../dist/src/entries/node.js', import.meta.url).href)});
      const e = await m.createEngine();
      let err = '';
      try { await m.createEngine({ simd: 'relaxed' }); } catch (x) { err = x.name + ': ' + x.message; }
      console.log(JSON.stringify({ build: e.info().build, err }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout.trim());
    expect(out.build).toBe('simd');
    expect(out.err).toMatch(/InitError: .*relaxed SIMD.*--experimental-wasm-relaxed-simd/);
  });

  it('the debug build turns a kernel assert into a KernelAssertError with file and line', async () => {
    const e = await createEngine({ debug: true });
    expect(e.info().build).toBe('debug');
    let err: unknown;
    try {
      e.k.f32_vrelu_u8__wasmsimd(0, 16, 16);
    } catch (x) {
      err = x;
    }
    expect(err).toBeInstanceOf(KernelAssertError);
    expect((err as Error).message).toMatch(/f32_vrelu_u8__wasmsimd: kernel assert failed: f32_vrelu: n must be >= 1 at .*f32-vrelu-u8-wasmsimd\.ts:\d+/);
    // the engine is still usable
    const p = e.arena.alloc(16);
    e.arena.f32(p, 4).set([-1, 1, -2, 2]);
    e.k.f32_vrelu_u8__wasmsimd(4, p, p);
    expect(Array.from(e.arena.f32(p, 4))).toEqual([0, 1, 0, 2]);
  });
});
