/**
 * The case, for real: two engine processes on ONE fs checkpoint, the second started with a
 * legal change of --max-batch-records while the first (paused mid-batch by a delay failpoint) is
 * still alive. Before fencing both ran to exit 0 and the output silently mixed two batch plans.
 * Now the write-once checkpoint files (offsets/N, commits/N) are published without overwrite: the
 * stale engine's next plan collides with its successor's, it stops with a clear "fenced" message
 * and exit 1, and the output is exactly what a crash of the first engine followed by a restart
 * with the new setting produces — one plan per batch, nothing mixed.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { spawnEngine } from '../process/engine-process.js';
import { makeTempDir, removeTempDir } from '../process/registry.js';
import { readOutputRows } from '../../engine/sinks/read-output.js';
import { FsCheckpointStore } from '../../engine/checkpoint/fs-store.js';
import { Failpoints } from '../../engine/failpoints.js';
import { runTrial } from '../trial/run-trial.js';
import type { TrialSpec } from '../history.js';

const root = makeTempDir('chaos-zombie-');
afterAll(() => removeTempDir(root));

const base = (dir: string, maxBatch: number) => [
  'run', '--scenario', 'wordcount', '--seed', '7', '--size', '600', '--partitions', '2',
  '--checkpoint', path.join(dir, 'checkpoint'), '--output', path.join(dir, 'output'), '--max-batch-records', String(maxBatch),
];

async function rows(dir: string): Promise<string[]> {
  return readOutputRows(new FsCheckpointStore(path.join(dir, 'output'), { failpoints: Failpoints.disarmed() }));
}

describe('a zombie engine on an fs checkpoint (two engines, different --max-batch-records)', () => {
  it('the stale engine is fenced (exit 1, "fenced: …"), its successor finishes, and the output holds one plan per batch', async () => {
    // Expected: engine A (30 per batch) dies in batch 2 before its sink write; engine B (70) takes over.
    const ref = path.join(root, 'reference');
    fs.mkdirSync(ref);
    const crashed = await spawnEngine([...base(ref, 30), '--failpoints', 'sink.begin:3:crash']).done;
    expect(crashed.signal).toBe('SIGKILL');
    const finished = await spawnEngine(base(ref, 70)).done;
    expect(finished.exitCode, finished.stderr).toBe(0);
    const expected = await rows(ref);

    // The zombie: A pauses 6 s in batch 2 before its sink write (offsets/2 written, not committed).
    const dir = path.join(root, 'zombie');
    fs.mkdirSync(dir);
    let paused!: () => void;
    const pausedAt = new Promise<void>((resolve) => (paused = resolve));
    const a = spawnEngine([...base(dir, 30), '--failpoints', 'sink.begin:3:delay:6000'], {
      onEvent: (e) => {
        if (e.type === 'failpoint.fired') paused();
      },
    });
    await pausedAt;
    const b = await spawnEngine(base(dir, 70)).done;
    const zombie = await a.done;

    expect(b.exitCode, b.stderr).toBe(0);
    expect(zombie.exitCode, zombie.stderr).toBe(1);
    expect(zombie.stderr).toMatch(/fenced: another writer already published checkpoint file (offsets|commits)\/\d+ at .* this writer is stale/);
    expect(await rows(dir)).toEqual(expected);
  });
});

describe('the zombie fault kind (process mode, fs checkpoint)', () => {
  const trial = (pause: boolean): TrialSpec => ({
    scenario: 'running-totals',
    kind: 'streaming',
    seed: 11,
    input: { size: 500 },
    config: { partitions: 2, checkpointInterval: 1, executors: 0, maxBatchRecords: 25, store: 'fs', source: 'log', sink: 'files' },
    schedule: { faults: [{ kind: 'zombie', afterEvents: 6, pause, resumeAfterEvents: 12 }], lostWrites: false },
    checkDeterminism: false,
  });

  it.each([true, false])('pause=%s: the successor finishes, the zombie is fenced or finishes cleanly, the output equals the reference', async (pause) => {
    const h = await runTrial(trial(pause), 'process');
    const zombie = h.incarnations[0]!;
    expect(zombie.faultsHit).toEqual([expect.objectContaining({ kind: 'zombie', where: expect.stringMatching(pause ? /^paused \(SIGSTOP\) after event #6; successor pid \d+ started on the same checkpoint, resumed \(SIGCONT\)/ : /^left running after event #6; successor pid \d+/) })]);
    // The successor finishes — at once, or (when the zombie ran on and won a write-once file first)
    // after being refused with "fenced" and restarted.
    expect(h.incarnations.at(-1)!.exit.code).toBe(0);
    for (const inc of h.incarnations.slice(1, -1)) expect(inc.stderrTail).toMatch(/fenced/);
    if (pause) expect(zombie.stderrTail).toMatch(/fenced: another writer already published checkpoint file/);
    const verdict = h.verdicts.find((v) => v.checker === 'zombie-fenced');
    expect(verdict, JSON.stringify(h.verdicts)).toMatchObject({ ok: true });
    expect(h.verdicts.filter((v) => !v.ok), JSON.stringify(h.verdicts)).toEqual([]);
  });
});
