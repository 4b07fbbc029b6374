/**
 * Process mode: every incarnation is a real `chaos engine run` process over fs stores in a temp
 * directory, killed with a real SIGKILL — by an armed failpoint inside it (exact protocol steps),
 * by a timer after its n-th event (a random instant), or by killing one of its executors.
 * With lost writes on, the engine runs over a lazy filesystem and after each kill its unsynced
 * writes are dropped before the restart, as a power cut would.
 *
 * A zombie fault does not kill: after the old incarnation's n-th event (paused with SIGSTOP, or left
 * running) its successor is started on the same checkpoint; the old one is resumed (SIGCONT) once the
 * successor has reached its m-th event. The successor is the next incarnation the restart loop runs
 * (it is adopted, not spawned again); the zombie's own exit is judged by the restart loop.
 */
import { corruptCheckpointDir } from '../faults/corrupt-checkpoint.js';
import { ghostSpec, plantDeadAttempt } from '../faults/dead-attempt.js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { dropUnsyncedWrites, Failpoints, FsCheckpointStore, UserError } from '../../engine/index.js';
import type { Fault, TrialSpec } from '../history.js';
import { failpointFlag } from '../faults/failpoint-spec.js';
import { spawnEngine, type EngineProcess, type SpawnOptions } from '../process/engine-process.js';
import { processNemesis } from '../faults/process-nemesis.js';
import { openTrialS3Store, readTrialOutputs, servicesViewFromEngineArgs } from '../services/trial-io.js';
import type { ServiceHandle } from '../services/types.js';
import { makeTempDir, removeTempDir } from '../process/registry.js';
import type { IncarnationDriver, IncarnationResult } from './driver.js';
import { trialEngineRun } from './engine-options.js';
import { toArgv } from '../../runtime/engine-run.js';
import { seedKafkaSourceOf } from '../../runtime/run-command.js';
import { lostWritesSides } from './lost-writes.js';
import { readBatchLines } from '../oracle/output-readers.js';

export interface ProcessDriverOptions {
  deadline: number;
  engineArgs?: string[];
  env?: Record<string, string>;
  /** The run's S3 server, for storage faults. */
  storage?: ServiceHandle;
  /** The run's Kafka broker, for broker faults. */
  broker?: ServiceHandle;
}

/**
 * Kafka open retry budget of engines in Kafka trials: a broker the nemesis restarted takes seconds
 * (a JVM) to answer again; an engine started meanwhile waits for it instead of failing its config check.
 */
const KAFKA_TRIAL_ENV: Record<string, string> = { CHAOS_KAFKA_OPEN_TIMEOUT_MS: '90000' };

/**
 * S3 retry budget of engines in trials with storage faults, so an outage longer than it fails the
 * attempt (exit 1) within seconds instead of the engine's default 30 s. The caller's env wins.
 */
const STORAGE_FAULT_RETRY_ENV: Record<string, string> = { CHAOS_S3_ATTEMPT_TIMEOUT_MS: '1500', CHAOS_S3_TOTAL_TIMEOUT_MS: '4000', CHAOS_S3_ATTEMPTS: '4' };

const isStorageFault = (f: Fault | undefined) => f?.kind === 'storage-restart' || f?.kind === 'storage-outage';

/** `--executor-failpoints` for an executor kill armed inside the first executor. */
function executorFailpointFlag(fault: Fault | undefined): string | undefined {
  return fault?.kind === 'kill-executor' && fault.executorFailpoint ? `${fault.executorFailpoint}:${fault.executorOccurrence ?? 1}:crash` : undefined;
}

