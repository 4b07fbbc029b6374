/**
 * `chaos tune --target` through the real CLI (build first) on real Spark, from a clean output
 * directory:
 * - the Structured Streaming wordcount, its files-per-batch knob at two values, no kill-and-recover
 *   part (--no-recovery keeps it to two JVM runs), so no recommendation — and the reports say why
 *   exactly once;
 * - the DStream example, its dstream.checkpoint(interval) knob ({checkpoint-interval}) at two values
 *   with recovery, --budget 1s (one round): the report names the knob and gives a recommendation
 *   with its confidence, or says why it cannot.
 * Skipped only when Spark is not installed.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';
import { distEntry } from '../services/dist-entry.js';
import { NOT_INSTALLED, findSpark } from './spark/spark-install.js';

const spark = findSpark();
const examples = path.resolve(import.meta.dirname, '..', '..', 'examples', 'spark');

function tune(args: string[]) {
  return execa(process.execPath, [distEntry('harness/cli.js'), 'tune', ...args], { reject: false, timeout: 600_000, env: { NO_COLOR: '1' } });
}

describe.skipIf(!spark)(`chaos tune --target (${spark ? `spark ${spark.version}` : NOT_INSTALLED})`, () => {
  it('writes report.json, report.md and report.html into a fresh --out, with measured batches per value', async () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-tune-target-')), 'not-yet', 'there');
    try {
      const r = await tune(['--target', path.join(examples, 'wordcount.json'), '--knob', 'files-per-batch', '--intervals', '1,2', '--files', '4', '--no-recovery', '--out', out]);
      expect(r.exitCode, r.stderr).toBe(0);
      for (const f of ['report.json', 'report.md', 'report.html']) expect(fs.existsSync(path.join(out, f)), f).toBe(true);
      const json = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8'));
      expect(json.runs.map((x: { value: number }) => x.value)).toEqual([1, 2]);
      expect(json.runs[0].batches).toBe(4); // 4 files, 1 per batch
      expect(json.runs[1].batches).toBe(2);
      expect(json.runs.every((x: { rows: number }) => x.rows > 0)).toBe(true);
      expect(json.knobs).toHaveLength(1);
      expect(json.knobs[0].recommended).toBeNull();
      const md = fs.readFileSync(path.join(out, 'report.md'), 'utf8');
      expect(md).toMatch(/No recommendation for files-per-batch of spark-wordcount: it needs recovery/);
      expect((md + r.stderr).match(/no recommendation/gi)).toHaveLength(2); // once in the report, once on stderr
    } finally {
      fs.rmSync(path.dirname(path.dirname(out)), { recursive: true, force: true });
    }
  }, 900_000);

  it('tunes the DStream checkpoint(interval) through its {checkpoint-interval} placeholder within --budget', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-tune-dstream-'));
    try {
      const started = Date.now();
      const r = await tune(['--target', path.join(examples, 'dstream.json'), '--intervals', '1,4', '--files', '4', '--budget', '1s', '--out', out]);
      const elapsed = Date.now() - started;
      expect(r.exitCode, r.stderr).toBe(0);
      const json = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8'));
      // --budget 1s: the first round runs whole, nothing after it
      expect(json.rounds.count).toBe(1);
      expect(json.rounds.stopped).toMatch(/budget of 1 s spent/);
      expect(json.runs.map((x: { value: number }) => x.value)).toEqual([1, 4]);
      const k = json.knobs[0];
      expect(k.knob.name).toBe('checkpoint-interval');
      expect(k.knob.reaches).toMatch(/placeholder \{checkpoint-interval\}/);
      // the knob reached the job: an RDD checkpoint every batch at 1, every 4th at 4
      const ck = (v: number) => json.runs.find((x: { value: number }) => x.value === v).checkpoints;
      expect(ck(1)).toBeGreaterThan(ck(4));
      const md = fs.readFileSync(path.join(out, 'report.md'), 'utf8');
      expect(md).toMatch(/## checkpoint-interval: dstream\.checkpoint\(interval\)/);
      if (k.recommended !== null) {
        expect([1, 4]).toContain(k.recommended);
        expect(md).toMatch(/Recommended for spark-dstream: checkpoint-interval = [14] batches/);
        expect(k.confidence).toMatch(/separated|equivalent|not separated/); // one round: never a tick without a spread
        expect(k.decision.status).not.toBe('separated');
      } else expect(md).toMatch(/No recommendation for checkpoint-interval of spark-dstream: it needs /);
      expect(fs.readFileSync(path.join(out, 'report.html'), 'utf8')).toMatch(/checkpoint-interval/);
      process.stderr.write(`dstream tune: ${elapsed} ms; ${r.stderr.split('\n').filter((l) => /recommend/.test(l)).join(' ')}\n`);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  }, 900_000);
});
