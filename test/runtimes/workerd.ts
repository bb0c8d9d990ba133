/**
 * Running a check inside workerd: bundle the consumer's worker source the way wrangler does
 * (esbuild-like, conditions workerd/worker/browser, .wasm imports kept as separate wasm modules;
 * rolldown here, since wrangler needs Node 22), write a capnp config that embeds the bundle and
 * every .wasm it imports, serve it on a free loopback port and return the JSON it answers.
 */
import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { rolldown } from 'rolldown';
import { REPO } from './consumer.js';
import { collect, start, stop } from './proc.js';

const WORKERD = join(REPO, 'node_modules/.bin/workerd');

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      s.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

/** A workerd config: the bundled worker plus every .wasm it imports, as compiled wasm modules. */
function capnp(port: number, wasm: string[]): string {
  const mods = wasm.map((w) => `    (name = "${w}", wasm = embed "${w}"),\n`).join('');
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .w) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const w :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "worker.js"),
${mods}  ],
  compatibilityDate = "2026-11-01",
);
`;
}

/** Bundles `dir/entry` into dir/worker.js; returns the .wasm files it imports. */
export async function bundleWorker(dir: string, entry: string): Promise<string[]> {
  const bundle = await rolldown({
    input: join(dir, entry),
    cwd: dir,
    platform: 'neutral',
    resolve: { conditionNames: ['workerd', 'worker', 'browser', 'import', 'default'] },
    external: [/\.wasm$/],
    logLevel: 'silent',
  });
  const { output } = await bundle.write({ file: join(dir, 'worker.js'), format: 'esm' });
  await bundle.close();
  return [...output[0].code.matchAll(/^import \w+ from "\.\/([^"]+\.wasm)";$/gm)].map((m) => m[1]);
}

/** Serves dir/worker.js (with `wasm`) in workerd and returns the JSON of its answer to GET /. */
export async function fetchFromWorkerd(dir: string, wasm: string[]): Promise<unknown> {
  for (let attempt = 0; ; attempt++) {
    const port = await freePort();
    writeFileSync(join(dir, 'config.capnp'), capnp(port, wasm));
    const child = start(WORKERD, ['serve', 'config.capnp'], dir);
    const done = collect(child, 25_000);
    let exited = false;
    void done.then(() => (exited = true));
    let got: unknown;
    try {
      const deadline = Date.now() + 20_000;
      while (got === undefined && !exited && Date.now() < deadline) {
        try {
          const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5_000) });
          const text = await res.text();
          if (res.status !== 200) throw new Error(`workerd answered ${res.status}:\n${text}`);
          got = JSON.parse(text);
        } catch (e) {
          if ((e as Error).message.startsWith('workerd answered')) throw e;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    } finally {
      stop(child);
    }
    const ran = await done;
    if (got !== undefined) return got;
    if (attempt === 0 && /address already in use/i.test(ran.stderr)) continue;
    throw new Error(`workerd did not answer${exited ? ' (it exited)' : ''}\n--- stderr ---\n${ran.stderr}\n--- stdout ---\n${ran.stdout}`);
  }
}
