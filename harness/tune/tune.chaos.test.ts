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

/** Temp dirs a harness process left in the OS temp dir: its run dir (harness/process/registry.ts) carries its pid. */
const tempsOf = (pid: number | undefined) => fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith(`chaos-run-${pid}-`));

describe('chaos tune', () => {
  it('measures two intervals and off, kills and recovers, and prints one JSON document', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tune-e2e-'));
    dirs.push(out);
    const res = await execa(
      process.execPath,
      [cli, 'tune', '--scenario', 'wordcount', '--intervals', '4,1', '--repeat', '1', '--size', '600', '--max-batch-records', '50', '--mtbf', '1m', '--seed', '3', '--out', out, '--json'],
      { reject: false, env: { NO_COLOR: '1' }, timeout: 120_000 },
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

    // reports on disk; report.json also has the raw runs
    const report = JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8'));
    expect(report.runs).toHaveLength(3);
    expect(report.recoveries).toHaveLength(2);
    expect(report.recoveries.every((t: { killed: boolean; outputMatches: boolean }) => t.killed && t.outputMatches)).toBe(true);
    expect(fs.readFileSync(path.join(out, 'report.md'), 'utf8')).toContain(doc.verdict);
    expect((fs.readFileSync(path.join(out, 'report.html'), 'utf8').match(/<svg/g) ?? []).length).toBe(3);

    // progress went to stderr, one line per step when not a terminal
    expect(res.stderr).toMatch(/✔ off: \d+ batches/);
    expect(res.stderr).toMatch(/✔ every 4: killed at offsets\.written:\d+:crash/);
    expect(tempsOf(res.pid)).toEqual([]);
  });
});
