/**
 * `chaos tune`: measure what checkpointing costs at each interval and what a failure costs, then
 * recommend an interval (Young/Daly prediction beside the measurement). Reports go to --out;
 * with --json exactly one JSON document goes to stdout (progress stays on stderr).
 *
 * Every `chaos` process — also each engine the harness spawns — loads this file, so the measuring
 * and charting code (vega, listr2) is imported only when `tune` actually runs.
 */
import type { Command } from 'commander';
import { UserError } from '../../engine/index.js';
import { checkTunableJob, parseTuneFlags, tuneDefaults, type RawTuneFlags } from '../tune/options.js';

export function registerTune(program: Command): void {
  program
    .command('tune')
    .description('Measure checkpoint overhead and recovery time per checkpoint interval and batch size, fit a cost model, and recommend an interval (Young/Daly beside the fit) with how sure it is.')
    .option('--scenario <name>', 'streaming scenario to tune', tuneDefaults.scenario)
    .option('--job <path|name>', 'a streaming job module of your own to tune (compiled .js/.mjs, or .ts with tsx), instead of --scenario')
    .option('--intervals <list>', 'checkpoint intervals in batches, comma-separated (off is always measured)', tuneDefaults.intervals)
    .option('--mtbf <duration>', 'mean time between failures, e.g. 30s, 10m, 1h', tuneDefaults.mtbf)
    .option('--repeat <n>', 'measurements per point at least (then more rounds until the best interval is separated, within --budget)', tuneDefaults.repeat)
    .option('--budget <duration>', 'no new round of measurement starts after this, e.g. 2m, 10m', tuneDefaults.budget)
    .option('--size <n>', 'input records per run (runs at large intervals are lengthened to hold two checkpoints)', tuneDefaults.size)
    .option('--max-batch-records <list>', 'records per micro-batch; a list (first = the one you run now) tunes the batch size too', tuneDefaults.maxBatchRecords)
    .option('--seed <n>', 'seed of the input and the kill points', tuneDefaults.seed)
    .option('--no-recovery', 'skip the kill-and-recover trials (faster; expected totals then count lost work only)')
    .option('--out <dir>', 'directory for report.json, report.md, report.html', tuneDefaults.out)
    .option('--json', 'print one JSON document on stdout')
    .option('--target <spec.json>', 'tune an external target (a spec with "tune"): interval = its unit, e.g. files per micro-batch')
    .option('--master <url>', 'Spark master for --target (default: the spec\'s)')
    .option('--files <n>', 'with --target: input files per run (default 8)')
    .option('--knob <names>', 'with --target: tune only these of the spec\'s knobs (comma-separated; default all)')
    .action(async (flags: RawTuneFlags & { json?: boolean; target?: string; master?: string; files?: string; knob?: string }, cmd: Command) => {
      if (flags.target !== undefined) {
        process.exitCode = await (await import('./tune-target.js')).tuneTargetCommand(flags, (name) => cmd.getOptionValueSource(name) === 'default');
        return;
      }
      if (flags.master !== undefined || flags.files !== undefined || flags.knob !== undefined) throw new UserError('--master, --files and --knob need --target SPEC');
      if (flags.job !== undefined) {
        if (cmd.getOptionValueSource('scenario') === 'cli') throw new UserError('give either --scenario NAME or --job PATH, not both');
        flags.job = await checkTunableJob(flags.job);
      }
      const options = parseTuneFlags(flags);
      const [{ runTune }, { writeTuneReport }, { humanSummary }] = await Promise.all([
        import('../tune/run-tune.js'),
        import('../../reports/tune-report.js'),
        import('../tune/summary.js'),
      ]);
      const command = `chaos tune ${process.argv.slice(process.argv.indexOf('tune') + 1).join(' ')}`.trim();
      const result = await runTune(options, { show: true }, command);
      const files = await writeTuneReport(options.out, result);
      if (flags.json) {
        const { runs: _runs, recoveries: _recoveries, ...rest } = result;
        process.stdout.write(JSON.stringify({ ...rest, reports: files }, null, 2) + '\n');
      } else {
        process.stdout.write(humanSummary(result, files.html));
      }
      // Measuring is the point, but a recovered output that differs is a correctness finding.
      if (result.notes.some((n) => n.startsWith('FINDING'))) process.exitCode = 1;
    });
}
