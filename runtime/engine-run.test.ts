/**
 * The one codec for an engine run: for every field of EngineRun, a drawn value survives
 * toArgv -> the slim entry's parser -> fromFlags unchanged (harness/commands/engine.test.ts: the same
 * through `chaos engine run`'s commander parser).
 * A field added to EngineRun without a flag fails to compile (ENGINE_RUN_FIELDS is total); a flag
 * that loses or mangles its value fails here.
 */
import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { ENGINE_RUN_FIELDS, fromFlags, parseEngineArgv, partialFromArgv, toArgv } from './engine-run.js';
import { engineRunArb } from './test-support/engine-run-arb.js';
import { UserError } from '../engine/errors.js';

describe('engine run codec', () => {
  it('the arbitrary draws every field of EngineRun', () => {
    const drawn = new Set<string>();
    fc.assert(fc.property(engineRunArb, (r) => void Object.keys(r).forEach((k) => drawn.add(k))), { numRuns: 300 });
    expect([...drawn].sort()).toEqual(['job', ...Object.keys(ENGINE_RUN_FIELDS)].sort());
  });

  test.prop([engineRunArb], { numRuns: 300 })('toArgv -> slim entry parser -> fromFlags gives back every field', (run) => {
    expect(fromFlags(parseEngineArgv(toArgv(run).slice(1)))).toEqual(run);
  });

  it('--job for a module path, --scenario for a bundled name', () => {
    expect(toArgv({ job: 'wordcount', seed: 1, size: 2, checkpoint: 'c', output: 'o' }).slice(0, 3)).toEqual(['run', '--scenario', 'wordcount']);
    expect(toArgv({ job: './my-job.js', seed: 1, size: 2, checkpoint: 'c', output: 'o' }).slice(0, 3)).toEqual(['run', '--job', './my-job.js']);
  });

  it('bad values are UserErrors naming the flag', () => {
    const base = ['--scenario', 'wordcount', '--seed', '1', '--size', '5', '--checkpoint', 'c', '--output', 'o'];
    const bad = (extra: string[]) => () => fromFlags(parseEngineArgv([...base, ...extra]));
    expect(bad(['--seed', 'x'])).toThrow(/--seed must be a whole number/);
    expect(bad(['--late-fraction', '2'])).toThrow(/--late-fraction must be a number from 0 to 1/);
    expect(bad(['--max-batch-records', '0'])).toThrow(/--max-batch-records must be a whole number >= 1/);
    expect(bad(['--job', './x.js'])).toThrow(/either --scenario NAME or --job PATH, not both/);
    expect(bad(['--nope'])).toThrow(UserError);
    expect(() => fromFlags(parseEngineArgv(['--seed', '1', '--size', '5', '--checkpoint', 'c', '--output', 'o']))).toThrow(/missing --scenario NAME or --job PATH/);
    expect(() => fromFlags(parseEngineArgv(['--scenario', 'w', '--seed', '1', '--size', '5', '--output', 'o']))).toThrow(/missing --checkpoint/);
    expect(fromFlags(parseEngineArgv(['--scenario', 'w', '--seed', '1', '--size', '5', '--output', 'o', '--store', 's3'])).checkpoint).toBeUndefined();
  });

  it('partialFromArgv reads a subset (the services flags a harness adds)', () => {
    expect(partialFromArgv(['--store', 's3', '--s3-endpoint', 'http://h:1', '--kafka-brokers', 'a:1,b:2'])).toEqual({ store: 's3', s3Endpoint: 'http://h:1', kafkaBrokers: 'a:1,b:2' });
  });
});
