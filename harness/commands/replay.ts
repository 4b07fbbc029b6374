/** `chaos replay FILE`: re-run exactly the trial a replay file holds and judge it again. */
import type { Command } from 'commander';
import * as fs from 'node:fs';
import { UserError } from '../../engine/index.js';
import type { Fault, Mode, ReplayFile } from '../history.js';
import { parseChoice } from './options.js';
import { checkTrialSpec } from '../trial/trial-spec-check.js';

export function registerReplay(program: Command): void {
  program
    .command('replay')
    .description('re-run the trial of a replay file (written by chaos run on a failure); exit 1 if it fails again')
    .argument('<file>', 'replay file, e.g. out/chaos/replays/wordcount-1a2b3c4d.json')
    .option('--mode <mode>', 'override the mode it failed in: process | sim')
    .option('--json', 'print the new History as JSON on stdout')
    .action(async (file: string, o: { mode?: string; json?: boolean }) => {
      process.exitCode = await replayCommand(file, o);
    });
}

export function readReplayFile(file: string): ReplayFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read replay file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  let replay: ReplayFile;
  try {
    replay = JSON.parse(text) as ReplayFile;
  } catch (err) {
    throw new UserError(`${file} is not a replay file: not JSON (${(err as Error).message})`);
  }
  const t = replay?.trial;
  if (replay?.replayVersion !== 1 || !t || typeof t.scenario !== 'string' || !t.config || !t.schedule || !Array.isArray(t.schedule.faults)) {
    throw new UserError(`${file} is not a chaos replay file (expected replayVersion 1 with a trial); chaos run writes them under <out>/replays/`);
  }
  if (replay.mode !== 'process' && replay.mode !== 'sim') {
    throw new UserError(`${file}: mode is ${JSON.stringify(replay.mode) ?? 'missing'}, but it must be process or sim; fix the replay file or regenerate it with chaos run`);
  }
  checkTrialSpec(t, file);
  return replay;
}

/**
 * The job and recorded input the trial ran must be the ones here: a bundled job must exist, a job
 * module must have the content (sha256) the replay file recorded, recorded input the same records.
 * Anything else would re-run a different trial and call it a replay: refused with exit 2.
 */
export async function checkReplayInputs(replay: ReplayFile, file: string): Promise<void> {
  const { jobModuleHash, loadJob } = await import('../../runtime/jobs.js');
  const ref = replay.trial.scenario;
  if (replay.jobModule) {
    const now = jobModuleHash(ref);
    if (now !== replay.jobModule.sha256) {
      throw new UserError(
        `job module ${ref} changed since ${file} was written (sha256 ${replay.jobModule.sha256.slice(0, 12)}… then, ${now.slice(0, 12)}… now): the replay would run another job. Restore that version of the module, or start a new chaos run.`,
      );
    }
  }
  await loadJob(ref); // unknown scenario, missing module or a bad definition: exit 2 with the reason
  if (replay.trial.input.records !== undefined) {
    const { readRecords } = await import('../../runtime/records.js');
    const id = readRecords(replay.trial.input.records).id;
    if (replay.recordsId !== undefined && id !== replay.recordsId) {
      throw new UserError(`recorded input ${replay.trial.input.records} changed since ${file} was written (${replay.recordsId} then, ${id} now); restore it, or start a new chaos run`);
    }
  }
}

