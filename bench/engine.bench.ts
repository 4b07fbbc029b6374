/**
 * Batch engine figures (`npm run bench`):
 * - engine.aggregation.ratioToPlainLoop: throughput of a keyed aggregation (word count with
 *   reduceByKey, tasks in this process) divided by the throughput of a hand-written loop over the
 *   same words into a Map. Goal >= 0.3.
 * - engine.checkpoint.costRatio: extra time to reliably checkpoint a dataset (checksummed parts
 *   written atomically with fsync to a local directory, manifest last) divided by the time to compute it.
 * Each figure is the median of several repetitions after a warm-up, measured within one run.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { BatchContext } from '../engine/batch/context.js';
import type { Dataset } from '../engine/batch/dataset.js';

const WORDS = 1_000_000;
const VOCABULARY = 10_000;
const PARTITIONS = 4;

function words(): string[] {
  const vocab = Array.from({ length: VOCABULARY }, (_, i) => `w${i.toString(36)}`);
  const out = new Array<string>(WORDS);
  let x = 12345;
  for (let i = 0; i < WORDS; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    out[i] = vocab[x % VOCABULARY]!;
  }
  return out;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function time(f: () => unknown): Promise<number> {
  const t = performance.now();
  await f();
  return performance.now() - t;
}

function plainWordCount(input: string[]): number {
  const counts = new Map<string, number>();
  for (let i = 0; i < input.length; i++) {
    const w = input[i]!;
    counts.set(w, (counts.get(w) ?? 0) + 1);
  }
  return counts.size;
}

async function engineWordCount(input: string[]): Promise<number> {
  const ctx = new BatchContext({ executors: 0 });
  try {
    return await ctx
      .parallelize(input, PARTITIONS)
      .map((w) => [w, 1] as [string, number])
      .reduceByKey((a, b) => a + b, PARTITIONS)
      .count();
  } finally {
    await ctx.stop();
  }
}

function rows(ctx: BatchContext): Dataset<{ id: number; key: string; value: number }> {
  return ctx.range(200_000, PARTITIONS).map((i) => ({ id: i, key: `k${i % 997}`, value: (i * 7919) % 10007 }));
}

export async function figures(log: (line: string) => void): Promise<Record<string, number>> {
  const input = words();
  if (plainWordCount(input) !== (await engineWordCount(input))) throw new Error('engine and plain loop disagree');
  const plain: number[] = [];
  const engine: number[] = [];
  for (let rep = 0; rep < 11; rep++) {
    plain.push(await time(() => plainWordCount(input)));
    engine.push(await time(() => engineWordCount(input)));
  }
  const plainMs = median(plain);
  const engineMs = median(engine);
  log(`word count of ${WORDS} words, ${VOCABULARY} keys: plain loop ${plainMs.toFixed(1)} ms, engine ${engineMs.toFixed(1)} ms (${PARTITIONS} partitions)`);

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-ckpt-'));
  const compute: number[] = [];
  const checkpoint: number[] = [];
  try {
    for (let rep = 0; rep < 5; rep++) {
      const plainCtx = new BatchContext({ executors: 0 });
      compute.push(await time(() => rows(plainCtx).count()));
      await plainCtx.stop();
      const ckptCtx = new BatchContext({ executors: 0, checkpoint: dir, runId: `rep-${rep}` });
      checkpoint.push(await time(() => rows(ckptCtx).checkpoint().count()));
      await ckptCtx.stop();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const computeMs = median(compute);
  const checkpointMs = median(checkpoint);
  log(`200000 rows: compute ${computeMs.toFixed(1)} ms, compute + reliable checkpoint ${checkpointMs.toFixed(1)} ms`);
  return {
    'engine.aggregation.ratioToPlainLoop': plainMs / engineMs,
    'engine.checkpoint.costRatio': Math.max(0, checkpointMs - computeMs) / computeMs,
  };
}
