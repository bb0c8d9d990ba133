/**
 * npm run playground: builds the browser playground (tools/build-playground.mjs: static files in
 * dist/playground-site/) and serves it on http://127.0.0.1:8080 (--port N to change, --build-only to
 * stop after the build: deploy dist/playground-site/ to any static host).
 */
import { parseArgs } from 'node:util';
import { serveDirectory } from './static-server.js';

const { values } = parseArgs({ options: { port: { type: 'string', default: '8080' }, 'build-only': { type: 'boolean', default: false } } });
// A plain .mjs build script (rolldown), loaded at run time so tsc does not compile it.
const buildScript = new URL('../../tools/build-playground.mjs', import.meta.url).href;
const { buildPlayground } = (await import(buildScript)) as { buildPlayground(): Promise<string> };
const dir = await buildPlayground();
console.log(`playground: static files in ${dir}`);
if (!values['build-only']) {
  const server = await serveDirectory(dir, Number(values.port));
  console.log(`playground: open ${server.origin}/ (Ctrl+C to stop)`);
}
