/**
 * The HTML reports opened in a real browser: every chart is laid out with visible data marks and
 * the page logs no errors. Needs Debian's chromium (/usr/bin/chromium); skipped where it is absent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromiumAvailable, CHROMIUM, probeHtml } from './test-support/chromium.js';
import { runSummaryFixture, tuneFixture } from './test-support/fixtures.js';
import { writeTuneReport } from './tune-report.js';
import { writeRunReport } from './run-report.js';

const available = chromiumAvailable();
const title = available
  ? 'HTML reports in headless Chromium'
  : `HTML reports in headless Chromium (SKIPPED: ${CHROMIUM} not found; install Debian's chromium package to run this check)`;

if (!available) console.warn(`reports/html-in-browser.test.ts: ${title}`);

describe.skipIf(!available)(title, () => {
  // created in beforeAll: a skipped describe still runs its body, but never its hooks
  let dir = '';
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'report-browser-'));
  });
  afterAll(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  it('tune report: four charts render with visible data marks, no console errors', async () => {
    const files = await writeTuneReport(path.join(dir, 'tune'), tuneFixture());
    const probe = await probeHtml(files.html);
    expect(probe.errors).toEqual([]);
    expect(probe.consoleLines).toEqual([]);
    expect(probe.charts).toHaveLength(4);
    for (const chart of probe.charts) {
      expect(chart.width).toBeGreaterThan(100);
      expect(chart.height).toBeGreaterThan(100);
      expect(chart.visibleMarks).toBeGreaterThanOrEqual(5);
    }
  });

  it('run report: summary charts and the failing trial’s timeline render, no console errors', async () => {
    const [, , html] = await writeRunReport(path.join(dir, 'run'), runSummaryFixture());
    const probe = await probeHtml(html!);
    expect(probe.errors).toEqual([]);
    expect(probe.consoleLines).toEqual([]);
    expect(probe.charts).toHaveLength(3);
    for (const chart of probe.charts) expect(chart.visibleMarks).toBeGreaterThanOrEqual(2);
  });
});
