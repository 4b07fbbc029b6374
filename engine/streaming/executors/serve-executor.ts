/**
 * The body of a streaming executor process (forked by StreamingExecutorPool with an IPC channel;
 * the process entry is the runner's, e.g. runtime/streaming-executor-main.ts, which supplies how a
 * job reference is loaded). Closures cannot cross processes, so it rebuilds the job's query from
 * the job module the driver names, checks it is the driver's, opens the same local partitioned log, and runs partition tasks one at
 * a time, until the driver goes away (engine/executors/driver-channel.ts: no executor outlives its
 * driver).
 *
 * Failpoints here: `task.begin` (before the source is read) and `task.done` (after the stages ran,
 * before the result is sent). Events (failpoint.fired) go to stdout as NDJSON; the driver forwards them.
 */
import type { StreamingJob } from '../../job/streaming-job.js';
import { FsCheckpointStore } from '../../checkpoint/fs-store.js';
import { UserError } from '../../errors.js';
import { FdEventSink } from '../../events.js';
import { Failpoints, parseFailpoints, sigkillSelf } from '../../failpoints.js';
import { LogSource } from '../../sources/log-source.js';
import { reach } from '../context.js';
import { describeQuery, type Stage } from '../query.js';
import type { StreamSource } from '../source.js';
import { sendToDriver, serveDriver } from '../../executors/driver-channel.js';
import type { StreamingDriverMessage, StreamingExecutorInit, StreamingExecutorMessage } from './messages.js';
import { runPartitionTask, statelessPrefix, type PartitionTask } from './partition-task.js';

interface Runtime {
  source: StreamSource;
  stages: Stage[];
  failpoints: Failpoints;
}

async function init(spec: StreamingExecutorInit, loadJob: (ref: string) => Promise<StreamingJob>): Promise<Runtime> {
  const events = new FdEventSink(1);
  const failpoints = new Failpoints(parseFailpoints(spec.failpoints), sigkillSelf);
  failpoints.onFire = (hit) => events.emit({ type: 'failpoint.fired', ...hit });
  const scenario = await loadJob(spec.job);
  const query = scenario.buildQuery(spec.seed, spec.knobs);
  const operators = describeQuery(query);
  if (operators !== spec.operators) {
    throw new Error(`job ${spec.job} built "${operators}" in the executor but "${spec.operators}" in the driver; its buildQuery must be deterministic in (seed, knobs)`);
  }
  const stages = statelessPrefix(query);
  for (const stage of stages) await stage.prepare?.();
  const source = await LogSource.open({
    store: new FsCheckpointStore(spec.sourceDir, { failpoints: Failpoints.disarmed() }),
    prefix: spec.sourcePrefix,
    description: spec.sourceDescription,
    partitions: spec.partitions,
    generate: () => {
      throw new UserError(`executor: the source log in ${spec.sourceDir}/${spec.sourcePrefix} is missing; the driver writes it before starting executors`);
    },
    onMismatch: 'refuse',
  });
  return { source, stages, failpoints };
}

async function runTask(rt: Runtime, reqId: number, task: PartitionTask): Promise<void> {
  try {
    await reach(rt, 'task.begin');
    const output = await runPartitionTask(rt.source, rt.stages, task);
    await reach(rt, 'task.done');
    sendToDriver<StreamingExecutorMessage>({ type: 'result', reqId, output });
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    sendToDriver<StreamingExecutorMessage>({ type: 'task-failed', reqId, name: e.name, message: e.message, fatal: e instanceof UserError });
  }
}

/** Serves the driver until it goes away; `loadJob` turns the driver's job reference into the job. */
export function serveStreamingExecutor(loadJob: (ref: string) => Promise<StreamingJob>): void {
  serveDriver<StreamingExecutorInit, Runtime, Exclude<StreamingDriverMessage, { type: 'init' }>>({
    role: 'streaming executor',
    init: (spec) => init(spec, loadJob),
    handle: (runtime, msg) => runTask(runtime, msg.reqId, msg.task),
  });
}
