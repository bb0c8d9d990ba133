/**
 * npm run readme:onnx-ops [-- --check]: writes the list of supported ONNX ops (supportedOps(), the
 * op registry) into README.md between the onnx-ops markers. --check exits 1 when the README is
 * out of date instead of writing it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { supportedOps } from '../src/onnx/ops/index.js';

const README = new URL('../../README.md', import.meta.url);
const START = '<!-- onnx-ops:start (npm run readme:onnx-ops) -->';
const END = '<!-- onnx-ops:end -->';

const text = readFileSync(README, 'utf8');
const a = text.indexOf(START);
const b = text.indexOf(END);
if (a < 0 || b < a) {
  console.error(`README.md has no ${START} ... ${END} block`);
  process.exit(1);
}
const ops = supportedOps();
const list = `${ops.length} ops: ${ops.map((o) => `\`${o}\``).join(', ')}.`;
const next = `${text.slice(0, a + START.length)}\n${list}\n${text.slice(b)}`;
if (process.argv.includes('--check')) {
  if (next !== text) {
    console.error('README.md: the supported ONNX ops list is out of date: run npm run readme:onnx-ops');
    process.exit(1);
  }
  console.log('README.md: the supported ONNX ops list is up to date');
} else {
  writeFileSync(README, next);
  console.log(`README.md: ${ops.length} supported ONNX ops written`);
}
