/**
 * Streaming memory against input size (`npm run bench`): `chaos engine run --scenario wordcount` as
 * a child process at 20 000, 200 000 and 2 000 000 records, batches of BATCH records, and its peak
 * resident set size (VmHWM from /proc/<pid>/status, polled every 25 ms; Linux only). A run's memory
 * must be bounded by batch + state, not by the input (the log is written while generated and read per
 * batch range; the sink writes per batch): goal memory.peakRssRatio.largestToSmallest <= 1.5 (2M vs 20k records; met/missed).
 *
 * The figure is RSS, so it includes V8's collection slack: a run of a few batches ends before the
 * old generation first fills, a long run settles at a steady state where promoted batch garbage
 * waits for the next mark-compact (memory.peakRss.* shows where the curve flattens).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { GOALS } from './goals.js';

const SIZES = (process.env.BENCH_MEMORY_SIZES ?? '20000,200000,2000000').split(',').map(Number);
const BATCH = Number(process.env.BENCH_MEMORY_BATCH ?? 5000);
const GOAL = GOALS['memory.peakRssRatio.largestToSmallest']!.value;

function vmHwmKb(pid: number): number | undefined {
  try {
    const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : undefined;
  } catch {
    return undefined;
  }
}

async function peakRssMb(size: number): Promise<{ mb: number; s: number }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-memory-'));
  const cli = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'harness', 'cli.js');
  const started = performance.now();
  try {
    const child = execa('node', [cli, 'engine', 'run', '--scenario', 'wordcount', '--seed', '1', '--size', String(size), '--max-batch-records', String(BATCH), '--checkpoint', path.join(dir, 'ckpt'), '--output', path.join(dir, 'out')], { stdout: 'ignore', reject: false });
    let peak = 0;
    const timer = setInterval(() => {
      const kb = child.pid === undefined ? undefined : vmHwmKb(child.pid);
      if (kb !== undefined && kb > peak) peak = kb;
    }, 25);
    const result = await child;
    clearInterval(timer);
    if (result.exitCode !== 0) throw new Error(`engine run --size ${size} failed (exit ${result.exitCode}): ${String(result.stderr).slice(-300)}`);
    return { mb: peak / 1024, s: (performance.now() - started) / 1000 };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export async function figures(log: (line: string) => void): Promise<Record<string, number>> {
  if (!fs.existsSync('/proc/self/status')) {
    log('memory: skipped, peak RSS is read from /proc (Linux only)');
    return {};
  }
  const out: Record<string, number> = {};
  const peaks: number[] = [];
  for (const size of SIZES) {
    const { mb, s } = await peakRssMb(size);
    peaks.push(mb);
    const label = size >= 1e6 ? `${size / 1e6}M` : `${size / 1e3}k`;
    out[`memory.peakRssMb.${label}`] = Math.round(mb);
    log(`wordcount size=${size} batch=${BATCH}: peak RSS ${mb.toFixed(0)} MB (${s.toFixed(1)} s)`);
  }
  if (SIZES.length >= 2) {
    const ratio = peaks[peaks.length - 1]! / peaks[0]!;
    out['memory.peakRssRatio.largestToSmallest'] = Number(ratio.toFixed(2));
    log(`peak RSS ${SIZES[SIZES.length - 1]} vs ${SIZES[0]} records: ${ratio.toFixed(2)}x — goal <= ${GOAL}x: ${ratio <= GOAL ? 'met' : 'missed'}`);
  }
  return out;
}
