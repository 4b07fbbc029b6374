/**
 * One chaos trial: reference, nemesis + restart loop, checkers. Returns its History; a History
 * with `ok: false` is a finding.
 */
import { randomBytes } from 'node:crypto';
import { HISTORY_VERSION, type History, type Mode, type TrialSpec, type Verdict } from '../history.js';
import { checkAtLeastOnce, checkDeterminism, checkExactlyOnce, checkFinalState, checkModel, checkPerKeyOrder } from '../oracle/checkers.js';
import { referenceKey, referenceOutput, runFailureFree } from '../oracle/reference.js';
import { modelFor } from '../oracle/models/index.js';
import { restartUntilDone } from './restart-loop.js';
import { simDriver } from './sim-driver.js';
import { processDriver } from './process-driver.js';
import type { ServiceHandle } from '../services/types.js';

export interface TrialOptions {
  /** Time bound of the whole trial, after which it is a liveness failure. */
  timeoutMs?: number;
  /** Extra engine arguments and environment for every process (from the services hook). */
  engineArgs?: string[];
  env?: Record<string, string>;
  /** The run's S3 server (process mode): storage faults kill/restart it or cut it off through its proxy. */
  storage?: ServiceHandle;
  /** The run's Kafka broker (process mode): broker-restart kills and restarts it. */
  broker?: ServiceHandle;
}

const modelCache = new Map<string, string[]>();
async function modelOutput(spec: TrialSpec): Promise<string[] | undefined> {
  if (spec.kind === 'batch') return (await import('./batch.js')).batchModel(spec);
  const model = modelFor(spec.scenario);
  if (!model) return undefined;
  const key = referenceKey(spec);
  let rows = modelCache.get(key);
  if (!rows) {
    rows = [...(await model.expected(spec))].sort();
    if (modelCache.size > 2000) modelCache.delete(modelCache.keys().next().value!);
    modelCache.set(key, rows);
  }
  return rows;
}

export async function runTrial(spec: TrialSpec, mode: Mode, opts: TrialOptions = {}): Promise<History> {
  const startedAt = Date.now();
  const timeoutMs = opts.timeoutMs ?? (mode === 'process' ? 60_000 : 20_000);
  const guarantee = spec.config.sink === 'append' ? 'at-least-once' : 'exactly-once';
  const verdicts: Verdict[] = [];
  const history: History = {
    version: HISTORY_VERSION,
    trialId: `${spec.scenario}-${randomBytes(4).toString('hex')}`,
    mode,
    scenario: spec.scenario,
    kind: spec.kind,
    seed: spec.seed,
    input: spec.input,
    ...(spec.params ? { params: spec.params } : {}),
    config: spec.config,
    schedule: spec.schedule,
    guarantee,
    startedAt,
    elapsedMs: 0,
    incarnations: [],
    outputs: [],
    reference: [],
    verdicts,
    ok: false,
    kills: 0,
  };

  let reference: string[];
  try {
    reference = await referenceOutput(spec);
  } catch (err) {
    verdicts.push({ checker: 'clean-exit', ok: false, message: `the failure-free reference run failed: ${(err as Error).message}` });
    history.elapsedMs = Date.now() - startedAt;
    return history;
  }
  history.reference = reference;
  if (spec.checkDeterminism) verdicts.push(checkDeterminism(reference, await runFailureFree(spec)));
  const model = modelFor(spec.scenario);
  const modelRows = await modelOutput(spec);
  if (modelRows) {
    history.model = modelRows;
    verdicts.push(checkModel(modelRows, reference));
  }

  // The bound covers the engine's incarnations, not the reference computed above.
  const deadline = Date.now() + timeoutMs;
  const driver = mode === 'sim' ? (spec.kind === 'batch' ? await (await import('./batch.js')).batchSimDriver(spec) : await simDriver(spec)) : await processDriver(spec, { deadline, ...(opts.engineArgs ? { engineArgs: opts.engineArgs } : {}), ...(opts.env ? { env: opts.env } : {}), ...(opts.storage ? { storage: opts.storage } : {}), ...(opts.broker ? { broker: opts.broker } : {}) });
  try {
    const loop = await restartUntilDone(spec, driver, deadline);
    history.incarnations = loop.incarnations;
    history.kills = loop.kills;
    verdicts.push(...loop.verdicts);
    if (loop.finished) {
      const outputs = await driver.readOutputs();
      history.outputs = outputs;
      const main = guarantee === 'exactly-once' ? checkExactlyOnce(reference, outputs) : checkAtLeastOnce(reference, outputs);
      verdicts.push(main);
      // Per-key order and final state are functions of the output multiset: when it equals the
      // reference they hold, and they are computed to explain a difference (or duplicates).
      const implied = guarantee === 'exactly-once' && main.ok;
      if (guarantee === 'exactly-once' && model?.perKeyOrder && model.shape?.seq) {
        verdicts.push(implied ? { checker: 'per-key-order', ok: true, message: 'implied: the output multiset equals the reference' } : checkPerKeyOrder(reference, outputs, model.shape));
      }
      if (model?.shape?.value) {
        verdicts.push(implied ? { checker: 'final-state', ok: true, message: 'implied: the output multiset equals the reference' } : checkFinalState(reference, outputs, model.shape));
      }
    }
  } finally {
    await driver.dispose();
  }
  history.ok = verdicts.every((v) => v.ok);
  history.elapsedMs = Date.now() - startedAt;
  return history;
}
