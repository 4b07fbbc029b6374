/**
 * The sink's own record of committed batches against the checkpoint's: an output directory
 * deleted (or emptied) while the checkpoint is kept must stop a restart with a clear error naming
 * both directories (exit 2) — not rebuild only the batches after the last commit and exit 0.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';

const MAIN = path.resolve('dist/runtime/main.js');
let tmp: string | undefined;
afterEach(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('output deleted, checkpoint kept', () => {
  it('a restart is refused with exit 2 naming the checkpoint and the output directory', async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-sink-record-'));
    const ck = path.join(tmp, 'ck');
    const out = path.join(tmp, 'out');
    const input = path.join(tmp, 'in');
    const run = (...extra: string[]) =>
      execa(process.execPath, [MAIN, 'run', '--scenario', 'wordcount', '--seed', '3', '--size', '400', '--max-batch-records', '50', '--checkpoint', ck, '--output', out, '--input', input, ...extra], { reject: false });
    // Killed after batch 3 committed: the checkpoint holds commits 0..3, the output parts 0..3.
    const first = await run('--failpoints', 'commits.written:4:crash');
    expect(first.signal).toBe('SIGKILL');
    fs.rmSync(out, { recursive: true, force: true });
    const second = await run();
    expect(second.exitCode).toBe(2);
    expect(second.stderr).toContain(`checkpoint ${ck} has committed batches 0..3, but output ${out} holds none of them`);
    expect(second.stderr).not.toMatch(/^\s+at /m);

    // A part deleted from the middle is the same story.
    tmp && fs.rmSync(ck, { recursive: true, force: true });
    const fresh = await run('--failpoints', 'commits.written:4:crash');
    expect(fresh.signal).toBe('SIGKILL');
    fs.rmSync(path.join(out, 'part-00000002.jsonl'));
    const third = await run();
    expect(third.exitCode).toBe(2);
    expect(third.stderr).toContain(`output ${out} holds only batches 0..1`);
  });
});
