/**
 * Streaming checkpoint overhead: word count in-process over the fs checkpoint store in a temp dir,
 * wall time at K = 1, 5, 10, 20 against checkpointing off (K = 0: no metadata, WAL or state), as
 * overhead % = (time_K / time_off - 1) * 100. Goal: <= 5 % at K = 10.
 *
 * Parameters (why these): per-batch fixed costs (offsets/N and commits/N, each fsync + rename +
 * dir fsync, ~1 ms together on this disk) must be weighed against a realistic micro-batch. Spark
 * micro-batches carry seconds of work; here a batch of BATCH records (default 40 000 lines,
 * ~200 000 words, a few hundred ms of compute) over a vocabulary of KEYS words (default 20 000: the
 * state each K rewrites as deltas/snapshots), SIZE / BATCH = 20 batches so K = 20 still writes
 * state once. Tiny batches (100 records) would measure fsync latency, not the engine.
 *
 * Measurement: one unmeasured run (generates the input, warms the JIT, counts failpoint hits), WARMUP
 * more unmeasured rounds (default 0), then ROUNDS rounds; each round runs every configuration once,
 * in an order rotated by one per round, so drift and GC state hit all alike. Each K's overhead is
 * taken per round against that round's K = 0 run (paired), reported as the median with the low/high
 * of the rounds (`overheadPctLow/High.kN`), since a busy 2-core machine moves single runs by 10 %+.
 * `overheadPctBestOf.kN` compares the fastest run of each configuration: load only ever adds time,
 * so the minimum is the least disturbed estimate of each configuration's own cost.
 * `checkpointStepsPct.kN`: time inside the checkpoint steps (offsets, state, commits, retention,
 * metadata) as % of the K = 0 run, timed around the protocol steps: no compute in it, so it stays
 * meaningful when wall-clock ratios drown in noise. `cpuOverheadPct.kN`: the same paired median over
 * process CPU time (serialization, change tracking, syscalls; no I/O wait, no time descheduled).
 *
 * Disarmed failpoints: comparing two whole runs cannot resolve a cost this small (run-to-run noise is
 * 1000x larger), so it is isolated: the number of failpoint hits of a K = 1 run (counted by an armed
 * Failpoints whose spec never matches) times the cost of one disarmed hit (micro-benchmarked,
 * `await` included: the larger of `fp.hit` and `reach`), as % of the K = 0 run.
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
import { reach } from '../engine/streaming/context.js';
import type { StreamSource } from '../engine/streaming/source.js';
import { wordcount } from '../scenarios/streaming/wordcount.js';
import { correctProtocol, type StreamingProtocol } from '../engine/streaming/protocol.js';

const SIZE = Number(process.env.BENCH_STREAMING_SIZE ?? 600_000);
const BATCH = Number(process.env.BENCH_STREAMING_BATCH ?? 30_000);
const KEYS = Number(process.env.BENCH_STREAMING_KEYS ?? 20_000);
const ROUNDS = Number(process.env.BENCH_STREAMING_REPEATS ?? 5);
const WARMUP = Number(process.env.BENCH_STREAMING_WARMUP ?? 0);

const OPTS: StreamingRunOptions = { job: wordcount, seed: 1, size: SIZE, maxBatchRecords: BATCH, input: { keys: KEYS } };
const KS = [1, 5, 10, 20] as const;

/** The source log, generated into a files directory once and opened (read) before timing: input preparation, the same for every K. */
async function openSource(inputDir: string): Promise<StreamSource> {
  const scenario = OPTS.job;
  const w = { input: { scenario, seed: OPTS.seed, size: SIZE, knobs: resolveKnobs(scenario, OPTS.input), partitions: 4 }, output: undefined as never, failpoints: Failpoints.disarmed() };
  return openInputDirSource(new FsCheckpointStore(inputDir, { failpoints: Failpoints.disarmed() }), w);
}

