// The closing line of `npm test` counts failed hooks and unloadable files as failures, and a
// skip with a note prints its reason: runs the fixtures in test/fixtures/reporter/ in a child vitest.
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const REPO = new URL('../../', import.meta.url).pathname;

function runFixture(file: string): { lines: string[]; status: number | null } {
  const r = spawnSync(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', '--config', 'test/fixtures/reporter/vitest.config.ts'], {
    cwd: REPO,
    encoding: 'utf8',
    env: { ...process.env, REPORTER_FIXTURE: file, CI: '' },
    timeout: 60_000,
  });
  return { lines: r.stdout.trim().split('\n'), status: r.status };
}

describe('summary reporter', () => {
  it('counts a failed beforeAll/afterAll as failures, not as skipped tests alone', () => {
    const { lines, status } = runFixture('hooks.fixture.ts');
    expect(status).toBe(1);
    // 2 passing tests; 1 failed test + the failed beforeAll + the failed afterAll; the 2 tests the
    // beforeAll left unrun and 1 skipped with a note.
    expect(lines.at(-1)).toBe('2 passed, 3 failed, 3 skipped');
    expect(lines).toContain('FAIL hooks.fixture.ts > broken setup: Error: setup exploded');
    expect(lines).toContain('FAIL hooks.fixture.ts > broken teardown: Error: teardown exploded');
    expect(lines).toContain('SKIP hooks.fixture.ts > skips with a reason: install it with: apt-get install -y chromium');
  });

  it('counts a test file that fails to load', () => {
    const { lines, status } = runFixture('load.fixture.ts');
    expect(status).toBe(1);
    expect(lines.at(-1)).toBe('0 passed, 1 failed, 0 skipped');
    expect(lines).toContain('FAIL load.fixture.ts: Error: this file cannot be imported');
  });
});
