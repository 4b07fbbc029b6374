/**
 * `chaos replay FILE` of a trial that ran with services: the replay resolves the same services
 * (here s3rver in its own process, `--services local`), hands every engine the same S3 flags and
 * credentials and the nemesis the same storage handle, so a replayed storage fault strikes again
 * and the verdict is the same. A replay whose services cannot be provided is a clear usage error.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { History, TrialSpec } from '../history.js';
import { writeReplayFile } from '../properties/run-chaos.js';
import { distEntry } from '../services/dist-entry.js';
import { runTrial } from '../trial/run-trial.js';
import { resolveTrialServices, trialServiceOptions, trialServiceRequest } from '../trial/trial-services.js';

// These tests are about s3rver (the embedded default); engines and CLIs spawned here inherit the choice.
process.env.CHAOS_LOCAL_S3 = 's3rver';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-replay-s3-'));
});
afterAll(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

const s3Trial: TrialSpec = {
  scenario: 'wordcount',
  kind: 'streaming',
  seed: 41,
  input: { size: 300 },
  config: { partitions: 2, checkpointInterval: 1, executors: 0, maxBatchRecords: 30, store: 's3', source: 'log', sink: 'files', services: 'local' },
  schedule: { faults: [{ kind: 'storage-restart', afterEvents: 2, downMs: 300 }], lostWrites: false },
  checkDeterminism: false,
};

const storageHits = (h: History) => h.incarnations.flatMap((i) => i.faultsHit).filter((f) => f.kind === 'storage-restart');

async function replay(file: string, extraEnv: Record<string, string> = {}) {
  return execa('node', [distEntry('harness/cli.js'), 'replay', file, '--json'], { reject: false, env: { NO_COLOR: '1', ...extraEnv } });
}

describe('chaos replay with services', () => {
  it('replays an s3 trial with a storage-restart fault: same services, the fault strikes again, same verdict', async () => {
    // The original trial, run the way `chaos run --store s3 --services local` runs it.
    const services = await resolveTrialServices(trialServiceRequest(s3Trial, 'process'));
    let original: History;
    try {
      original = await runTrial(s3Trial, 'process', trialServiceOptions(services));
    } finally {
      await services.close();
    }
    expect(storageHits(original)).toHaveLength(1);
    const file = writeReplayFile(dir, original, s3Trial, undefined);

    const r = await replay(file);
    expect(r.stderr).toMatch(/services local/);
    const replayed = JSON.parse(r.stdout) as History;
    expect(replayed.config).toMatchObject({ store: 's3', services: 'local' });
    expect(storageHits(replayed)).toEqual([expect.objectContaining({ where: expect.stringMatching(/^s3rver killed after event #2, down 300ms$/) })]);
    // The engines really ran on S3: their checkpoint location is an s3:// URL.
    const opened = replayed.incarnations[0]!.events.find((e) => e.type === 'services.opened');
    expect(opened).toMatchObject({ store: 's3', location: expect.stringMatching(/^s3:\/\//) });
    expect(replayed.ok).toBe(original.ok);
    expect(replayed.verdicts.map((v) => [v.checker, v.ok])).toEqual(original.verdicts.map((v) => [v.checker, v.ok]));
    expect(r.exitCode).toBe(original.ok ? 0 : 1);
  });

  it('an s3 replay whose services cannot be provided is a clear usage error (exit 2)', async () => {
    const needsExternal: TrialSpec = { ...s3Trial, config: { ...s3Trial.config, services: 'external' } };
    // Only the trial matters to a replay that cannot start; the History of the original is optional.
    const file = path.join(dir, 'needs-external.json');
    fs.writeFileSync(file, JSON.stringify({ replayVersion: 1, mode: 'process', trial: needsExternal, command: '' }));
    const r = await replay(file, { CHAOS_S3_ENDPOINT: '', CHAOS_S3_BUCKET: '' });
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toMatch(/this trial ran with --store s3 \(services external\) and cannot be replayed without them: .*CHAOS_S3_ENDPOINT/s);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});
