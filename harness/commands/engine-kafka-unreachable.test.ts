/**
 * `chaos engine run --source kafka` against a port where no broker listens: on its own a one-line
 * "cannot reach Kafka at …" and exit 2 (a configuration problem, checked before any work); inside a
 * chaos run (CHAOS_KAFKA_OPEN_TIMEOUT_MS set) a bounded retry, then exit 1 — the attempt failed like
 * any service outage and a restart resumes from the checkpoint. Never a stack trace.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, it } from 'vitest';
import { distEntry } from '../services/dist-entry.js';

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-kafka-unreachable-'));
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function engineRun(entry: string[], env: Record<string, string> = {}) {
  const dir = fs.mkdtempSync(path.join(root, 'run-'));
  return execa(
    process.execPath,
    [...entry, 'run', '--scenario', 'wordcount', '--seed', '1', '--size', '50', '--checkpoint', path.join(dir, 'c'), '--output', path.join(dir, 'o'), '--source', 'kafka', '--kafka-brokers', '127.0.0.1:1'],
    { reject: false, env },
  );
}

describe.each([
  ['chaos engine run', () => [distEntry('harness/cli.js'), 'engine']],
  ['the slim engine entry', () => [distEntry('runtime/main.js')]],
])('%s --source kafka --kafka-brokers 127.0.0.1:1', (_name, entry) => {
  it('exits 2 with one line naming the broker and the fix, no stack trace', async () => {
    const r = await engineRun(entry());
    expect(r.exitCode).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/cannot reach Kafka at 127\.0\.0\.1:1: Connection to 127\.0\.0\.1:1 failed.*Start the broker or fix --kafka-brokers/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('inside a run: retries for CHAOS_KAFKA_OPEN_TIMEOUT_MS, then exits 1 saying the attempt failed', async () => {
    const r = await engineRun(entry(), { CHAOS_KAFKA_OPEN_TIMEOUT_MS: '1500' });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(/still unreachable after \d+ ms of retries.*the attempt failed and a restart resumes from the checkpoint/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const retries = r.stdout.split('\n').filter((l) => l.includes('"service.retry"') && l.includes('"kafka"'));
    expect(retries.length).toBeGreaterThan(0);
  });
});

describe('chaos run --source kafka --services external with CHAOS_KAFKA_BROKERS=127.0.0.1:1', () => {
  it('stops before any trial with exit 2 and "cannot reach Kafka at …" (the harness seeds the source topic first), never "all properties held"', async () => {
    const out = fs.mkdtempSync(path.join(root, 'run-out-'));
    const r = await execa(
      process.execPath,
      [distEntry('harness/cli.js'), 'run', '--scenario', 'wordcount', '--source', 'kafka', '--services', 'external', '--runs', '1', '--out', out],
      { reject: false, env: { NO_COLOR: '1', CHAOS_KAFKA_BROKERS: '127.0.0.1:1' } },
    );
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/chaos: cannot reach Kafka at 127\.0\.0\.1:1: .*Start the broker or fix --kafka-brokers/);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
    expect(r.stdout + r.stderr).not.toMatch(/all properties held/);
  }, 60_000);
});
