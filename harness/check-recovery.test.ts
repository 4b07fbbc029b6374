/**
 * checkRecovery carries `requireFaults` to the run (as `chaos run --require-faults`): the summary
 * says it was asked, lists the armed kinds that never struck, and is ok only when none is left.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkRecovery } from './check-recovery.js';

const out = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-check-recovery-'));
afterAll(() => fs.rmSync(out, { recursive: true, force: true }));

describe('checkRecovery requireFaults', () => {
  it('reaches the run: the summary judges armed vs struck', async () => {
    const job = path.resolve('dist/scenarios/streaming/wordcount.js');
    const summary = await checkRecovery({ job, runs: 4, mode: 'sim', seed: 7, faults: ['kill-random', 'kill-failpoint'], requireFaults: true, out });
    expect(summary.requireFaults).toBe(true);
    expect(summary.trials).toBeGreaterThan(0);
    const unstruck = summary.faultKinds.filter((k) => k.armed > 0 && k.struck === 0).map((k) => k.kind);
    expect(summary.unstruck ?? []).toEqual(unstruck);
    expect(summary.ok).toBe(summary.failures.length === 0 && unstruck.length === 0);
  }, 120_000);
});
