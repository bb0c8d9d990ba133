/**
 * The browser playground (npm run playground) in headless Chromium: the static build of
 * dist/playground-site/ served on 127.0.0.1, opened with ?run=all. The page loads without console
 * errors, runs the three demo models on every build Chromium validates and matches PyTorch's
 * outputs (the golden files' tolerance), and draws the transformer's attention heat maps: a
 * screenshot is written (test/runtimes/.out/playground.png) and its canvas region must hold
 * non-blank pixels. Without Chromium: a counted SKIP with the install command (CI=true: fails).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { IN_CI, chromiumMissing, launchChromium } from '../../dist/tools/chromium.js';
import { serveDirectory, type StaticServer } from '../../dist/tools/static-server.js';
// @ts-expect-error plain JS build script without types
import { buildPlayground } from '../../tools/build-playground.mjs';

const OUT = new URL('./.out/', import.meta.url);
const noChromium = chromiumMissing();

/** RGBA pixels of an 8-bit, non-interlaced PNG (what Chromium's screenshots are). */
export function decodePng(png: Buffer): { width: number; height: number; rgba: Uint8Array } {
  let pos = 8;
  let width = 0;
  let height = 0;
  let colorType = 0;
  const idat: Buffer[] = [];
  while (pos < png.length) {
    const len = png.readUInt32BE(pos);
    const type = png.toString('latin1', pos + 4, pos + 8);
    const data = png.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = data.readUInt32BE(0);
      height = data.readUInt32BE(4);
      if (data[8] !== 8 || data[12] !== 0) throw new Error(`decodePng: bit depth ${data[8]}, interlace ${data[12]} not supported`);
      colorType = data[9];
    } else if (type === 'IDAT') idat.push(data);
    pos += 12 + len;
  }
  const bpp = colorType === 6 ? 4 : colorType === 2 ? 3 : 0;
  if (!bpp) throw new Error(`decodePng: colour type ${colorType} not supported`);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * bpp;
  const px = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    const src = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= bpp ? px[y * stride + x - bpp] : 0;
      const b = y > 0 ? px[(y - 1) * stride + x] : 0;
      const c = x >= bpp && y > 0 ? px[(y - 1) * stride + x - bpp] : 0;
      const p = a + b - c;
      const pred = f === 0 ? 0 : f === 1 ? a : f === 2 ? b : f === 3 ? (a + b) >> 1 : Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      px[y * stride + x] = (src[x] + pred) & 255;
    }
  }
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0; i < width * height; i++) {
    rgba.set(px.subarray(i * bpp, i * bpp + 3), i * 4);
    rgba[i * 4 + 3] = bpp === 4 ? px[i * bpp + 3] : 255;
  }
  return { width, height, rgba };
}

interface BuildResult { build: string; ms: number; maxError: number; tol: number; ok: boolean; inUseBytes: number; capacityBytes: number; head: number[] }
interface PageResult { builds: string[]; results: { model: string; builds: BuildResult[]; heads?: number; drawnPixels?: number }[] }

describe('browser playground (headless Chromium)', () => {
  let browser: Browser;
  let server: StaticServer;

  beforeAll(async () => {
    if (noChromium) {
      if (IN_CI) throw new Error(`${noChromium} (CI=true: the browser suite must run)`);
      return;
    }
    server = await serveDirectory(await buildPlayground());
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  it('loads without console errors, runs the three models on simd and relaxed matching PyTorch, and draws the attention heat maps', async (ctx) => {
    if (noChromium) return ctx.skip(noChromium);
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 900 } })).newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('response', (r) => {
      if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) problems.push(`HTTP ${r.status()} ${r.url()}`);
    });
    await page.goto(`${server.origin}/?run=all`);
    await page.waitForFunction(() => (globalThis as { __result?: unknown }).__result !== undefined, undefined, { timeout: 90_000 });
    const res = (await page.evaluate(() => (globalThis as { __result?: unknown }).__result)) as { ok: boolean; value?: PageResult; error?: string };
    expect(res.ok, res.error).toBe(true);
    expect(problems).toEqual([]);
    const v = res.value!;
    expect(v.builds).toEqual(['simd', 'relaxed']); // Chromium validates relaxed SIMD
    expect(v.results.map((r) => r.model)).toEqual(['cnn', 'lstm', 'transformer']);
    for (const r of v.results) {
      expect(r.builds.map((b) => b.build)).toEqual(['simd', 'relaxed']);
      for (const b of r.builds) {
        expect(b.ok, `${r.model} on ${b.build}: max error ${b.maxError} > tol ${b.tol}`).toBe(true);
        expect(b.maxError).toBeLessThan(b.tol);
        expect(b.ms).toBeGreaterThan(0);
        expect(b.capacityBytes).toBeGreaterThan(b.inUseBytes);
      }
      // simd and relaxed (FMA) agree to float rounding.
      r.builds[0].head.forEach((x, i) => expect(Math.abs(x - r.builds[1].head[i])).toBeLessThan(1e-4 * (1 + Math.abs(x))));
    }
    const tr = v.results.find((r) => r.model === 'transformer')!;
    expect(tr.heads).toBe(4);
    expect(tr.drawnPixels).toBeGreaterThan(1000);
    // The page shows the numbers it computed.
    expect(await page.textContent('#status')).toMatch(/TinyTransformerClassifier: matches PyTorch on simd and relaxed/);
    expect(await page.locator('#builds tbody tr').count()).toBe(2);

    mkdirSync(OUT, { recursive: true });
    const shot = await page.screenshot({ fullPage: true });
    writeFileSync(new URL('playground.png', OUT), shot);
    // The heat map, in the screenshot: the canvas's box must hold many coloured (non-white, non-grey) pixels.
    const box = (await page.locator('#heatmap').boundingBox())!;
    const img = decodePng(shot);
    let coloured = 0;
    for (let y = Math.floor(box.y); y < Math.floor(box.y + box.height); y++) {
      for (let x = Math.floor(box.x); x < Math.floor(box.x + box.width); x++) {
        const i = (y * img.width + x) * 4;
        const [r, g, b] = [img.rgba[i], img.rgba[i + 1], img.rgba[i + 2]];
        if (Math.max(r, g, b) - Math.min(r, g, b) > 40) coloured++;
      }
    }
    expect(coloured, `coloured pixels in the heat map canvas (${box.width}x${box.height})`).toBeGreaterThan(2000);

    // The file picker: an .onnx model runs on random inputs; a golden .safetensors file is recognised.
    await page.setInputFiles('#file', new URL('../fixtures/onnx/test_gemm_all_attributes.onnx', import.meta.url).pathname);
    await page.waitForFunction(() => /ONNX model loaded/.test(document.getElementById('status')!.textContent ?? ''), undefined, { timeout: 30_000 });
    expect(await page.textContent('#output')).toMatch(/ran on random inputs in [\d.]+ ms/);
    await page.setInputFiles('#file', new URL('../fixtures/model/tiny_cnn_1x3x32x32.safetensors', import.meta.url).pathname);
    await page.waitForFunction(() => /tensors$/.test(document.getElementById('status')!.textContent ?? ''), undefined, { timeout: 30_000 });
    expect(await page.textContent('#output')).toMatch(/a golden model case/);
    expect(problems).toEqual([]);
    await page.context().close();
  });
});
