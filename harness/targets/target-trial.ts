/**
 * One chaos trial of an external target: the failure-free reference (a run of the same target
 * with the same input and no faults, cached on disk by spec + input + master + engine version),
 * the restart loop with the trial's faults, and the checkers its declared semantics pick
 * (exactly-once: output multiset equals the reference; at-least-once: nothing lost or wrong).
 * Returns the same History the built-in engine's trials produce.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../../engine/index.js';
import { newHistory, type History, type TargetRef, type TrialSpec, type Verdict } from '../history.js';
import { checkAtLeastOnce, checkExactlyOnce } from '../oracle/checkers.js';
import { defaultReferenceCacheDir, ReferenceDiskCache } from '../oracle/reference-disk-cache.js';
import { restartUntilDone } from '../trial/restart-loop.js';
import { generateInput, inputHash } from './input-files.js';
import { TargetDriver, type ResolvedTarget } from './target-driver.js';

/** The reference of one input: rows, and how often each named point was reached (to aim failpoints). */
export interface TargetReference {
  rows: string[];
  pointCounts: Record<string, number>;
  /** Named points reached in order (for random kills: "after the n-th point"). */
  points: number;
  ms: number;
}

const memo = new Map<string, TargetReference>();

export function targetRef(target: ResolvedTarget): TargetRef {
  return {
    spec: target.spec.file,
    sha256: target.spec.sha256,
    master: target.master,
    ...(target.spark ? { engine: `spark ${target.spark.version} (Java ${target.spark.java}, Scala ${target.spark.scala})` } : {}),
    prestart: target.prestart && target.spec.prestart,
  };
}

/** The TrialSpec of a target trial (the fields the built-in engine's checkers and reports read). */
export function targetTrialSpec(target: ResolvedTarget, seed: number, faults: TrialSpec['schedule']['faults']): TrialSpec {
  const i = target.spec.input;
  return {
    scenario: target.spec.name,
    kind: target.spec.kind,
    seed,
    input: { size: i.files * i.linesPerFile, keys: i.keys },
    config: { partitions: 2, checkpointInterval: 1, executors: 0, maxBatchRecords: i.linesPerFile, store: 'fs', source: 'log', sink: 'files' },
    schedule: { faults, lostWrites: false },
    checkDeterminism: false,
    target: targetRef(target),
  };
}

/**
 * The job's code is part of the key, not only the spec: every file next to the spec (the job
 * scripts an example's spec points at) is hashed, so editing a job invalidates its reference.
 */
function jobFilesHash(target: ResolvedTarget): string {
  const h = createHash('sha256');
  const dir = path.dirname(target.spec.file);
  for (const name of fs.readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    const st = fs.statSync(file);
    if (st.isFile() && st.size < 1_000_000) h.update(name).update('\0').update(fs.readFileSync(file)).update('\0');
  }
  return h.digest('hex');
}

function referenceKey(target: ResolvedTarget, seed: number): string {
  const files = generateInput(target.spec.input, seed);
  return createHash('sha256')
    .update(['target-v1', target.spec.sha256, jobFilesHash(target), inputHash(files), target.master, target.spark?.version ?? '', target.spark?.failpointJar ?? ''].join('\0'))
    .digest('hex')
    .slice(0, 32);
}

/** Run the target once without faults (or take it from the cache). A failed reference run is a setup problem (exit 2). */
export async function targetReference(target: ResolvedTarget, seed: number): Promise<TargetReference> {
  const key = referenceKey(target, seed);
  const hit = memo.get(key);
  if (hit) return hit;
  const dir = defaultReferenceCacheDir();
  const cache = dir ? new ReferenceDiskCache(dir) : undefined;
  const cached = cache?.get(key);
  if (cached && cached[0]?.startsWith('#meta ')) {
    const meta = JSON.parse(cached[0].slice(6)) as Omit<TargetReference, 'rows'>;
    const ref = { ...meta, rows: cached.slice(1) };
    memo.set(key, ref);
    return ref;
  }
  const spec = targetTrialSpec(target, seed, []);
  const started = Date.now();
  const driver = new TargetDriver({ ...target, prestart: false }, spec, Date.now() + target.spec.timeouts.trialMs);
  try {
    const r = await driver.run(0, undefined);
    if (r.exit.code !== 0) {
      throw new UserError(
        `the failure-free run of target ${target.spec.name} failed (exit ${r.exit.code ?? r.exit.signal}); fix the job or its spec first. Last lines:\n${(r.stderrTail ?? '').trim()}`,
      );
    }
    const rows = await driver.readOutputs();
    if (rows.length === 0) throw new UserError(`the failure-free run of target ${target.spec.name} wrote no output rows: check "output" in ${target.spec.file}`);
    const pointCounts: Record<string, number> = {};
    for (const e of driver.points[0] ?? []) pointCounts[e.point!] = Math.max(pointCounts[e.point!] ?? 0, e.occurrence);
    const ref: TargetReference = { rows, pointCounts, points: (driver.points[0] ?? []).length, ms: Date.now() - started };
    memo.set(key, ref);
    cache?.put(key, [`#meta ${JSON.stringify({ pointCounts, points: ref.points, ms: ref.ms })}`, ...rows]);
    return ref;
  } finally {
    await driver.dispose();
  }
}

export async function runTargetTrial(target: ResolvedTarget, spec: TrialSpec): Promise<History> {
  const startedAt = Date.now();
  const verdicts: Verdict[] = [];
  const history = newHistory(spec, 'process', target.spec.semantics, startedAt, verdicts);

  // The reference (when not cached) runs beside the trial: they share nothing but the input seed.
  const referenceRun = targetReference(target, spec.seed);
  referenceRun.catch(() => undefined);
  const deadline = Date.now() + target.spec.timeouts.trialMs;
  const driver = new TargetDriver(target, spec, deadline);
  try {
    const loop = await restartUntilDone(spec, driver, deadline);
    const reference = await referenceRun;
    history.reference = reference.rows;
    history.incarnations = loop.incarnations.map((inc) => {
      const pts = driver.points[inc.index];
      return pts ? { ...inc, points: pts.map((p) => `${p.point}#${p.occurrence}${p.n !== undefined && p.n >= 0 ? ` n=${p.n}` : ''}`) } : inc;
    });
    history.kills = loop.kills;
    verdicts.push(...loop.verdicts);
    if (loop.finished) {
      const outputs = await driver.readOutputs();
      history.outputs = outputs;
      verdicts.push(target.spec.semantics === 'exactly-once' ? checkExactlyOnce(reference.rows, outputs) : checkAtLeastOnce(reference.rows, outputs));
    }
  } finally {
    await driver.dispose();
  }
  history.ok = verdicts.every((v) => v.ok);
  history.elapsedMs = Date.now() - startedAt;
  return history;
}
