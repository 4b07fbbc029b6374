/**
 * One chaos trial: reference, nemesis + restart loop, checkers. Returns its History; a History
 * with `ok: false` is a finding.
 */
import { newHistory, type History, type Mode, type TrialSpec, type Verdict } from '../history.js';
import { check, type CheckContext } from '../oracle/check.js';
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
  const model = await modelFor(spec);
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
  const guarantee = spec.config.sink === 'append' || (spec.config.sink === 'kafka' && spec.config.kafkaDelivery === 'at-least-once') ? 'at-least-once' : 'exactly-once';
  const history = newHistory(spec, mode, guarantee, startedAt, []);

  // Observations of the run (exits, refusals, liveness); the data is judged at the end by check(history).
  const observed: Verdict[] = [];
  history.observed = observed;
  history.finished = false;
  let reference: string[];
  try {
    reference = await referenceOutput(spec);
  } catch (err) {
    observed.push({ checker: 'clean-exit', ok: false, message: `the failure-free reference run failed: ${(err as Error).message}` });
    return judged(history, startedAt, {});
  }
  history.reference = reference;
  if (spec.checkDeterminism) history.determinismOutput = await runFailureFree(spec);
  const model = await modelFor(spec);
  const modelRows = await modelOutput(spec);
  if (modelRows) history.model = modelRows;
  const ctx: CheckContext = model ? { ...(model.shape ? { shape: model.shape } : {}), perKeyOrder: model.perKeyOrder } : {};
  // The output mode decides what the sink is judged on (append: a log; update: final state per key; complete: the newest table).
  if (model?.outputMode) history.outputMode = model.outputMode;

  // The bound covers the engine's incarnations, not the reference computed above.
  const deadline = Date.now() + timeoutMs;
  const driver = mode === 'sim' ? (spec.kind === 'batch' ? await (await import('./batch.js')).batchSimDriver(spec) : await simDriver(spec)) : await processDriver(spec, { deadline, ...(opts.engineArgs ? { engineArgs: opts.engineArgs } : {}), ...(opts.env ? { env: opts.env } : {}), ...(opts.storage ? { storage: opts.storage } : {}), ...(opts.broker ? { broker: opts.broker } : {}) });
  try {
    const loop = await restartUntilDone(spec, driver, deadline);
    history.incarnations = loop.incarnations;
    history.kills = loop.kills;
    observed.push(...loop.verdicts);
    if (loop.finished) {
      history.outputs = await driver.readOutputs();
      history.finished = true;
    }
  } finally {
    await driver.dispose();
  }
  return judged(history, startedAt, ctx);
}

/** The History judged by the one composed checker (the same function `chaos check` re-judges a stored History with). */
function judged(history: History, startedAt: number, ctx: CheckContext): History {
  history.verdicts = check(history, ctx);
  history.ok = history.verdicts.every((v) => v.ok);
  history.elapsedMs = Date.now() - startedAt;
  return history;
}
