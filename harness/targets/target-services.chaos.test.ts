/**
 * {s3} placeholders for a target's own use: a plain program (examples/s3-command/s3-copy.json,
 * engine command) writes its output to the local S3 server the harness started for the run
 * (SeaweedFS when installed, else s3rver), under a key prefix of the trial's own; it is SIGKILLed
 * mid-run, restarted, and its output — read back from S3 by the spec's output command — equals the
 * failure-free run's. No Spark here: Spark itself cannot reach S3 without hadoop-aws and the AWS SDK
 * bundle, which the install step does not fetch (README: what was and was not run).
 */
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { liveChildren } from '../process/registry.js';
import { resolveTarget } from './run-target.js';
import { withTargetServices } from './target-services.js';
import { runTargetTrial, targetTrialSpec } from './target-trial.js';

const spec = path.resolve(import.meta.dirname, '..', '..', 'examples', 's3-command', 's3-copy.json');

describe('target services: S3', () => {
  it('a command target writes to the harness-owned S3 server through {s3...}; killed and restarted, its output holds', async () => {
    const target = resolveTarget(spec);
    await withTargetServices(target, async (t) => {
      expect(t.services!.s3!.label).toMatch(/^S3 on (seaweedfs|s3rver).* at http:\/\/127\.0\.0\.1:\d+, bucket chaos$/);
      const h = await runTargetTrial(t, targetTrialSpec(t, 3, [{ kind: 'kill-random', afterEvents: 0, delayMs: 1200 }]));
      expect(h.kills).toBe(1);
      expect(h.incarnations).toHaveLength(2);
      expect(h.reference).toHaveLength(new Set(h.reference).size);
      expect(h.reference.length).toBeGreaterThan(6);
      expect(h.verdicts.find((v) => v.checker === 'exactly-once')).toMatchObject({ ok: true });
      expect(h.ok).toBe(true);
    }, () => undefined);
    expect(liveChildren()).toEqual([]);
  }, 180_000);
});
