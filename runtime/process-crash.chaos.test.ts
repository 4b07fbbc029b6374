/**
 * Real processes, real SIGKILL: `node dist/runtime/main.js engine run ...` killed at failpoints
 * (self-SIGKILL), torn writes of every checkpoint file kind, kills at random instants from outside
 * and lost unsynced writes (--lazy-fs); restarted until done, the output equals the failure-free
 * run. Needs a build (`npx tsc -p tsconfig.json`).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FsCheckpointStore } from '../engine/checkpoint/fs-store.js';
import { Failpoints } from '../engine/failpoints.js';
import { parseEvents } from '../engine/events.js';
import { dropUnsyncedWrites } from '../engine/io/lazy-fs.js';
import { readOutputRows } from '../engine/sinks/read-output.js';
import { referenceRows } from './test-support/sim.js';

const MAIN = path.resolve('dist/runtime/main.js');
const temps: string[] = [];

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-streaming-proc-'));
  temps.push(d);
  return d;
}

afterEach(() => {
  for (const d of temps.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

beforeAll(() => {
  if (!fs.existsSync(MAIN)) throw new Error(`${MAIN} is missing: run npx tsc -p tsconfig.json first`);
});

interface Run {
  scenario: string;
  k: number;
  extra?: string[];
}

function args(r: Run, dir: string): string[] {
  return ['engine', 'run', '--scenario', r.scenario, '--seed', '9', '--size', '300', '--max-batch-records', '30', '--partitions', '3',
    '--checkpoint', path.join(dir, 'checkpoint'), '--output', path.join(dir, 'output'), '--checkpoint-interval', String(r.k), '--snapshot-every', '2', '--retain-batches', '2', ...(r.extra ?? [])];
}

const engine = (argv: string[], opts: { timeout?: number } = {}) => execa('node', [MAIN, ...argv], { reject: false, timeout: opts.timeout ?? 30_000 });

async function outputOf(dir: string): Promise<string[]> {
  return readOutputRows(new FsCheckpointStore(path.join(dir, 'output'), { failpoints: Failpoints.disarmed() }));
}

/** Runs incarnations with faults[i] armed until one exits 0; returns the exits seen. */
async function untilDone(r: Run, dir: string, faults: Array<string | undefined>, lazy = false): Promise<Array<number | string>> {
  const exits: Array<number | string> = [];
  for (let i = 0; i < 12; i++) {
    const fp = faults[i];
    const res = await engine([...args(r, dir), ...(fp ? ['--failpoints', fp] : []), ...(lazy ? ['--lazy-fs'] : [])]);
    exits.push(res.signal ?? res.exitCode ?? -1);
    if (res.exitCode === 0) return exits;
    if (res.signal !== 'SIGKILL' && res.exitCode !== 1) throw new Error(`unexpected exit ${res.exitCode}: ${res.stderr}`);
    if (lazy) {
      dropUnsyncedWrites(path.join(dir, 'checkpoint'));
      dropUnsyncedWrites(path.join(dir, 'output'));
    }
  }
  throw new Error(`not done after 12 incarnations: ${exits.join(',')}`);
}

// [first incarnation's failpoint, later incarnations' failpoints, scenario that surely reaches it]
const CASES: Array<[string, string[], string?]> = [
  ['offsets.written:3:crash', []],
  ['offsets.write:4:tear', []],
  ['state.before-rename:2:crash', [], 'running-totals'],
  ['state.write:2:tear', [], 'wordcount'],
  ['snapshot.write:1:tear', [], 'windowed-counts'],
  ['sink.written:2:crash', []],
  ['sink.write:3:tear', []],
  ['commits.write:3:tear', []],
  ['commits.written:5:crash', ['recovery.state-loaded:crash', 'recovery.replayed-batch:crash']],
  ['retention.begin:4:crash', []],
  ['metadata.write:tear', ['metadata.checked:crash']],
  ['source.write:2:tear', ['source.written:1:crash']],
  ['batch.ran:6:throw', []],
];
const SCENARIOS = ['wordcount', 'running-totals', 'windowed-counts', 'enrichment-join'];