/** The correct protocol with its checkpoint steps timed (through the engine's protocol seam; every configuration runs it, K = 0 included). */
const CHECKPOINT_STEPS = new Set(['readMetadata', 'writeMetadata', 'readLog', 'loadState', 'writeOffsets', 'commitState', 'writeCommit', 'cleanup']);
let checkpointMs = 0;
const timedProtocol: StreamingProtocol = (() => {
  const timed = { ...correctProtocol } as Record<string, unknown>;
  for (const [name, step] of Object.entries(correctProtocol)) {
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
  return timed as unknown as StreamingProtocol;
})();

interface RunTime {
  ms: number;
  /** CPU time of the process (all threads) during the run: not inflated by being descheduled on a busy machine. */
  cpuMs: number;
  checkpointMs: number;
}

async function timeRun(k: number, failpoints: Failpoints, inputDir: string): Promise<RunTime> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-bench-streaming-'));
  try {
    const checkpoint = new FsCheckpointStore(path.join(root, 'checkpoint'), { failpoints });
    const output = new FsCheckpointStore(path.join(root, 'output'), { failpoints });
    const source = await openSource(inputDir);
    checkpointMs = 0;
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    await runStreamingQuery({ ...OPTS, checkpointInterval: k }, { checkpoint, output, failpoints, events: nullEventSink, source, protocol: timedProtocol });
    const ms = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    return { ms, cpuMs: (cpu.user + cpu.system) / 1000, checkpointMs };
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** ns per disarmed failpoint hit, `await` included; the larger of the two ways the engine reaches one. */
async function disarmedHitNs(): Promise<{ hitNs: number; reachNs: number }> {
  const fp = Failpoints.disarmed();
  const ctx = { failpoints: fp };
  const N = 200_000;
  const once = async () => {
    let t0 = performance.now();
    for (let i = 0; i < N; i++) await fp.hit('offsets.write');
    const hit = ((performance.now() - t0) * 1e6) / N;
    t0 = performance.now();
    for (let i = 0; i < N; i++) await reach(ctx, 'sink.begin');
    return { hit, reach: ((performance.now() - t0) * 1e6) / N };
  };
  await once(); // JIT warm-up
  const hits: number[] = [];
  const reaches: number[] = [];
  for (let r = 0; r < 5; r++) {
    const x = await once();
    hits.push(x.hit);
    reaches.push(x.reach);
  }
  return { hitNs: median(hits), reachNs: median(reaches) };
}

export async function figures(log: (line: string) => void): Promise<Record<string, number>> {
  const disarmed = Failpoints.disarmed();
  const configs = [0, ...KS];
  const times = new Map<number, RunTime[]>(configs.map((k) => [k, []]));
  let hitsPerRun = 0;
  const inputDir = fs.mkdtempSync(path.join(os.tmpdir(), 'chaos-bench-streaming-input-'));
  try {
    // First run generates the input and counts failpoint hits: armed at a name never reached, every hit counts, nothing fires.
    const counting = new Failpoints(parseFailpoints('never.reached:crash'));
    await timeRun(1, counting, inputDir);
    for (const n of counting.reached().values()) hitsPerRun += n;
    for (let w = 0; w < WARMUP; w++) for (const k of configs) await timeRun(k, disarmed, inputDir);
    for (let r = 0; r < ROUNDS; r++) {
      const order = configs.map((_, i) => configs[(i + r) % configs.length]!);
      for (const k of order) times.get(k)!.push(await timeRun(k, disarmed, inputDir));
    }
  } finally {
    fs.rmSync(inputDir, { recursive: true, force: true });
  }
  const { hitNs, reachNs } = await disarmedHitNs();

  const offRuns = times.get(0)!.map((t) => t.ms);
  const off = median(offRuns);
  const batches = Math.ceil(SIZE / BATCH);
  const out: Record<string, number> = {};
  const summary: string[] = [];
  for (const k of KS) {
    const runs = times.get(k)!;
    const paired = runs.map((t, r) => (t.ms / offRuns[r]! - 1) * 100);
    const steps = median(runs.map((t) => t.checkpointMs));
    out[`streaming.overheadPct.k${k}`] = median(paired);
    out[`streaming.overheadPctLow.k${k}`] = Math.min(...paired);
    out[`streaming.overheadPctHigh.k${k}`] = Math.max(...paired);
    out[`streaming.overheadPctBestOf.k${k}`] = (Math.min(...runs.map((t) => t.ms)) / Math.min(...offRuns) - 1) * 100;
    out[`streaming.checkpointStepsPct.k${k}`] = (steps / off) * 100;
    out[`streaming.cpuOverheadPct.k${k}`] = median(runs.map((t, r) => (t.cpuMs / times.get(0)![r]!.cpuMs - 1) * 100));
    out[`streaming.checkpointStepsMsPerBatch.k${k}`] = steps / batches;
    summary.push(`k${k} ${median(runs.map((t) => t.ms)).toFixed(0)} ms (overhead ${median(paired).toFixed(1)} %, rounds ${paired.map((p) => p.toFixed(1)).join('/')}; checkpoint steps ${((steps / off) * 100).toFixed(1)} %)`);
  }
  const perHitNs = Math.max(hitNs, reachNs);
  out['streaming.failpoints.disarmedOverheadPct'] = ((hitsPerRun * perHitNs) / 1e6 / off) * 100;
  out['streaming.failpoints.disarmedHitNs'] = perHitNs;
  out['streaming.failpoints.hitsPerRun'] = hitsPerRun;
  out['streaming.recordsPerSec.off'] = (SIZE / off) * 1000;
  out['streaming.batchMs.off'] = off / batches;
  out['streaming.params.batchRecords'] = BATCH;
  out['streaming.params.batches'] = batches;
  out['streaming.params.stateKeys'] = KEYS;
  log(`wordcount size=${SIZE} batch=${BATCH} (${batches} batches, ~${(off / batches).toFixed(0)} ms compute each) keys=${KEYS} rounds=${ROUNDS} warmup=${WARMUP}, configurations interleaved, order rotated per round`);
  log(`off ${off.toFixed(0)} ms (rounds ${offRuns.map((t) => t.toFixed(0)).join('/')}); ` + summary.join('; '));
  log(`failpoints disarmed: ${hitsPerRun} hits per K=1 run x ${perHitNs.toFixed(0)} ns (fp.hit ${hitNs.toFixed(0)} ns, reach ${reachNs.toFixed(0)} ns) = ${((hitsPerRun * perHitNs) / 1e6).toFixed(3)} ms per run`);
  return out;
}
