/**
 * A batch checkpoint part whose bytes are a complete, validly framed part of another partition (a
 * stale or misplaced file: what a restore into the wrong place or a dead attempt leaves) must not
 * be reused as this partition: the part carries no row-level identity, so only the frame's bound
 * key (engine/checkpoint/codec.ts) tells. The re-run must produce the failure-free output.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterEach, describe, expect, it } from 'vitest';
import { canonicalLines, readJsonLinesOutput } from '../engine/batch/output.js';

const MAIN = path.resolve('dist/runtime/main.js');
let tmp: string | undefined;
afterEach(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('stale batch checkpoint part', () => {
  it('is not reused as another partition: the re-run equals the failure-free output', async () => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-stale-part-'));
    const run = (ck: string, out: string, ...extra: string[]) =>
      execa(process.execPath, [MAIN, 'run', '--scenario', 'pagerank', '--seed', '4', '--size', '200', '--checkpoint', ck, '--output', out, ...extra], { reject: false });
    const ref = await run(path.join(tmp, 'ref-ck'), path.join(tmp, 'ref-out'));
    expect(ref.exitCode, ref.stderr).toBe(0);
    const expected = canonicalLines(await readJsonLinesOutput(path.join(tmp, 'ref-out')));

    const ck = path.join(tmp, 'ck');
    // Killed right after the first named checkpoint (ranks-3) became complete (manifest, then its name pointer).
    const first = await run(ck, path.join(tmp, 'out1'), '--failpoints', 'manifest.written:2:crash');
    expect(first.signal).toBe('SIGKILL');
    const parts = (fs.readdirSync(ck, { recursive: true }) as string[]).filter((f) => /part-00001$/.test(f));
    expect(parts.length).toBeGreaterThan(0);
    for (const p of parts) fs.copyFileSync(path.join(ck, p.replace(/part-00001$/, 'part-00000')), path.join(ck, p));

    const second = await run(ck, path.join(tmp, 'out2'));
    expect(second.exitCode, second.stderr).toBe(0);
    expect(canonicalLines(await readJsonLinesOutput(path.join(tmp, 'out2')))).toEqual(expected);
    // It said why it did not reuse the checkpoint, naming the file.
    expect(second.stdout).toMatch(/checkpoint\.unusable.*part-00001.*written as .*part-00000/);
  });
});
