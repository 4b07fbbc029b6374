/** The failure-free reference's on-disk cache: hits across processes, misses on another build, never trusts a damaged file. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TrialSpec } from '../history.js';
import { computeEngineIdentity, engineIdentity, overrideEngineIdentity } from './engine-identity.js';
import { ReferenceDiskCache } from './reference-disk-cache.js';
import { clearReferenceCache, diskReferenceKey, referenceOutput, referenceStats, resetReferenceStats } from './reference.js';

const spec = (over: Partial<TrialSpec> = {}, config: Partial<TrialSpec['config']> = {}): TrialSpec => ({
  scenario: 'wordcount',
  kind: 'streaming',
  seed: 11,
  input: { size: 120 },
  config: { partitions: 2, checkpointInterval: 1, executors: 0, maxBatchRecords: 40, store: 'fs', source: 'log', sink: 'files', ...config },
  schedule: { faults: [], lostWrites: false },
  checkDeterminism: false,
  ...over,
});

let cacheRoot: string;
const saved = { dir: process.env['CHAOS_CACHE_DIR'], off: process.env['CHAOS_NO_CACHE'] };
const cacheFiles = () => {
  const dir = path.join(cacheRoot, 'references');
  return fs.existsSync(dir) ? fs.readdirSync(dir).map((f) => path.join(dir, f)) : [];
};
/** A new process: nothing in memory, counters from zero; only the disk remembers. */
const newProcess = () => {
  clearReferenceCache();
  resetReferenceStats();
};

beforeEach(() => {
  cacheRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-refcache-'));
  process.env['CHAOS_CACHE_DIR'] = cacheRoot;
  delete process.env['CHAOS_NO_CACHE'];
  newProcess();
});

