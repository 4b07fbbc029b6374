/** Test helper: run a streaming query in-process over memory stores with crashes at failpoints, restarting until done. */
import { MemoryCheckpointStore } from '../../checkpoint/memory-store.js';
import { InjectedFault, SimulatedCrash } from '../../errors.js';
import { Failpoints, parseFailpoints, simulatedCrash, type FailpointHit } from '../../failpoints.js';
import { MemoryEventSink, type EngineEvent } from '../../events.js';
import { Coverage } from '../../coverage.js';
import { readOutputRows, runStreamingQuery, type StreamingRunOptions } from '../run.js';
import type { StreamingProtocol } from '../protocol.js';

export interface SimOutcome {
  rows: string[];
  incarnations: number;
  fired: FailpointHit[];
  events: EngineEvent[][];
  checkpoint: MemoryCheckpointStore;
  output: MemoryCheckpointStore;
}

export function memoryStores() {
  const disarmed = Failpoints.disarmed();
  return {
    checkpoint: new MemoryCheckpointStore('memory://checkpoint', { failpoints: disarmed }),
    output: new MemoryCheckpointStore('memory://output', { failpoints: disarmed }),
  };
}

/**
 * Incarnation i arms `faults[i]` (a failpoint spec, or undefined); after a crash or injected fault
 * a fresh engine runs on the same stores, until one finishes. Other errors propagate.
 */
export async function runWithFaults(
  opts: StreamingRunOptions,
  faults: Array<string | undefined>,
  stores = memoryStores(),
  maxIncarnations = 30,
  protocol?: StreamingProtocol,
): Promise<SimOutcome> {
  const fired: FailpointHit[] = [];
  const events: EngineEvent[][] = [];
  for (let i = 0; i < maxIncarnations; i++) {
    const failpoints = new Failpoints(parseFailpoints(faults[i]), simulatedCrash);
    failpoints.onFire = (hit) => fired.push(hit);
    stores.checkpoint.failpoints = failpoints;
    stores.output.failpoints = failpoints;
    const sink = new MemoryEventSink();
    events.push(sink.events);
    try {
      await runStreamingQuery(opts, { ...stores, failpoints, events: sink, coverage: new Coverage(sink), ...(protocol ? { protocol } : {}) });
      const rows = await readOutputRows(stores.output);
      return { rows, incarnations: i + 1, fired, events, ...stores };
    } catch (err) {
      if (!(err instanceof SimulatedCrash) && !(err instanceof InjectedFault)) throw err;
    } finally {
      const disarmed = Failpoints.disarmed();
      stores.checkpoint.failpoints = disarmed;
      stores.output.failpoints = disarmed;
    }
  }
  throw new Error(`no incarnation finished within ${maxIncarnations}`);
}

export async function referenceRows(opts: StreamingRunOptions, protocol?: StreamingProtocol): Promise<string[]> {
  return (await runWithFaults({ ...opts, checkpointInterval: 0 }, [], memoryStores(), 30, protocol)).rows;
}
