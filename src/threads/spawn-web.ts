/**
 * Workers for runtimes with the Web Worker API (browsers, Deno, Bun): a module worker started
 * from a Blob URL of the worker source, which needs no file to locate and, in Deno, no
 * --allow-read (a file-URL worker would). A page's CSP must allow `worker-src blob:`.
 */
import { workerSource, type PoolWorker, type SpawnWorker } from './pool.js';

export function webSpawner(): SpawnWorker | undefined {
  if (typeof Worker !== 'function' || typeof Blob !== 'function' || typeof URL.createObjectURL !== 'function') return undefined;
  let url: string | undefined;
  return (): PoolWorker => {
    url ??= URL.createObjectURL(new Blob([workerSource('web')], { type: 'text/javascript' }));
    const w = new Worker(url, { type: 'module' });
    return {
      post: (m) => w.postMessage(m),
      onMessage: (f) => {
        w.onmessage = (e: MessageEvent) => f(e.data as { type: string; message?: string });
        w.onerror = (e: ErrorEvent) => {
          e.preventDefault();
          f({ type: 'error', message: e.message || 'the worker failed to start' });
        };
      },
      terminate: () => w.terminate(),
      // Bun's Worker has unref(); elsewhere engine.dispose() ends the workers.
      unref: typeof (w as unknown as { unref?: () => void }).unref === 'function' ? () => (w as unknown as { unref: () => void }).unref() : undefined,
    };
  };
}
