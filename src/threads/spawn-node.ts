/**
 * Workers for Node (worker_threads): the worker source is run with `eval: true`, so no file has
 * to be located next to a bundle. Workers are unref'd: they never keep the process alive.
 */
import { Worker } from 'node:worker_threads';
import { workerSource, type PoolWorker, type SpawnWorker } from './pool.js';

export const nodeSpawner: SpawnWorker = (): PoolWorker => {
  const w = new Worker(workerSource('node'), { eval: true });
  return {
    post: (m) => w.postMessage(m),
    onMessage: (f) => {
      w.on('message', f);
      w.on('error', (e: Error) => f({ type: 'error', message: e.message }));
      w.on('exit', (code: number) => f({ type: 'error', message: `the worker exited (code ${code})` }));
    },
    terminate: () => void w.terminate(),
    unref: () => w.unref(),
  };
};
