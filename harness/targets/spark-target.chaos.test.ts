/**
 * A small real Spark chaos run (pyspark 4.1.1, local[2], the failpoint jar plugged in): the windowed
 * aggregation holds after the JVM is halted between its sink write and commits/N, and the planted
 * foreachBatch bug (append without dedup by batch id, declared exactly-once) is caught there as
 * duplicated rows. Skipped only when Spark is not installed (no <services>/spark/ready.json).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { liveChildren } from '../process/registry.js';
import { NOT_INSTALLED, findSpark } from './spark/spark-install.js';
import { resolveTarget } from './run-target.js';
import { runTargetTrial, targetTrialSpec } from './target-trial.js';

const spark = findSpark();
/** A hang guard, not a speed goal: a Spark JVM starts in 10–60 s on a loaded 2-core machine. */
const SPARK_TEST_TIMEOUT_MS = 600_000;
const examples = path.resolve(import.meta.dirname, '..', '..', 'examples', 'spark');

/** The example spec with a smaller input (a copy next to the original, so {spec-dir} still finds the job). */
function smallTarget(name: string) {
  const spec = JSON.parse(fs.readFileSync(path.join(examples, `${name}.json`), 'utf8'));
  spec.input = { ...spec.input, files: 2, linesPerFile: spec.input.format === 'events' ? 12 : 4, keys: 3 };
  const file = path.join(examples, `.test-${name}-${process.pid}.json`);
  fs.writeFileSync(file, JSON.stringify(spec));
  try {
    return resolveTarget(file);
  } finally {
    fs.rmSync(file);
  }
}

describe.skipIf(!spark)(`Spark target (${spark ? `spark ${spark.version}` : NOT_INSTALLED})`, () => {
  it('windowed aggregation: halted between _spark_metadata and commits/0, the restart still equals the failure-free run', async () => {
    const target = smallTarget('windowed');
    const h = await runTargetTrial(target, targetTrialSpec(target, 7, [{ kind: 'kill-failpoint', failpoint: 'commits.before', occurrence: 1 }]));
    expect(h.incarnations[0]!.faultsHit.map((f) => f.where)).toEqual(['commits.before:1 (JVM halted)']);
    expect(h.kills).toBe(1);
    // The restarted query re-ran batch 0 (offsets logged, no commit): it reached commits.written for n=0 again.
    expect(h.incarnations[1]!.points).toContain('commits.written#1 n=0');
    expect(h.verdicts.find((v) => v.checker === 'exactly-once')).toMatchObject({ ok: true });
    expect(h.reference.length).toBeGreaterThan(0);
    expect(h.ok).toBe(true);
    expect(liveChildren()).toEqual([]);
  }, SPARK_TEST_TIMEOUT_MS);

  it('planted bug: foreachBatch appending without dedup by batch id duplicates the re-run batch, and is caught', async () => {
    const target = smallTarget('wordcount-foreachbatch-bug');
    const h = await runTargetTrial(target, targetTrialSpec(target, 7, [{ kind: 'kill-failpoint', failpoint: 'commits.before', occurrence: 1 }]));
    expect(h.kills).toBe(1);
    const v = h.verdicts.find((x) => x.checker === 'exactly-once')!;
    expect(v.ok).toBe(false);
    expect(v.counts!.duplicated).toBeGreaterThan(0);
    expect(v.counts!.lost).toBe(0);
    expect(h.ok).toBe(false);
    expect(liveChildren()).toEqual([]);
  }, SPARK_TEST_TIMEOUT_MS);
});
