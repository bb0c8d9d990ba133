/**
 * Streaming compile for fetched packaged builds (browser entry): compiles while downloading when
 * the server sends `Content-Type: application/wasm`. With any other type (a misconfigured server,
 * or an HTML page answered for the URL) the Response goes back to the loader, which reads the
 * bytes, checks the wasm magic (reporting HTML answers) and compiles them: the arrayBuffer fallback.
 */
import { compileError } from '../runtime/loader.js';

export async function compilePackaged(response: Response | PromiseLike<Response>): Promise<WebAssembly.Module | Response> {
  const res = await response;
  const type = res.headers.get('content-type') ?? '';
  if (!res.ok || typeof WebAssembly.compileStreaming !== 'function' || !/^application\/wasm\s*(;|$)/i.test(type)) {
    return res;
  }
  try {
    return await WebAssembly.compileStreaming(res);
  } catch (e) {
    throw compileError(e, res.url || '(a Response)');
  }
}
