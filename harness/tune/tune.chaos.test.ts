/**
 * `chaos tune` end to end with real engine processes and real SIGKILL, on a tiny input: the --json
 * contract, the reports on disk, progress on stderr, nothing left behind.
 */
import { afterEach, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execa } from 'execa';

const cli = path.resolve('dist/harness/cli.js');
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});


describe('chaos tune', () => {
  it('measures two intervals and off at two batch sizes, kills and recovers, fits, and prints one JSON document', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tune-e2e-'));
    dirs.push(out);
    // the tune's own temp root: other tune runs on this machine cannot blur what it left behind
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'tune-e2e-tmp-'));
    dirs.push(tmp);
    const res = await execa(
      process.execPath,
      [cli, 'tune', '--scenario', 'wordcount', '--intervals', '4,1', '--repeat', '2', '--budget', '1s', '--size', '600', '--max-batch-records', '50,100', '--mtbf', '1m', '--seed', '3', '--out', out, '--json'],
      { reject: false, env: { NO_COLOR: '1', TMPDIR: tmp }, timeout: 240_000 },
    );
    expect(res.stderr).not.toMatch(/internal error/);
    expect(res.exitCode, res.stderr).toBe(0);

    const doc = JSON.parse(res.stdout); // throws unless stdout is exactly one JSON document
    expect(doc).toMatchObject({ scenario: 'wordcount', mtbfMs: 60_000 });
    expect(doc.intervals.map((i: { interval: number }) => i.interval)).toEqual([1, 4]);
    for (const i of doc.intervals) {
      for (const field of ['throughput', 'overheadPct', 'checkpointBytes', 'checkpointMs', 'recoveryMs', 'replayedBatches']) {
        expect(typeof i[field], `${field} at interval ${i.interval}`).toBe('number');
      }
      expect(i.throughput).toBeGreaterThan(0);
      expect(i.checkpointBytes).toBeGreaterThan(0);
      expect(i.recoveryMs).toBeGreaterThan(0);
      // a kill loses at most the batches since the last state checkpoint
      expect(i.replayedBatches).toBeGreaterThanOrEqual(0);
      expect(i.replayedBatches).toBeLessThanOrEqual(i.interval);
    }
    const [k1, k4] = doc.intervals;
    expect(k1.checkpoints).toBeGreaterThan(k4.checkpoints);
    expect(k1.checkpointBytes).toBeGreaterThan(k4.checkpointBytes);
    expect(doc.young).toBeGreaterThan(0);
    expect(doc.daly).toBeGreaterThan(0);
    expect([1, 4]).toContain(doc.recommended);
    expect(doc.notes.filter((n: string) => n.startsWith('FINDING'))).toEqual([]);
    expect(doc.baseline.interval).toBe(0);
    // the budget (1 s) allows no round beyond the two required, and no interval added to bracket
    expect(doc.rounds.count).toBe(2);
    expect(doc.rounds.stopped).toMatch(/separated|equivalent|budget/);
    expect(['separated', 'equivalent', 'undecided']).toContain(doc.recommendation.confidence);
    expect(doc.bracket.bracketed || doc.bracket.why.length > 0).toBe(true);
    expect(doc.fit.optimum.lo).toBeLessThanOrEqual(doc.fit.optimum.value);
    expect(doc.batchSizes.map((b: { batchRecords: number }) => b.batchRecords)).toEqual([50, 100]);
    expect(doc.batchAdvice.text).toMatch(/records per batch/);

    // reports on disk; report.json also has the raw runs, per round: at 50/batch one length (600 records) → off + 2;
    // at 100/batch off runs of 800 records (8 batches at least) and 1000 (interval 4 needs 10 batches) + 2
    const report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(report.runs).toHaveLength(2 * (3 + 4));
    expect(report.runs.filter((r: { interval: number; size: number }) => r.interval === 0).map((r: { size: number }) => r.size).sort()).toEqual([1000, 1000, 600, 600, 800, 800]);
    expect(report.recoveries).toHaveLength(8);
    expect(report.recoveries.every((t: { killed: boolean; outputMatches: boolean }) => t.killed && t.outputMatches)).toBe(true);
    const md = fs.readFileSync(path.join(out, 'report.md'), 'utf8');
    expect(md).toContain(doc.verdict);
    expect(md).toContain('### Batch size × checkpoint interval');
    if (doc.recommendation.confidence !== 'separated') expect(md).not.toContain('✅');
    expect((fs.readFileSync(path.join(out, 'report.html'), 'utf8').match(/<svg/g) ?? []).length).toBe(4);

    // progress went to stderr, one line per step when not a terminal
    expect(res.stderr).toMatch(/✔ pilot at 50 records per batch/);
    expect(res.stderr).toMatch(/✔ 50 rec\/batch, off: \d+ batches/);
    expect(res.stderr).toMatch(/✔ 100 rec\/batch, every 4: killed at offsets\.written:\d+:crash/);
    expect(fs.readdirSync(tmp)).toEqual([]);
  });
});
