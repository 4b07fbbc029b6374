import { describe, expect, it } from 'vitest';
import { execa } from 'execa';
import * as path from 'node:path';
import { UserError } from '../../engine/index.js';
import { bundledJobs as allScenarios } from '../../runtime/jobs.js';
import { checkTunableScenario, parseBatchRecords, parseCount, parseDuration, parseIntervals, parseTuneFlags, tuneDefaults } from './options.js';

function userError(fn: () => unknown): UserError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).exitCode).toBe(2);
    return err as UserError;
  }
  throw new Error('expected a UserError');
}

describe('--mtbf durations', () => {
  it.each([
    ['10m', 600_000],
    ['30s', 30_000],
    ['1h', 3_600_000],
    ['250ms', 250],
    ['1h30m', 5_400_000],
    ['1.5h', 5_400_000],
    ['2d', 172_800_000],
  ])('%s = %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it('refuses a bare number, naming the units to add', () => {
    expect(userError(() => parseDuration('600')).message).toMatch(/--mtbf "600".*needs a unit, e.g. 600ms or 600s/);
  });

  it.each(['', 'ten minutes', '10 minutes', '-5m', '10m garbage', 'm', '0s'])('refuses "%s"', (text) => {
    expect(userError(() => parseDuration(text)).message).toMatch(/--mtbf/);
  });
});

describe('--intervals', () => {
  it('parses, sorts and dedupes whole batch counts', () => {
    expect(parseIntervals('1,2,5,10,20')).toEqual([1, 2, 5, 10, 20]);
    expect(parseIntervals(' 20, 5 ,5,1')).toEqual([1, 5, 20]);
  });

  it('says that 0 (off) is always measured', () => {
    expect(userError(() => parseIntervals('0,5')).message).toMatch(/0 means checkpointing off.*always measured/);
  });

  it.each(['', '1,,2', '1.5', 'a,b', '-1', '1;2'])('refuses "%s" with the expected form', (text) => {
    expect(userError(() => parseIntervals(text)).message).toMatch(/--intervals .*comma-separated list like 1,2,5,10,20/);
  });
});

describe('counts and scenarios', () => {
  it('checks ranges', () => {
    expect(parseCount('3', '--repeat', 1, 50)).toBe(3);
    expect(userError(() => parseCount('0', '--repeat', 1, 50)).message).toBe('bad --repeat "0": expected a whole number from 1 to 50');
    userError(() => parseCount('two', '--repeat', 1, 50));
    userError(() => parseCount('51', '--repeat', 1, 50));
  });

  it('refuses an unknown scenario and lists the known ones', () => {
    expect(userError(() => checkTunableScenario('no-such-scenario')).message).toMatch(/unknown scenario "no-such-scenario"/);
  });

  it('refuses a batch scenario: only streaming scenarios have checkpoint intervals', () => {
    const batch = allScenarios.find((s) => s.kind === 'batch');
    expect(batch, 'a batch scenario is registered').toBeDefined();
    expect(userError(() => checkTunableScenario(batch!.name)).message).toMatch(/needs a streaming scenario/);
  });

  it('reads records per batch as a list, the first one the base', () => {
    expect(parseBatchRecords('5000,20000')).toEqual([5000, 20000]);
    expect(parseBatchRecords('20000, 5000,20000')).toEqual([20000, 5000]);
    expect(userError(() => parseBatchRecords('5000,lots')).message).toMatch(/bad --max-batch-records "lots"/);
  });

  it('accepts the defaults', () => {
    const opts = parseTuneFlags({ ...tuneDefaults, recovery: true });
    expect(opts).toMatchObject({ scenario: 'wordcount', intervals: [1, 2, 5, 10, 20], mtbfMs: 600_000, repeat: 2, budgetMs: 600_000, batchRecords: [5000, 20000] });
  });
});

describe('chaos tune on the command line', () => {
  const cli = path.resolve('dist/harness/cli.js');
  it.each([
    [['--intervals', '1,x'], /bad --intervals "1,x"/],
    [['--mtbf', '10'], /bad --mtbf "10"/],
    [['--repeat', '0'], /bad --repeat "0"/],
    [['--budget', '5'], /bad --budget "5".*needs a unit/],
    [['--max-batch-records', '100,0'], /bad --max-batch-records "0"/],
    [['--scenario', 'nope'], /unknown scenario "nope"/],
    [['--bogus'], /unknown option '--bogus'/],
  ])('%j exits 2 with a clear message and no stack', async (args, message) => {
    const res = await execa(process.execPath, [cli, 'tune', ...args], { reject: false, env: { NO_COLOR: '1' } });
    expect(res.exitCode).toBe(2);
    expect(res.stderr).toMatch(message);
    expect(res.stderr).not.toMatch(/\n\s+at /);
    expect(res.stdout).toBe('');
  });
});