describe('process mode: SIGKILL at failpoints, restart, same output', () => {
  for (const k of [1, 5]) {
    it(`K=${k}: ${CASES.length} failpoints over the four scenarios`, async () => {
      for (const [i, [first, later, only]] of CASES.entries()) {
        const scenario = only ?? SCENARIOS[(i + k) % SCENARIOS.length]!;
        const r = { scenario, k };
        const dir = tempDir();
        const exits = await untilDone(r, dir, [first, ...later]);
        expect(exits[0], `${scenario} ${first} should have killed the first incarnation`).toBe(first.endsWith('throw') ? 1 : 'SIGKILL');
        expect(await outputOf(dir), `${scenario} K=${k} ${first}`).toEqual(await referenceRows({ scenario, seed: 9, size: 300, maxBatchRecords: 30, partitions: 3 }));
      }
    });
  }

  it('kills at random instants from outside (several per run) never change the output', async () => {
    const r = { scenario: 'windowed-counts', k: 2, extra: ['--size', '3000', '--max-batch-records', '100'] };
    const expected = await referenceRows({ scenario: 'windowed-counts', seed: 9, size: 3000, maxBatchRecords: 100, partitions: 3 });
    const dir = tempDir();
    let kills = 0;
    for (let i = 0; i < 30; i++) {
      const sub = engine(args(r, dir));
      // spread over startup, recovery and batches; after 8 kills let it finish
      const delay = 80 + ((i * 53) % 250);
      const timer = i < 8 ? setTimeout(() => sub.kill('SIGKILL'), delay) : undefined;
      const res = await sub;
      clearTimeout(timer);
      if (res.exitCode === 0) break;
      expect(res.signal).toBe('SIGKILL');
      kills++;
    }
    expect(kills).toBeGreaterThan(0);
    expect(await outputOf(dir)).toEqual(expected);
  });

  it('lost unsynced writes (--lazy-fs) after SIGKILL: still the same output', async () => {
    for (const first of ['commits.written:3:crash', 'sink.written:4:crash', 'state.written:3:crash']) {
      const r = { scenario: 'running-totals', k: 1 };
      const dir = tempDir();
      await untilDone(r, dir, [first], true);
      expect(await outputOf(dir), first).toEqual(await referenceRows({ scenario: 'running-totals', seed: 9, size: 300, maxBatchRecords: 30, partitions: 3 }));
    }
  });
});

describe('process mode: refusals and housekeeping', () => {
  it('a restart with a changed partition count exits 2 naming the change', async () => {
    const dir = tempDir();
    const r = { scenario: 'wordcount', k: 1 };
    expect((await engine([...args(r, dir), '--failpoints', 'commits.written:3:crash'])).signal).toBe('SIGKILL');
    const res = await engine([...args(r, dir), '--partitions', '8']);
    expect(res.exitCode, res.stderr).toBe(2);
    expect(res.stderr).toMatch(/partitions changed from 3 to 8/);
    expect(res.stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('a corrupt checkpoint with no fallback exits 2 naming the file', async () => {
    const dir = tempDir();
    const r = { scenario: 'wordcount', k: 1 };
    expect((await engine([...args(r, dir), '--failpoints', 'commits.written:5:crash'])).signal).toBe('SIGKILL');
    fs.writeFileSync(path.join(dir, 'checkpoint', 'offsets', '4'), 'garbage');
    const res = await engine(args(r, dir));
    expect(res.exitCode, res.stderr).toBe(2);
    expect(res.stderr).toMatch(/offsets\/4 is corrupt/);
  });

  it('output holds only committed JSON-lines part files; --clean-checkpoint removes the checkpoint; --events writes NDJSON', async () => {
    const dir = tempDir();
    const eventsFile = path.join(dir, 'events.ndjson');
    const res = await engine([...args({ scenario: 'enrichment-join', k: 1 }, dir), '--clean-checkpoint', '--events', eventsFile]);
    expect(res.exitCode).toBe(0);
    expect(res.stdout).toBe('');
    expect(fs.existsSync(path.join(dir, 'checkpoint'))).toBe(false);
    const visible = fs.readdirSync(path.join(dir, 'output')).filter((f) => !f.startsWith('.'));
    expect(visible.length).toBeGreaterThan(0);
    expect(visible.every((f) => /^part-\d{8}\.jsonl$/.test(f))).toBe(true);
    const events = parseEvents(fs.readFileSync(eventsFile, 'utf8'));
    expect(events.filter((e) => e.type === 'engine.started')).toHaveLength(1);
    expect(events.at(-1)!.type).toBe('engine.finished');
  });

  it('bad flags exit 2 with a message, never a stack', async () => {
    for (const bad of [['--seed', 'x'], ['--checkpoint-interval', '-1'], ['--failpoints', 'nope:crash'], ['--failpoints', 'offsets.written:boom'], ['--mutant', 'no-such'], ['--sink', 'nope'], ['--late-fraction', '2']]) {
      const res = await engine([...args({ scenario: 'wordcount', k: 1 }, tempDir()), ...bad]);
      expect(res.exitCode, bad.join(' ')).toBe(2);
      expect(res.stderr, bad.join(' ')).toMatch(/^engine: /);
      expect(res.stderr).not.toMatch(/\n\s+at /);
    }
    const unknown = await engine(['engine', 'run', '--scenario', 'nope', '--seed', '1', '--size', '1', '--checkpoint', tempDir(), '--output', tempDir()]);
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/unknown scenario "nope"/);
  });

  it('the append sink is at-least-once: a crash between sink and commit duplicates a batch', async () => {
    const dir = tempDir();
    const r = { scenario: 'running-totals', k: 1, extra: ['--sink', 'append'] };
    await untilDone(r, dir, ['sink.done:3:crash']);
    const got = await outputOf(dir);
    const expected = await referenceRows({ scenario: 'running-totals', seed: 9, size: 300, maxBatchRecords: 30, partitions: 3 });
    expect(new Set(got)).toEqual(new Set(expected)); // nothing lost
    expect(got.length).toBeGreaterThan(expected.length); // batch 2 twice
  });
});
