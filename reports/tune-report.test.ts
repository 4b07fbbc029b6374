import { afterEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { tuneFixture } from './test-support/fixtures.js';
import { tuneHtml, tuneMarkdown, writeTuneReport } from './tune-report.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('tune report', () => {
  const result = tuneFixture();

  it('Markdown starts with the verdict and its confidence mark, then one table row per interval and one for "off"', () => {
    const md = tuneMarkdown(result);
    const lines = md.split('\n');
    const firstText = lines.find((l) => l.trim() && !l.startsWith('#'))!;
    expect(firstText).toContain(result.verdict);
    // a green tick only on a separated pick; the fixture's best two are equivalent
    expect(firstText.startsWith(result.recommendation.confidence === 'separated' ? '✅' : '≈')).toBe(true);
    const table = lines.filter((l) => l.startsWith('| ')).slice(0, 2 + 1 + result.intervals.length);
    expect(table[0]).toMatch(/^\| interval \(batches\) \| throughput \| time × \(vs off\) \|/);
    expect(table[1]).toMatch(/^\| --- \| ---: \|/);
    expect(table[2]).toMatch(/^\| off \|/);
    expect(table.slice(3).map((row) => row.split(' | ')[0])).toEqual(result.intervals.map((i) => `| ${i.interval}`));
    const cells = (row: string) => row.split(/(?<!\\)\|/).length;
    for (const row of table) expect(cells(row)).toBe(cells(table[0]!));
    expect(md).toMatch(/\| Young \| 317\.5 \|/);
    expect(md).toContain(`| Recommended (measured) | ${result.recommended} |`);
    expect(md).toMatch(/\| Fitted optimum \| \d+ \(\d+ – \d+\) \|/);
    // the batch-size dimension and its latency price
    expect(md).toContain('### Batch size × checkpoint interval');
    expect(md).toMatch(/\*\*Batch size:\*\* 400 records per batch instead of 100/);
  });

  it('speaks in words: no raw field names, time × instead of a signed overhead', async () => {
    const md = tuneMarkdown(result);
    const html = await tuneHtml(result);
    const text = html.replace(/<svg[\s\S]*?<\/svg>/g, '').replace(/<[^>]+>/g, ' ');
    for (const page of [md, text]) {
      expect(page).not.toMatch(/\b(expectedTotalMs|perFailureMs|overheadPct|batchMsOff|checkpointCostMs)\b/);
      expect(page).not.toMatch(/overhead [+−-]\d/);
      expect(page).toMatch(/×1\.\d\d/);
    }
  });

  it('never shows a green tick when the pick is not separated from the runner-up', () => {
    const once = tuneFixture([1, 2, 5, 10, 20, 50, 100, 200, 500], 1, [100]);
    expect(once.recommendation.confidence).toBe('undecided');
    const md = tuneMarkdown(once);
    expect(md).not.toContain('✅');
    expect(md).toContain('⚠️');
  });

  it('HTML is one self-contained file with four SVG charts; both predictions lie inside the expected-time axis', async () => {
    const html = await tuneHtml(result);
    const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs).toHaveLength(4);
    for (const svg of svgs) {
      expect(svg).toMatch(/class="mark-(line|symbol|rule|rect)[^"]*role-mark/);
      expect(svg).toMatch(/<path[^>]* d="M[\d.-]/);
    }
    const expected = svgs[0]!;
    expect(expected).toContain(`recommended: ${result.recommended}`);
    // the prediction rules are drawn within the plot: x between 0 and the chart width
    const xs = [...expected.matchAll(/<line aria-label="[^"]*prediction: (?:Young|Daly)"[^>]* transform="translate\(([\d.-]+),/g)].map((m) => Number(m[1]));
    expect(xs.length).toBeGreaterThanOrEqual(2);
    for (const x of xs) expect(x >= 0 && x <= 440).toBe(true);
    expect(expected).toContain('>Young<');
    expect(expected).toContain('>Daly<');
    expect(svgs[3]).toContain('×1.00');
    expect(html).not.toMatch(/<script|<link|src=|@import|url\(http/);
    expect(html).toContain(`<tr class="best"><td>${result.recommended}</td>`);
  });

  it('writes report.json, report.md and report.html', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tune-report-'));
    dirs.push(dir);
    const files = await writeTuneReport(path.join(dir, 'nested', 'out'), result);
    expect(JSON.parse(fs.readFileSync(files.json, 'utf8'))).toEqual(JSON.parse(JSON.stringify(result)));
    expect(fs.readFileSync(files.markdown, 'utf8')).toContain(result.verdict);
    expect(fs.readFileSync(files.html, 'utf8')).toMatch(/^<!doctype html>/);
  });
});
