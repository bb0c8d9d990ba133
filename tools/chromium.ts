/**
 * Headless Chromium (Debian /usr/bin/chromium) through playwright-core, for the browser runtime
 * test and the cold-start bench. A page reports by setting `window.__result` to
 * `{ ok: true, value }` or `{ ok: false, error }`; runPage waits for it with a bound.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

// Flags verified in RUNTIMES.md (no sandbox as root in CI, no GPU, no network side traffic).
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** What to do when Chromium is absent, in one line (the install command). */
export const INSTALL_HINT = `${CHROMIUM} not found: install Chromium with \`sudo apt-get install -y chromium\` (Debian/Ubuntu; any Chromium or Chrome works through CHROMIUM_PATH=/path/to/chrome)`;

/** undefined when Chromium is there, else the reason a browser test cannot run. */
export function chromiumMissing(): string | undefined {
  return existsSync(CHROMIUM) ? undefined : INSTALL_HINT;
}

/** CI=true (or 1): a missing prerequisite fails instead of skipping. */
export const IN_CI = /^(1|true)$/i.test(process.env.CI ?? '');

export async function launchChromium(timeoutMs = 30_000): Promise<Browser> {
  const missing = chromiumMissing();
  if (missing) throw new Error(missing);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS, timeout: timeoutMs });
}

/** An HTML page with an import map and one module script. */
export function pageHtml(importMap: string, moduleScript: string): string {
  return (
    '<!DOCTYPE html><html><head><meta charset="utf-8">' +
    `<script type="importmap">${importMap}</script>` +
    `<script type="module">${moduleScript}</script></head><body></body></html>`
  );
}

/** Opens `url` in a fresh context (no shared HTTP cache) and returns the page's result value. */
export async function runPage(browser: Browser, url: string, timeoutMs = 20_000): Promise<unknown> {
  const context = await browser.newContext();
  const log: string[] = [];
  try {
    const page = await context.newPage();
    page.on('console', (m) => log.push(`console.${m.type()}: ${m.text()}`));
    page.on('pageerror', (e) => log.push(`pageerror: ${e.message}`));
    page.on('requestfailed', (r) => log.push(`requestfailed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
    // A script that fails to load never reports: fail fast on an HTTP error or an uncaught error.
    const fatal = new Promise<never>((_, reject) => {
      page.on('response', (r) => {
        if (r.status() >= 400 && !r.url().endsWith('/favicon.ico')) reject(new Error(`HTTP ${r.status()} for ${r.url()}`));
      });
      page.on('pageerror', (e) => reject(e));
    });
    fatal.catch(() => undefined);
    await page.goto(url, { timeout: timeoutMs });
    try {
      const done = page.waitForFunction(() => (globalThis as { __result?: unknown }).__result !== undefined, undefined, { timeout: timeoutMs });
      await Promise.race([done, fatal]);
    } catch (e) {
      throw new Error(`${url}: no result (${(e as Error).message.split('\n')[0]})\n${log.join('\n')}`);
    }
    const res = (await page.evaluate(() => (globalThis as { __result?: unknown }).__result)) as { ok: boolean; value?: unknown; error?: string };
    if (!res.ok) throw new Error(`${url}: ${res.error}\n${log.join('\n')}`);
    return res.value;
  } finally {
    await context.close();
  }
}
