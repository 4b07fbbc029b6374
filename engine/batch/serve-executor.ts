/**
 * The body of a batch executor process (spawned by ProcessBackend with an IPC channel; the process
 * entry is the runner's, e.g. runtime/batch-executor-main.ts, which supplies how a job reference is
 * loaded). It rebuilds the job's graph from (job module, seed, size, params), checks that it matches the driver's, and
 * runs tasks until the driver goes away (engine/executors/driver-channel.ts: no executor outlives
 * its driver).
 */
import type { BatchJob } from '../job/batch-job.js';
import { BatchContext } from './context.js';
import { ExecutorRuntime } from './task-runner.js';
import type { DriverMessage, ExecutorInit, ExecutorMessage } from './protocol.js';
import { FsCheckpointStore } from '../checkpoint/fs-store.js';
import type { CheckpointStore } from '../checkpoint/store.js';
import { openStoreRef } from './store-ref.js';
import { Failpoints, parseFailpoints, sigkillSelf } from '../failpoints.js';
import { FdEventSink } from '../events.js';
import { sendToDriver, serveDriver } from '../executors/driver-channel.js';
import type { BatchCheckpointSteps } from './checkpoint-steps.js';

async function init(spec: ExecutorInit, loadJob: (ref: string) => Promise<BatchJob>, checkpointSteps: BatchCheckpointSteps | undefined): Promise<ExecutorRuntime> {
  const events = new FdEventSink(1);
  const failpoints = new Failpoints(parseFailpoints(spec.failpoints), sigkillSelf);
  failpoints.onFire = (hit) => events.emit({ type: 'failpoint.fired', name: hit.name, occurrence: hit.occurrence, action: hit.action });
  // The same store as the driver's: a directory, or S3 (opened at first use; the S3 client loads only then).
  const checkpoint = spec.checkpoint === undefined ? undefined : openStoreRef(spec.checkpoint, failpoints, events);
  // The driver's checkpoint steps (a batch mutant's, composed by the runtime) break the same step here.
  const ctx = new BatchContext({ checkpoint, jobKey: spec.jobKey, events, failpoints, ...(checkpointSteps ? { checkpointSteps } : {}) }, 'executor');
  const scenario = await loadJob(spec.scenario.name);
  scenario.build(ctx, { seed: spec.scenario.seed, size: spec.scenario.size, params: spec.scenario.params });
  if (ctx.graphSignature() !== spec.graphSignature) {
    throw new Error(
      `job ${spec.scenario.name} built a different graph in the executor than in the driver; its build must be deterministic in (seed, size, params)`,
    );
  }
  const outputs = new Map<string, CheckpointStore>();
  return new ExecutorRuntime(ctx, spec.executorId, {
    checkpoint,
    output(location) {
      let store = outputs.get(location);
      if (store === undefined) outputs.set(location, (store = new FsCheckpointStore(location, { failpoints })));
      return store;
    },
  }, failpoints);
}

/**
 * Serves the driver until it goes away; `loadJob` turns the driver's job reference into the job,
 * `checkpointSteps` are the reliable-checkpoint steps the driver runs with (the correct ones when
 * undefined; a runtime composing a batch mutant passes the mutant's, so executors break the same step).
 */
export function serveBatchExecutor(loadJob: (ref: string) => Promise<BatchJob>, checkpointSteps?: BatchCheckpointSteps): void {
  serveDriver<ExecutorInit, ExecutorRuntime, Exclude<DriverMessage, { type: 'init' }>>({
    role: 'executor',
    init: (spec) => init(spec, loadJob, checkpointSteps),
    async handle(runtime, msg) {
      switch (msg.type) {
        case 'task':
          sendToDriver<ExecutorMessage>({ type: 'result', reqId: msg.reqId, result: await runtime.runTask(msg.spec) });
          return;
        case 'fetch':
          sendToDriver<ExecutorMessage>({ type: 'blocks', reqId: msg.reqId, blocks: runtime.getBlocks(msg.requests) });
          return;
      }
    },
  });
}