export async function processDriver(spec: TrialSpec, opts: ProcessDriverOptions): Promise<IncarnationDriver> {
  const root = makeTempDir('chaos-trial-');
  const dirs = { checkpoint: path.join(root, 'checkpoint'), output: path.join(root, 'output') };
  const lazyFs = spec.schedule.lostWrites;
  let planned = false;
  let seeded = false;
  const usesKafka = spec.config.source === 'kafka' || spec.config.sink === 'kafka';
  /** `chaos engine run` arguments of one incarnation. */
  const argsFor = (fault: Fault | undefined, partitions: number, of: TrialSpec = spec): string[] => {
    const failpoints = failpointFlag(fault);
    const executorFailpoints = executorFailpointFlag(fault);
    return toArgv(
      trialEngineRun(of, dirs, {
        partitions,
        // A dead attempt's writes (of another spec) are all durable: only the trial's own incarnations lose writes.
        lazyFs: lazyFs && of === spec,
        serviceArgs: opts.engineArgs ?? [],
        ...(failpoints ? { failpoints } : {}),
        ...(executorFailpoints ? { executorFailpoints } : {}),
      }),
    );
  };
  const spawn = (fault: Fault | undefined, partitions: number, onEvent: SpawnOptions['onEvent'], of: TrialSpec = spec) => {
    const storageFaults = spec.schedule.faults.some(isStorageFault);
    return spawnEngine(argsFor(fault, partitions, of), {
      ...(onEvent ? { onEvent } : {}),
      timeoutMs: Math.max(1000, opts.deadline - Date.now()),
      // CHAOS_COVERAGE: the engine reports its coverage points (engine/coverage.ts) as events.
      env: { ...(storageFaults ? STORAGE_FAULT_RETRY_ENV : {}), ...(usesKafka ? KAFKA_TRIAL_ENV : {}), CHAOS_COVERAGE: '1', ...opts.env, ...(spec.config.mutant ? { CHAOS_MUTANT: spec.config.mutant } : {}) },
    });
  };
  /** The successor a zombie fault started, adopted as the next incarnation. */
  let adopted: { index: number; proc: EngineProcess; startedAt: number } | undefined;
  return {
    mode: 'process',
    async run(index: number, fault: Fault | undefined, partitions: number): Promise<IncarnationResult> {
      const adopt = adopted?.index === index ? adopted : undefined;
      const startedAt = adopt?.startedAt ?? Date.now();
      const nemesis = processNemesis(fault, {
        ...(opts.storage ? { storage: opts.storage } : {}),
        ...(opts.broker ? { broker: opts.broker } : {}),
        startSuccessor: () => {
          // The zombie fault: the next incarnation starts now, on the same checkpoint, fault-free.
          const resumeAt = fault?.kind === 'zombie' ? fault.resumeAfterEvents : 1;
          const successor = spawn(undefined, partitions, (_event, n) => {
            if (n === resumeAt) nemesis.resumeZombie(`after the successor's event #${n}`);
          });
          adopted = { index: index + 1, proc: successor, startedAt: Date.now() };
          void successor.done.then(() => nemesis.resumeZombie('when the successor exited'));
          return successor.pid;
        },
      });
      const faultsHit = nemesis.hits;
      if (!seeded && spec.kind === 'streaming' && spec.config.source === 'kafka') {
        // Input injection, like a target spec's: the harness fills the source topic before the first
        // engine starts (dense offsets, so the batch plans match the reference over the local log).
        // Seeded from the first incarnation's own engine run, so the engine finds exactly its input.
        const firstRun = trialEngineRun(spec, dirs, { partitions: spec.config.partitions, lazyFs, serviceArgs: opts.engineArgs ?? [] });
        await seedKafkaSourceOf(firstRun, { ...process.env, ...opts.env });
        seeded = true;
      }
      const proc = adopt ? adopt.proc : spawn(fault, partitions, nemesis.onEvent);
      let exit;
      try {
        exit = await proc.done;
      } finally {
        // A storage server the nemesis took down is back before anything else runs against it.
        await nemesis.settle();
      }
      if (exit.events.length === 0 && exit.exitCode !== 0 && exit.exitCode !== 2 && /ERR_MODULE_NOT_FOUND|Cannot find module|SyntaxError/.test(exit.stderr)) {
        // Not a finding about recovery: the engine build cannot even load.
        const why = exit.stderr.split('\n').find((l) => /Error/.test(l))?.trim() ?? exit.stderr.trim().split('\n')[0];
        throw new UserError(`the engine process could not start (exit ${exit.exitCode}): ${why}. Rebuild with \`npm run build\`.`);
      }
      if (exit.events.some((e) => e.type === 'batch.planned')) planned = true;
      nemesis.disarm();
      const selfKilled = exit.signal === 'SIGKILL' && faultsHit.length > 0;
      const failedOnIoError = fault?.kind === 'io-error' && faultsHit.length > 0 && exit.exitCode !== 0 && exit.signal === null;
      // Storage gone for longer than the engine's retries: the attempt must fail cleanly (exit 1, a
      // message saying so), and then it is restarted like a killed one. Any other exit is judged.
      const failedOnStorage = isStorageFault(fault) && faultsHit.length > 0 && exit.exitCode === 1 && exit.signal === null;
      // The broker killed under it: the attempt fails cleanly (exit 1, "… failed against …") and is restarted.
      const failedOnBroker = fault?.kind === 'broker-restart' && faultsHit.length > 0 && exit.exitCode === 1 && exit.signal === null;
      // A zombie is never restarted itself: its successor already runs (the next incarnation); the restart loop judges its exit.
      const replacedBySuccessor = fault?.kind === 'zombie' && adopted?.index === index + 1;
      // The successor of a zombie that was still running may be the one refused (first writer wins
      // each write-once file, as in Spark's offset and commit logs): restarted like an orchestrator
      // would, once the zombie is gone.
      const refusedBesideZombie = adopt !== undefined && exit.exitCode === 1 && exit.signal === null && /fenced/.test(exit.stderr);
      const killedByNemesis =
        ((exit.signal === 'SIGKILL' && (selfKilled || exit.killedByHarness)) || failedOnIoError || failedOnStorage || failedOnBroker || replacedBySuccessor || refusedBesideZombie) &&
        Date.now() <= opts.deadline;
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
      if (!lazyFs) return { checkpoint: 0, output: 0 };
      // Only a directory on this machine's filesystem can lose unsynced writes (not S3, not Kafka).
      const sides = lostWritesSides(spec.config);
      const where = spec.schedule.lostWritesIn ?? 'both';
      return {
        checkpoint: where !== 'output' && sides.includes('checkpoint') ? dropUnsyncedWrites(dirs.checkpoint) : 0,
        output: where !== 'checkpoint' && sides.includes('output') ? dropUnsyncedWrites(dirs.output) : 0,
      };
    },
    async readOutputs() {
      if (spec.kind === 'batch') return readBatchOutputs(spec, dirs, opts);
      // Wherever the sink wrote (files on disk, files on S3, a Kafka topic): never a local stand-in.
      return readTrialOutputs(servicesViewFromEngineArgs(opts.engineArgs ?? [], opts.env ?? {}, spec.config.sink), dirs);
    },
    async corruptCheckpoint(scope) {
      // At rest only where this machine holds the files (the fs store); the fault is not drawn otherwise.
      return spec.kind === 'streaming' && spec.config.store === 'fs' ? corruptCheckpointDir(dirs.checkpoint, scope) : [];
    },
    async plantDeadAttempt(fault, partitions) {
      // At rest only where this machine holds both directories (fs checkpoint, files sink); the fault is not drawn otherwise.
      if (spec.kind !== 'streaming' || spec.config.store !== 'fs' || spec.config.sink !== 'files') return undefined;
      const disarmed = Failpoints.disarmed();
      const stores = { checkpoint: new FsCheckpointStore(dirs.checkpoint, { failpoints: disarmed }), output: new FsCheckpointStore(dirs.output, { failpoints: disarmed }) };
      return plantDeadAttempt(stores, fault, async (ghost) => {
        const exit = await spawn(ghost, partitions, undefined, ghostSpec(spec, fault)).done;
        const fired = exit.events.some((e) => e.type === 'failpoint.fired');
        return { killed: exit.signal === 'SIGKILL' && fired, events: exit.events, exit: exit.signal ?? `exit ${exit.exitCode}` };
      });
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

/** A batch job's part files, where it wrote them: the --output directory, or under it on S3 (--sink s3). */
async function readBatchOutputs(spec: TrialSpec, dirs: { checkpoint: string; output: string }, opts: ProcessDriverOptions): Promise<string[]> {
  if (spec.config.sink !== 's3') return readBatchLines(dirs.output);
  const store = await openTrialS3Store(servicesViewFromEngineArgs(opts.engineArgs ?? [], opts.env ?? {}, 's3'), dirs.output);
  try {
    return await readBatchLines(store);
  } finally {
    await store.close();
  }
}
