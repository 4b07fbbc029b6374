/**
 * `chaos check FILE` re-judges a stored History: History files are written for every failing trial
 * (and with --keep-histories for all), a failing one re-judges as failing (exit 1), a passing one as
 * holding (exit 0), a History whose outputs were changed is judged by its data, and a file that is
 * not a History is exit 2. Real CLI processes (build first).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import { distEntry } from '../services/dist-entry.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-check-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const chaos = (args: string[]) => execa(process.execPath, [distEntry('harness/cli.js'), ...args], { reject: false, timeout: 120_000, env: { NO_COLOR: '1' } });

describe('chaos check', () => {
  it('re-judges History files written by chaos run (failing always, all with --keep-histories)', async () => {
    const out = path.join(dir, 'run');
    const run = await chaos(['run', '--mode', 'sim', '--scenario', 'running-totals', '--mutant', 'commit-before-sink', '--runs', '15', '--seed', '3', '--out', out, '--json']);
    expect(run.exitCode, run.stderr).toBe(1);
    const summary = JSON.parse(run.stdout) as { failures: { historyFile: string; checkCommand: string; checkers: string[] }[] };
    // Without --keep-histories: the failing trials' Histories only (shrink candidates are not written).
    const files = fs.readdirSync(path.join(out, 'histories'));
    expect(files.length).toBeGreaterThanOrEqual(1);
    for (const f of files) expect((JSON.parse(fs.readFileSync(path.join(out, 'histories', f), 'utf8')) as { ok: boolean }).ok).toBe(false);
    const failure = summary.failures[0]!;
    expect(failure.checkCommand).toContain(' check ');

    const failing = await chaos(['check', failure.historyFile, '--json']);
    expect(failing.exitCode).toBe(1);
    const judged = JSON.parse(failing.stdout) as { ok: boolean; verdicts: { checker: string; ok: boolean }[]; changed: string[] };
    expect(judged.ok).toBe(false);
    expect(judged.verdicts.filter((v) => !v.ok).map((v) => v.checker)).toEqual(failure.checkers);
    expect(judged.changed).toEqual([]);

    // The correct engine: every trial holds, and --keep-histories keeps each one.
    const goodOut = path.join(dir, 'good');
    const good = await chaos(['run', '--mode', 'sim', '--scenario', 'running-totals', '--runs', '6', '--seed', '3', '--keep-histories', '--out', goodOut]);
    expect(good.exitCode, good.stderr).toBe(0);
    const kept = fs.readdirSync(path.join(goodOut, 'histories'));
    expect(kept).toHaveLength(6);
    const passingFile = kept.map((f) => path.join(goodOut, 'histories', f)).find((f) => (JSON.parse(fs.readFileSync(f, 'utf8')) as { verdicts: { checker: string }[] }).verdicts.some((v) => v.checker === 'exactly-once'))!;
    expect(passingFile).toBeDefined();
    const passing = await chaos(['check', passingFile]);
    expect(passing.exitCode, passing.stdout).toBe(0);
    expect(passing.stdout).toMatch(/^ok +exactly-once: output equals the failure-free run/m);

    // Take a row out of a passing History's outputs: it is judged by its data now.
    const tampered = JSON.parse(fs.readFileSync(passingFile, 'utf8')) as { outputs: string[] };
    tampered.outputs = tampered.outputs.slice(1);
    const tamperedFile = path.join(dir, 'tampered.json');
    fs.writeFileSync(tamperedFile, JSON.stringify(tampered));
    const rejudged = await chaos(['check', tamperedFile, '--json']);
    expect(rejudged.exitCode).toBe(1);
    expect((JSON.parse(rejudged.stdout) as { changed: string[] }).changed).toContain('exactly-once');

    // A replay file holds a History too.
    const replayFiles = fs.readdirSync(path.join(out, 'replays'));
    expect((await chaos(['check', path.join(out, 'replays', replayFiles[0]!)])).exitCode).toBe(1);
  });

  it('a file that is not a History is exit 2 with one line saying so', async () => {
    const notHistory = path.join(dir, 'x.json');
    fs.writeFileSync(notHistory, '{"hello": 1}');
    const r = await chaos(['check', notHistory]);
    expect(r.exitCode).toBe(2);
    expect(r.stderr.trim()).toMatch(/^chaos: .*x\.json is not a History/);
    const missing = await chaos(['check', path.join(dir, 'nope.json')]);
    expect(missing.exitCode).toBe(2);
    expect(missing.stderr).toMatch(/cannot read .*nope\.json: ENOENT/);
  });
});
