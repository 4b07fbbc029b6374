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

  it('Markdown starts with the verdict, then one table row per interval and one for "off"', () => {
    const md = tuneMarkdown(result);
    const lines = md.split('\n');
    const firstText = lines.find((l) => l.trim() && !l.startsWith('#'))!;
    expect(firstText).toContain(result.verdict);
    const table = lines.filter((l) => l.startsWith('| ')).slice(0, 2 + 1 + result.intervals.length);
    expect(table[0]).toMatch(/^\| interval \(batches\) \| throughput \| overhead vs off \|/);
    expect(table[1]).toMatch(/^\| --- \| ---: \|/);
    expect(table[2]).toMatch(/^\| off \|/);
    expect(table.slice(3).map((row) => row.split(' | ')[0])).toEqual(result.intervals.map((i) => `| ${i.interval}`));
    // every data row has the header's number of cells
    const cells = (row: string) => row.split(/(?<!\\)\|/).length;
    for (const row of table) expect(cells(row)).toBe(cells(table[0]!));
    expect(md).toMatch(/\| Young \| 317\.5 \|/);
    expect(md).toContain('| Measured (recommended) | 20 |');
  });

  it('HTML is one self-contained file with three SVG charts that have data marks', async () => {
    const html = await tuneHtml(result);
    const svgs = html.match(/<svg[\s\S]*?<\/svg>/g) ?? [];
    expect(svgs).toHaveLength(3);
    for (const svg of svgs) {
      expect(svg).toMatch(/class="mark-(line|symbol|rule)[^"]*role-mark/);
      expect(svg).toMatch(/<path[^>]* d="M[\d.-]/); // something drawn, not an empty frame
    }
    expect(svgs[2]).toContain('recommended: 20');
    // nothing fetched from elsewhere, no script
    expect(html).not.toMatch(/<script|<link|src=|@import|url\(http/);
    expect(html).toContain('<tr class="best"><td>20</td>');
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
