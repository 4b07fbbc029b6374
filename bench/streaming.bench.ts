/**
 * Streaming checkpoint overhead: word count in-process over the fs checkpoint store in a temp dir,
 * throughput at K = 1, 5, 10, 20 relative to checkpointing off (K = 0, no WAL or state), as
 * overhead %: (time_K / time_off - 1) * 100. Goal: <= 5 % at K = 10.
 * `checkpointStepsPct.kN`: time inside the checkpoint steps (offsets, state, commits, retention)
 * as % of the K = 0 run; it includes no compute, so it stays meaningful on a busy machine.
 * `failpoints.disarmedOverheadPct`: a run whose failpoints are armed at a name the engine never
 * reaches (every hit does its full lookup, nothing fires) against a disarmed run, both at K = 1:
 * an upper bound of what disarmed failpoint checks cost (disarmed, a hit is one property read).
 * Runs are interleaved (off, K1, K5, ... repeated) and medians taken, so drift hits all alike.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { FsCheckpointStore } from '../engine/checkpoint/fs-store.js';
import { Failpoints, parseFailpoints } from '../engine/failpoints.js';
import { nullEventSink } from '../engine/events.js';
import { runStreamingQuery, type StreamingRunOptions } from '../engine/streaming/run.js';
import { openInputDirSource } from '../engine/streaming/wiring.js';
import { resolveKnobs } from '../engine/streaming/options.js';
import type { StreamSource } from '../engine/streaming/source.js';
import { findStreamingScenario } from '../scenarios/streaming/index.js';
import { mutants } from '../engine/mutants/index.js';

const SIZE = Number(process.env.BENCH_STREAMING_SIZE ?? 420_000);
const BATCH = Number(process.env.BENCH_STREAMING_BATCH ?? 20_000);
const REPEATS = Number(process.env.BENCH_STREAMING_REPEATS ?? 3);

const OPTS: StreamingRunOptions = { scenario: 'wordcount', seed: 1, size: SIZE, maxBatchRecords: BATCH, input: { keys: 5000 } };

/** The source log, generated into a files directory once and opened (read) before timing: input preparation, the same for every K. */
async function openSource(inputDir: string): Promise<StreamSource> {
  const scenario = findStreamingScenario(OPTS.scenario);
  const w = { input: { scenario, seed: OPTS.seed, size: SIZE, knobs: resolveKnobs(scenario, OPTS.input), partitions: 4 }, output: undefined as never, failpoints: Failpoints.disarmed() };
  return openInputDirSource(new FsCheckpointStore(inputDir, { failpoints: Failpoints.disarmed() }), w);
}

/**
 * Time spent in the checkpoint steps of the protocol (everything but planning, computing and the
 * sink), measured by wrapping the protocol through the mutant seam: a figure that stays readable
 * when the machine is busy and wall-clock ratios drown in noise.
 */
const CHECKPOINT_STEPS = new Set(['readMetadata', 'writeMetadata', 'readLog', 'loadState', 'writeOffsets', 'commitState', 'writeCommit', 'cleanup']);
let checkpointMs = 0;
const TIMED = 'bench-timed-protocol';
mutants[TIMED] = {
  description: 'the correct protocol, with its checkpoint steps timed (bench only)',
  realWorld: 'none: not a bug',
  apply: (base) => {
    const timed = { ...base.protocol } as Record<string, unknown>;
    for (const [name, step] of Object.entries(base.protocol)) {
      if (!CHECKPOINT_STEPS.has(name)) continue;
      timed[name] = async (...a: unknown[]) => {
        const t0 = performance.now();
        try {
          return await (step as (...x: unknown[]) => Promise<unknown>)(...a);
        } finally {
          checkpointMs += performance.now() - t0;
        }
      };
    }
    return { ...base, protocol: timed as unknown as typeof base.protocol };
  },
};

async function timeRun(k: number, failpoints: Failpoints, inputDir: string, mutant?: string): Promise<number> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-bench-streaming-'));
  try {
    const checkpoint = new FsCheckpointStore(path.join(root, 'checkpoint'), { failpoints });
    const output = new FsCheckpointStore(path.join(root, 'output'), { failpoints });
    const source = await openSource(inputDir);
    const t0 = performance.now();
    await runStreamingQuery({ ...OPTS, checkpointInterval: k, ...(mutant ? { mutant } : {}) }, { checkpoint, output, failpoints, events: nullEventSink, source });
    return performance.now() - t0;
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export async function figures(log: (line: string) => void): Promise<Record<string, number>> {
  const disarmed = Failpoints.disarmed();
  // Armed at a name never reached: every hit pays the full lookup, nothing fires.
  const armedIdle = new Failpoints(parseFailpoints('never.reached:crash'));
  const variants: Array<{ name: string; k: number; fp: Failpoints }> = [
    { name: 'off', k: 0, fp: disarmed },
    { name: 'k1', k: 1, fp: disarmed },
    { name: 'k5', k: 5, fp: disarmed },
    { name: 'k10', k: 10, fp: disarmed },
    { name: 'k20', k: 20, fp: disarmed },
    { name: 'k1-armed', k: 1, fp: armedIdle },
  ];
  const times = new Map<string, number[]>(variants.map((v) => [v.name, []]));
  const stepMs = new Map<number, number>();
  const inputDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-bench-streaming-input-'));
  try {
    await timeRun(1, disarmed, inputDir); // generates the input; warms up the JIT
    for (let r = 0; r < REPEATS; r++) {
      for (const v of variants) times.get(v.name)!.push(await timeRun(v.k, v.fp, inputDir));
    }
    // Checkpoint steps' share of a K run's time, against the median K=0 run.
    for (const k of [1, 5, 10, 20]) {
      const shares: number[] = [];
      for (let r = 0; r < REPEATS; r++) {
        checkpointMs = 0;
        await timeRun(k, disarmed, inputDir, TIMED);
        shares.push(checkpointMs);
      }
      stepMs.set(k, median(shares));
    }
  } finally {
    fs.rmSync(inputDir, { recursive: true, force: true });
    delete mutants[TIMED];
  }
  const med = (name: string) => median(times.get(name)!);
  const off = med('off');
  log(`wordcount size=${SIZE} batch=${BATCH} repeats=${REPEATS}: off ${off.toFixed(1)} ms, ` + variants.slice(1).map((v) => `${v.name} ${med(v.name).toFixed(1)} ms`).join(', '));
  const pct = (name: string) => (med(name) / off - 1) * 100;
  return {
    'streaming.overheadPct.k1': pct('k1'),
    'streaming.overheadPct.k5': pct('k5'),
    'streaming.overheadPct.k10': pct('k10'),
    'streaming.overheadPct.k20': pct('k20'),
    'streaming.failpoints.disarmedOverheadPct': (med('k1-armed') / med('k1') - 1) * 100,
    'streaming.recordsPerSec.off': (SIZE / off) * 1000,
    // time inside checkpoint steps as % of the uncheckpointed run: robust to a busy machine
    'streaming.checkpointStepsPct.k1': (stepMs.get(1)! / off) * 100,
    'streaming.checkpointStepsPct.k5': (stepMs.get(5)! / off) * 100,
    'streaming.checkpointStepsPct.k10': (stepMs.get(10)! / off) * 100,
    'streaming.checkpointStepsPct.k20': (stepMs.get(20)! / off) * 100,
  };
}