async function replayCommand(file: string, o: { mode?: string; json?: boolean }): Promise<number> {
  const replay = readReplayFile(file);
  if (replay.trial.target) return (await import('./replay-target.js')).replayTarget(replay, o);
  const mode = o.mode ? parseChoice(o.mode, '--mode', ['process', 'sim'] as const) : replay.mode;
  await checkReplayInputs(replay, file);
  if (replay.trial.config.mutant) {
    const { mutants } = await import('../mutants-registry.js');
    if (!(replay.trial.config.mutant in (await mutants()))) throw new UserError(`the replay file needs mutant "${replay.trial.config.mutant}", which this build does not have`);
  }
  (await import('../process/registry.js')).cleanUpOnUncaughtError();
  const { runTrial } = await import('../trial/run-trial.js');
  const { failureMessage } = await import('../oracle/checkers.js');
  let trial = replay.trial;
  if (mode === 'process' && replay.mode === 'sim') {
    // Confirm a simulation finding with real processes: same trial, kills at the same failpoints.
    const { asProcessSchedule } = await import('../faults/failpoint-spec.js');
    const hits = replay.history?.incarnations.map((i) => i.faultsHit) ?? [];
    trial = { ...trial, config: { ...trial.config, store: 'fs' }, schedule: { ...trial.schedule, faults: asProcessSchedule(trial.schedule.faults, hits) } };
  } else if (mode === 'sim' && replay.mode === 'process') {
    // The simulation runs over in-memory parts: no S3, no Kafka, no lazy filesystem, no storage server to take down.
    // Faults that need real processes or real servers (S3 server, Kafka broker, a second engine process).
    const isStorage = (f: Fault) => f.kind === 'storage-restart' || f.kind === 'storage-outage' || f.kind === 'broker-restart' || f.kind === 'zombie';
    const storage = trial.schedule.faults.filter(isStorage);
    if (storage.length) process.stderr.write(`chaos replay: --mode sim has no storage server, broker or second engine process: ${storage.length} such fault(s) dropped\n`);
    const { services: _services, ...config } = trial.config;
    trial = {
      ...trial,
      config: { ...config, store: 'memory', source: 'log', sink: trial.config.sink === 'append' ? 'append' : 'files' },
      schedule: { faults: trial.schedule.faults.filter((f) => !isStorage(f)), lostWrites: false },
    };
  }
  process.stderr.write(`chaos replay: ${trial.scenario} in ${mode} mode, faults ${JSON.stringify(trial.schedule.faults)}${trial.schedule.lostWrites ? ' with lost writes' : ''}\n`);
  const { resolveTrialServices, trialNeedsServices, trialServiceOptions, trialServiceRequest } = await import('../trial/trial-services.js');
  const services = trialNeedsServices(trial, mode) ? await resolveReplayServices(trial, mode, resolveTrialServices, trialServiceRequest) : undefined;
  let h;
  try {
    h = await runTrial(trial, mode, services ? trialServiceOptions(services) : {});
  } finally {
    await services?.close();
  }
  const before = replay.history?.ok === false ? failureMessage(replay.history) : undefined;
  if (o.json) process.stdout.write(JSON.stringify(h) + '\n');
  if (h.ok) {
    process.stderr.write(`chaos replay: all checkers held now (${h.kills} kills)${before ? `; it failed before with: ${before}` : ''}\n`);
    return 0;
  }
  const sameCheckers = replay.history ? JSON.stringify(h.verdicts.filter((v) => !v.ok).map((v) => v.checker)) === JSON.stringify(replay.history.verdicts.filter((v) => !v.ok).map((v) => v.checker)) : undefined;
  process.stderr.write(`chaos replay: FAILED again${sameCheckers === false ? ' (with different checkers)' : ''}: ${failureMessage(h)}\n`);
  return 1;
}

/** The services the trial ran with, again; when they cannot be provided, say which trial needs what (exit 2). */
async function resolveReplayServices(
  trial: ReplayFile['trial'],
  mode: Mode,
  resolve: typeof import('../trial/trial-services.js').resolveTrialServices,
  request: typeof import('../trial/trial-services.js').trialServiceRequest,
) {
  const req = request(trial, mode);
  const what = [req.store !== 'fs' ? `--store ${req.store}` : '', req.source !== 'log' ? `--source ${req.source}` : '', !['files', 'append'].includes(req.sink) ? `--sink ${req.sink}` : ''].filter(Boolean).join(' ');
  try {
    return await resolve(req);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    throw new UserError(
      `this trial ran with ${what} (services ${trial.config.services ?? 'auto'}) and cannot be replayed without them: ${err.message}. ` +
        'Provide the same services, or replay it in simulation with --mode sim',
      err.exitCode,
    );
  }
}
