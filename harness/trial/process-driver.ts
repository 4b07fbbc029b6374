/**
 * Process mode: every incarnation is a real `chaos engine run` process over fs stores in a temp
 * directory, killed with a real SIGKILL — by an armed failpoint inside it (exact protocol steps),
 * by a timer after its n-th event (a random instant), or by killing one of its executors.
 * With lost writes on, the engine runs over a lazy filesystem and after each kill its unsynced
 * writes are dropped before the restart, as a power cut would.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dropUnsyncedWrites } from '../../engine/io/lazy-fs.js';
import { FsCheckpointStore } from '../../engine/checkpoint/fs-store.js';
import { UserError } from '../../engine/errors.js';
import { Failpoints } from '../../engine/failpoints.js';
import { readOutputRows } from '../../engine/streaming/run.js';
import type { Fault, TrialSpec } from '../history.js';
import { failpointFlag } from '../faults/failpoint-spec.js';
import { spawnEngine } from '../process/engine-process.js';
import { processNemesis } from '../faults/process-nemesis.js';
import { makeTempDir, removeTempDir } from '../process/registry.js';
import type { IncarnationDriver, IncarnationResult } from './driver.js';
import { batchRunArgs, engineRunArgs } from './engine-options.js';
import { canonicalLines, readJsonLinesOutput } from '../../engine/batch/run.js';

export async function processDriver(spec: TrialSpec, opts: { deadline: number; engineArgs?: string[]; env?: Record<string, string> }): Promise<IncarnationDriver> {
  const root = makeTempDir('chaos-trial-');
  const dirs = { checkpoint: path.join(root, 'checkpoint'), output: path.join(root, 'output') };
  const lazyFs = spec.schedule.lostWrites;
  let planned = false;
  return {
    mode: 'process',
    async run(index: number, fault: Fault | undefined, partitions: number): Promise<IncarnationResult> {
      const startedAt = Date.now();
      const failpoints = failpointFlag(fault);
      const nemesis = processNemesis(fault);
      const faultsHit = nemesis.hits;
      const args =
        spec.kind === 'batch'
          ? batchRunArgs(spec, dirs, failpoints)
          : [...engineRunArgs(spec, dirs, { partitions, lazyFs, ...(failpoints ? { failpoints } : {}) }), ...(opts.engineArgs ?? [])];
      const proc = spawnEngine(args, {
        onEvent: nemesis.onEvent,
        timeoutMs: Math.max(1000, opts.deadline - Date.now()),
        env: { ...opts.env, ...(spec.config.mutant ? { CHAOS_MUTANT: spec.config.mutant } : {}) },
      });
      const exit = await proc.done;
      if (exit.events.length === 0 && exit.exitCode !== 0 && exit.exitCode !== 2 && /ERR_MODULE_NOT_FOUND|Cannot find module|SyntaxError/.test(exit.stderr)) {
        // Not a finding about recovery: the engine build cannot even load.
        const why = exit.stderr.split('\n').find((l) => /Error/.test(l))?.trim() ?? exit.stderr.trim().split('\n')[0];
        throw new UserError(`the engine process could not start (exit ${exit.exitCode}): ${why}. Rebuild with \`npm run build\`.`);
      }
      if (exit.events.some((e) => e.type === 'batch.planned')) planned = true;
      nemesis.disarm();
      const selfKilled = exit.signal === 'SIGKILL' && faultsHit.length > 0;
      const failedOnIoError = fault?.kind === 'io-error' && faultsHit.length > 0 && exit.exitCode !== 0 && exit.signal === null;
      const killedByNemesis = ((exit.signal === 'SIGKILL' && (selfKilled || exit.killedByHarness)) || failedOnIoError) && Date.now() <= opts.deadline;
      // An executor kill leaves the driver alive: it recovers in place, so it is a fault hit, not a restart.
      const clean = exit.exitCode === 0;
      return {
        index,
        pid: proc.pid,
        startedAt,
        endedAt: Date.now(),
        exit: { code: exit.exitCode, signal: exit.signal },
        fault,
        faultsHit,
        events: exit.events,
        killed: killedByNemesis,
        ...(!clean && exit.stderr.trim() ? { stderrTail: exit.stderr.trim().split('\n').slice(-8).join('\n') } : {}),
      };
    },
    afterKill() {
      if (!lazyFs) return 0;
      const where = spec.schedule.lostWritesIn ?? 'both';
      return (where !== 'output' ? dropUnsyncedWrites(dirs.checkpoint) : 0) + (where !== 'checkpoint' ? dropUnsyncedWrites(dirs.output) : 0);
    },
    async readOutputs() {
      if (spec.kind === 'batch') return canonicalLines(await readJsonLinesOutput(dirs.output));
      return readOutputRows(new FsCheckpointStore(dirs.output, { failpoints: Failpoints.disarmed() }));
    },
    async hasCheckpoint() {
      if (spec.config.store === 'fs') return fs.existsSync(path.join(dirs.checkpoint, 'metadata'));
      // Elsewhere (S3): metadata is written durably before the first batch is planned.
      return planned;
    },
    async dispose() {
      removeTempDir(root);
    },
  };
}
