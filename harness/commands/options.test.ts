import { describe, expect, it } from 'vitest';
import { UserError } from '../../engine/index.js';
import { parseDuration, parsePositiveInt, parseSeed } from './options.js';

describe('option parsing', () => {
  it('reads durations', () => {
    expect(parseDuration('5m', '--budget')).toBe(300_000);
    expect(parseDuration('2m30s', '--budget')).toBe(150_000);
    expect(parseDuration('1500ms', '--budget')).toBe(1500);
    expect(parseDuration('20', '--budget')).toBe(20_000);
  });
  it('rejects bad values with a message naming the flag and the fix', () => {
    expect(() => parseDuration('5x', '--budget')).toThrow(UserError);
    expect(() => parseDuration('5x', '--budget')).toThrow(/--budget "5x" is not a duration; use e\.g\. 30s/);
    expect(() => parsePositiveInt('0', '--runs')).toThrow(/--runs "0" must be an integer >= 1/);
    expect(() => parseSeed('x')).toThrow(/--seed/);
  });
});
