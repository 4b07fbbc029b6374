/**
 * storage-restart and storage-outage in process mode with the checkpoint on S3 (s3rver, its own
 * process, behind the TCP fault proxy): the nemesis SIGKILLs and restarts the S3 server, or cuts it
 * off, mid-run. The engine rides it out with retries or fails the attempt cleanly (exit 1, a message
 * saying so); the restart loop carries on and the output equals the failure-free reference.
 * Also `chaos run --store s3 --services local` end to end: the summary counts the new fault kinds
 * and the report says that s3rver does not enforce conditional writes.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Fault, History, RunSummary, TrialSpec } from '../history.js';
import { resolveServices, type Services } from '../services/index.js';
import { distEntry } from '../services/dist-entry.js';
import { runTrial, type TrialOptions } from '../trial/run-trial.js';

// These tests are about s3rver (the embedded default); engines and CLIs spawned here inherit the choice.
process.env.CHAOS_LOCAL_S3 = 's3rver';

let services: Services;
let trialOpts: TrialOptions;
beforeAll(async () => {
  services = await resolveServices({ services: 'local', store: 's3', source: 'log', sink: 'files', proxy: true, s3Server: 's3rver', log: () => {} });
  trialOpts = { engineArgs: services.engineArgs, env: services.env, storage: services.storage! };
});
afterAll(async () => {
  await services?.close();
});

function spec(fault: Fault, scenario = 'running-totals'): TrialSpec {
  return {
    scenario,
    kind: 'streaming',
    seed: 23,
    input: { size: 300 },
    config: { partitions: 2, checkpointInterval: 2, executors: 0, maxBatchRecords: 40, store: 's3', source: 'log', sink: 'files' },
    schedule: { faults: [fault], lostWrites: false },
    checkDeterminism: false,
  };
}

const hitsOf = (h: History, kind: Fault['kind']) => h.incarnations.flatMap((i) => i.faultsHit).filter((f) => f.kind === kind);

function expectHeld(h: History): void {
  expect(h.verdicts.filter((v) => !v.ok)).toEqual([]);
  expect(h.outputs.length).toBeGreaterThan(0);
  expect(h.outputs).toEqual(h.reference);
}

// The engine pauses at its second batch, so the fault lands mid-run while it still has S3 work to do.
const slowSecondBatch = { CHAOS_FAILPOINTS: 'batch.planned:2:delay:300' };

describe('storage faults on s3rver (process mode)', () => {
  it('storage-restart: s3rver SIGKILLed and restarted on the same directory mid-run; the output is the reference', async () => {
    expect(services.storage?.proxy).toBeDefined();
    const h = await runTrial(spec({ kind: 'storage-restart', afterEvents: 4, downMs: 200 }), 'process', { ...trialOpts, env: { ...trialOpts.env, ...slowSecondBatch } });
    expectHeld(h);
    expect(hitsOf(h, 'storage-restart')).toEqual([expect.objectContaining({ where: expect.stringMatching(/^s3rver killed after event #\d+, down 200ms$/) })]);
    // Every incarnation either finished or failed cleanly on the outage (exit 1, never a crash or a usage error).
    for (const inc of h.incarnations.slice(0, -1)) expect(inc.exit).toEqual({ code: 1, signal: null });
    expect(h.incarnations.at(-1)!.exit).toEqual({ code: 0, signal: null });
    // The engine felt it: retried S3 calls, or failed an attempt and was restarted.
    const retries = h.incarnations.flatMap((i) => i.events).filter((e) => e.type === 'service.retry');
    expect(retries.length + h.incarnations.length - 1).toBeGreaterThan(0);
  });

  it('storage-outage (blackhole longer than the retry budget): the attempt fails cleanly, a restart recovers exactly', async () => {
    const h = await runTrial(spec({ kind: 'storage-outage', afterEvents: 4, mode: 'blackhole', forMs: 8000 }), 'process', { ...trialOpts, env: { ...trialOpts.env, ...slowSecondBatch } });
    expectHeld(h);
    expect(hitsOf(h, 'storage-outage')).toHaveLength(1);
    const [failed, ...rest] = h.incarnations;
    expect(failed!.exit).toEqual({ code: 1, signal: null });
    expect(failed!.stderrTail).toMatch(/unavailable.*the attempt failed and a restart resumes from the checkpoint/s);
    expect(rest.at(-1)!.exit).toEqual({ code: 0, signal: null });
    expect(rest.at(-1)!.events.some((e) => e.type === 'recovery.started')).toBe(true);
  });

  it('storage-outage (reset, then latency): short outages are ridden out by retries or recovered', async () => {
    const reset = await runTrial(spec({ kind: 'storage-outage', afterEvents: 4, mode: 'reset', forMs: 300 }, 'wordcount'), 'process', { ...trialOpts, env: { ...trialOpts.env, ...slowSecondBatch } });
    expectHeld(reset);
    expect(hitsOf(reset, 'storage-outage')).toEqual([expect.objectContaining({ where: expect.stringMatching(/reset for 300ms/) })]);
    const slow = await runTrial(spec({ kind: 'storage-outage', afterEvents: 4, mode: 'latency', forMs: 500, latencyMs: 40 }, 'windowed-counts'), 'process', { ...trialOpts, env: { ...trialOpts.env, ...slowSecondBatch } });
    expectHeld(slow);
    expect(hitsOf(slow, 'storage-outage')).toEqual([expect.objectContaining({ where: expect.stringMatching(/latency 40ms for 500ms/) })]);
    expect(slow.incarnations).toHaveLength(1);
  });

  it('`chaos run --store s3 --services local`: counts storage faults per kind and reports that s3rver ignores conditional writes', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-storage-run-'));
    try {
      const r = await execa(process.execPath, [distEntry('harness/cli.js'), 'run', '--mode', 'process', '--store', 's3', '--services', 'local', '--scenario', 'wordcount', '--runs', '4', '--seed', '3', '--out', out, '--json'], {
        reject: false,
        env: { NO_COLOR: '1' },
      });
      expect(r.exitCode, r.stderr).toBe(0);
      const summary = JSON.parse(r.stdout) as RunSummary;
      expect(summary.ok).toBe(true);
      expect(summary.faultKinds.map((k) => k.kind)).toEqual(expect.arrayContaining(['storage-restart', 'storage-outage', 'kill-executor']));
      // The run's s3rver sits behind the proxy, so both storage kinds are offered (this seed draws an outage, in short trials).
      const storageTrials = summary.faultKinds.filter((k) => k.kind.startsWith('storage-')).reduce((n, k) => n + k.trials, 0);
      expect(storageTrials).toBeGreaterThan(0);
      expect(summary.services).toMatchObject({ picked: 'local', s3: { server: 's3rver', conditionalWrites: false } });
      expect(summary.services!.notes.join(' ')).toMatch(/If-None-Match/);
      const md = fs.readFileSync(path.join(out, 'report.md'), 'utf8');
      expect(md).toMatch(/s3rver: conditional writes \(If-None-Match\) NOT enforced — zombie writers are not fenced/);
      const html = fs.readFileSync(path.join(out, 'report.html'), 'utf8');
      expect(html).toMatch(/<h2>Services<\/h2>/);
      expect(html).toMatch(/conditional writes \(If-None-Match\) NOT enforced/);
      expect(JSON.parse(fs.readFileSync(path.join(out, 'report.json'), 'utf8')).services.s3.conditionalWrites).toBe(false);
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });
});
