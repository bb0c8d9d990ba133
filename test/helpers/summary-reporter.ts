/**
 * Prints the plain closing line `N passed, M failed, K skipped` after vitest's own summary.
 *
 * A failure is a failed test, and also every error that belongs to no test: a failed
 * beforeAll/afterAll (vitest then marks the suite's tests "skipped", so counting tests alone
 * would hide it), a test file that failed to load, and an unhandled error. A test skipped with
 * `ctx.skip(note)` prints `SKIP <test>: <note>` above the line, so a skip says why (for example
 * the Chromium suite on a machine without Chromium, with the install command).
 */
import type { Reporter, SerializedError, TestModule } from 'vitest/node';

export interface Summary {
  passed: number;
  failed: number;
  skipped: number;
  /** `<where>: <message>` for each failure that is not a failed test (hooks, load errors). */
  suiteFailures: string[];
  /** `<test>: <note>` for each test skipped with a note. */
  skipNotes: string[];
}

const firstLine = (e: SerializedError) => `${e.name ?? 'Error'}: ${String(e.message ?? '').split('\n')[0]}`;

export function summarize(modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<SerializedError> = []): Summary {
  const s: Summary = { passed: 0, failed: 0, skipped: 0, suiteFailures: [], skipNotes: [] };
  for (const m of modules) {
    for (const t of m.children.allTests()) {
      const r = t.result();
      if (r.state === 'passed') s.passed++;
      else if (r.state === 'failed') s.failed++;
      else {
        s.skipped++;
        if (r.state === 'skipped' && r.note) s.skipNotes.push(`${m.relativeModuleId} > ${t.fullName}: ${r.note}`);
      }
    }
    for (const e of m.errors()) s.suiteFailures.push(`${m.relativeModuleId}: ${firstLine(e)}`);
    for (const suite of m.children.allSuites()) {
      for (const e of suite.errors()) s.suiteFailures.push(`${m.relativeModuleId} > ${suite.fullName}: ${firstLine(e)}`);
    }
  }
  for (const e of unhandled) s.suiteFailures.push(`unhandled: ${firstLine(e)}`);
  s.failed += s.suiteFailures.length;
  return s;
}

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<SerializedError>): void {
    const s = summarize(modules, unhandled);
    const lines = [''];
    for (const n of s.skipNotes) lines.push(`SKIP ${n}`);
    for (const f of s.suiteFailures) lines.push(`FAIL ${f}`);
    lines.push(`${s.passed} passed, ${s.failed} failed, ${s.skipped} skipped`);
    console.log(lines.join('\n'));
  }
}
