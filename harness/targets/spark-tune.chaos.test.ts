/**
 * `chaos tune --target` on the streaming example through the real CLI (build first), from a clean
 * output directory: two intervals (files per micro-batch), real Spark runs, no kill-and-recover part
 * (--no-recovery keeps the test to two JVM runs), so no recommendation — and the reports say why
 * exactly once. Skipped only when Spark is not installed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { distEntry } from '../services/dist-entry.js';
import { NOT_INSTALLED, findSpark } from './spark/spark-install.js';

const spark = findSpark();
const spec = path.resolve(import.meta.dirname, '..', '..', 'examples', 'spark', 'wordcount.json');

describe.skipIf(!spark)(`chaos tune --target (${spark ? `spark ${spark.version}` : NOT_INSTALLED})`, () => {
  it('writes report.json, report.md and report.html into a fresh --out, with measured batches per interval', async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-tune-target-')), 'not-yet', 'there');
    try {
      const r = await execa(process.execPath, [distEntry('harness/cli.js'), 'tune', '--target', spec, '--intervals', '1,2', '--files', '4', '--no-recovery', '--out', out], {
        reject: false,
        timeout: 600_000,
        env: { NO_COLOR: '1' },
      });
      expect(r.exitCode, r.stderr).toBe(0);
      for (const f of ['report.json', 'report.md', 'report.html']) expect(fs.existsSync(path.join(out, f)), f).toBe(true);
      const json = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8'));
      expect(json.runs.map((x: { interval: number }) => x.interval)).toEqual([1, 2]);
      expect(json.runs[0].batches).toBe(4); // 4 files, 1 per batch
      expect(json.runs[1].batches).toBe(2);
      expect(json.runs.every((x: { rows: number }) => x.rows > 0)).toBe(true);
      expect(json.recommended).toBeNull();
      const md = fs.readFileSync(path.join(out, 'report.md'), 'utf8');
      expect(md).toMatch(/No recommendation for spark-wordcount: it needs/);
      expect((md + r.stderr).match(/no recommendation/gi)).toHaveLength(2); // once in the report, once on stderr
    } finally {
      fs.rmSync(path.dirname(path.dirname(out)), { recursive: true, force: true });
    }
  }, 900_000);
});