afterEach(() => {
  overrideEngineIdentity(undefined);
  fs.rmSync(cacheRoot, { recursive: true, force: true });
  for (const [name, value] of [['CHAOS_CACHE_DIR', saved.dir], ['CHAOS_NO_CACHE', saved.off]] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('reference disk cache', () => {
  it('a second lookup in a new process reads the disk instead of running the engine', async () => {
    const first = await referenceOutput(spec());
    expect(first.length).toBeGreaterThan(0);
    expect(referenceStats()).toEqual({ engineRuns: 1, memoryHits: 0, diskHits: 0 });
    expect(cacheFiles().map((f) => path.basename(f))).toEqual([`${diskReferenceKey(spec())}.json`]);

    newProcess();
    expect(await referenceOutput(spec())).toEqual(first);
    expect(referenceStats()).toEqual({ engineRuns: 0, memoryHits: 0, diskHits: 1 });
    // Within a process the memory answers.
    await referenceOutput(spec());
    expect(referenceStats()).toEqual({ engineRuns: 0, memoryHits: 1, diskHits: 1 });
  });

  it('a key differs in every field that can change the output, and not in the fault schedule', () => {
    const base = diskReferenceKey(spec());
    const variants = [
      spec({ seed: 12 }),
      spec({ scenario: 'running-totals' }),
      spec({ input: { size: 121 } }),
      spec({ input: { size: 120, keys: 5 } }),
      spec({ params: { iterations: 3 } }),
      spec({}, { partitions: 3 }),
      spec({}, { maxBatchRecords: 41 }),
      spec({}, { checkpointInterval: 2 }),
      spec({}, { executors: 2 }),
      spec({}, { sink: 'append' }),
      spec({}, { mutant: 'missing-fsync' }),
    ].map(diskReferenceKey);
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
    expect(diskReferenceKey(spec({ schedule: { faults: [{ kind: 'kill-random', afterEvents: 3, delayMs: 0 }], lostWrites: true }, checkDeterminism: true }))).toBe(base);
    // Key order (a spec read back from a replay file) does not matter.
    const reordered = JSON.parse(JSON.stringify(spec())) as TrialSpec;
    reordered.config = Object.fromEntries(Object.entries(reordered.config).reverse()) as TrialSpec['config'];
    expect(diskReferenceKey(reordered)).toBe(base);
  });

  it('a rebuilt engine (another identity) misses and runs the engine again', async () => {
    overrideEngineIdentity('build-a');
    await referenceOutput(spec());
    newProcess();
    overrideEngineIdentity('build-b');
    await referenceOutput(spec());
    expect(referenceStats()).toEqual({ engineRuns: 1, memoryHits: 0, diskHits: 0 });
    expect(cacheFiles()).toHaveLength(2);
  });

  it('the engine identity changes with the contents of the compiled code', () => {
    const root = fs.mkdtempSync(path.join(cacheRoot, 'build-'));
    fs.mkdirSync(path.join(root, 'engine'));
    fs.writeFileSync(path.join(root, 'engine', 'run.js'), 'export const x = 1;\n');
    const before = computeEngineIdentity(root);
    expect(computeEngineIdentity(root)).toBe(before);
    fs.writeFileSync(path.join(root, 'engine', 'run.js'), 'export const x = 2;\n');
    expect(computeEngineIdentity(root)).not.toBe(before);
    expect(engineIdentity()).toMatch(/^[0-9a-f]{32}$/);
  });

  it('a corrupt or tampered file is not trusted: recomputed and rewritten', async () => {
    const good = await referenceOutput(spec());
    const [file] = cacheFiles();
    const damages = [
      (text: string) => text.slice(0, Math.floor(text.length / 2)), // torn
      () => '', // empty
      (text: string) => text.replace(/"rows":\["/, '"rows":["X'), // parses, but a row changed
      (text: string) => text.replace(/"key":"[0-9a-f]+"/, '"key":"0000"'), // another key's file
    ];
    for (const damage of damages) {
      fs.writeFileSync(file!, damage(fs.readFileSync(file!, 'utf8')));
      newProcess();
      expect(await referenceOutput(spec())).toEqual(good);
      expect(referenceStats().engineRuns).toBe(1);
      newProcess();
      await referenceOutput(spec());
      expect(referenceStats()).toEqual({ engineRuns: 0, memoryHits: 0, diskHits: 1 });
    }
    expect(cacheFiles()).toEqual([file]); // no temp files left behind
  });

  it('the determinism check always runs the engine, even with the reference on disk', async () => {
    await referenceOutput(spec());
    newProcess();
    await referenceOutput(spec({ checkDeterminism: true }));
    await referenceOutput(spec({ checkDeterminism: true }));
    expect(referenceStats()).toEqual({ engineRuns: 2, memoryHits: 0, diskHits: 0 });
  });

  it("a mutant's reference never touches the disk", async () => {
    const mutantSpec = spec({}, { mutant: 'non-deterministic-operator' });
    await referenceOutput(mutantSpec);
    expect(cacheFiles()).toEqual([]);
    // Even a well-formed file planted under its key is not read.
    await referenceOutput(spec());
    const planted = JSON.parse(fs.readFileSync(cacheFiles()[0]!, 'utf8')) as { key: string };
    planted.key = diskReferenceKey(mutantSpec);
    fs.writeFileSync(path.join(cacheRoot, 'references', `${planted.key}.json`), JSON.stringify(planted));
    newProcess();
    await referenceOutput(mutantSpec);
    expect(referenceStats()).toEqual({ engineRuns: 1, memoryHits: 0, diskHits: 0 });
  });

  it('CHAOS_NO_CACHE=1 turns the disk cache off', async () => {
    process.env['CHAOS_NO_CACHE'] = '1';
    await referenceOutput(spec());
    newProcess();
    await referenceOutput(spec());
    expect(referenceStats().engineRuns).toBe(1);
    expect(cacheFiles()).toEqual([]);
  });

  it('an unwritable cache directory costs only the recomputation', async () => {
    const blocker = path.join(cacheRoot, 'not-a-dir');
    fs.writeFileSync(blocker, '');
    process.env['CHAOS_CACHE_DIR'] = blocker;
    const stderr = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      expect((await referenceOutput(spec())).length).toBeGreaterThan(0);
      expect(String(stderr.mock.calls[0]?.[0])).toMatch(/cannot write the reference cache in .*not-a-dir.*CHAOS_CACHE_DIR/);
    } finally {
      stderr.mockRestore();
    }
  });

  it('stays bounded: the least recently used entries and stale temp files are pruned', () => {
    const dir = path.join(cacheRoot, 'references');
    const old = new ReferenceDiskCache(dir, 3);
    for (let i = 0; i < 5; i++) {
      old.put(`k${i}`, [`row ${i}`]);
      const t = new Date(Date.now() - (10 - i) * 60_000); // k0 oldest ... k4 newest
      fs.utimesSync(old.fileFor(`k${i}`), t, t);
    }
    fs.writeFileSync(path.join(dir, 'k9.json.123.abcd.tmp'), '{');
    fs.utimesSync(path.join(dir, 'k9.json.123.abcd.tmp'), new Date(0), new Date(0));
    const next = new ReferenceDiskCache(dir, 3);
    expect(next.get('k0')).toEqual(['row 0']); // a hit makes k0 recently used
    next.put('k5', ['row 5']);
    expect(fs.readdirSync(dir).sort()).toEqual(['k0.json', 'k4.json', 'k5.json']);
  });
});
